import { availableParallelism } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../shared/clock.ts';
import { createSourcesRepository } from '../modules/sources/sources.repository.ts';
import { createChecksModule } from '../modules/checks/checks.module.ts';
import { createOutboxMetrics } from '../modules/outbox/outbox.metrics.ts';
import { createOutboxRepository } from '../modules/outbox/outbox.repository.ts';
import { createOutboxWorker } from '../modules/outbox/outbox.worker.ts';
import { createReviewModule, type ReviewModule } from '../modules/review/review.module.ts';
import { createCalibrationModule, type CalibrationModule } from '../modules/calibration/calibration.module.ts';
import { createGuardrailsModule, type GuardrailsModule } from '../modules/guardrails/guardrails.module.ts';
import { createReleasesRepository } from '../modules/releases/releases.repository.ts';
import { type ReleasesDeps } from '../modules/releases/releases.usecases.ts';
import { createGuardrailsSlackModule, type GuardrailsSlackModule } from '../modules/guardrails/guardrails-slack.module.ts';
import { createIncidentsModule } from '../modules/incidents/incidents.module.ts';
import { rollbackRelease } from '../modules/releases/releases.usecases.ts';
import { findRollbackTarget } from '../modules/releases/rollback-approval.usecases.ts';
import { createCronScheduler, runCronTask, type CronTask } from '../platform/cron.ts';
import { registerVigilCommands } from './vigil-commands.ts';
import { createDigestModule } from '../modules/digest/digest.module.ts';
import { createMonitoringModule, type MonitoringModule } from '../modules/monitoring/monitoring.module.ts';
import { createIncidentsDigestRepository } from '../modules/incidents/incidents-digest.repository.ts';
import { createOutboxSlackClient, createSlackApp, describeSlackStatus, type SlackAppOptions } from './slack-app.ts';
import { buildVigilHttp } from './vigil-http.ts';
import { createRetentionStores } from './retention-stores.ts';
import { redactForStorage } from '../modules/retention/retention.models.ts';
import { buildRetentionTasks } from '../modules/retention/retention.tasks.ts';
import type { RetentionDeps } from '../modules/retention/retention.usecases.ts';
import { createProbeIncidentOpener } from './probe-incidents.ts';
import type { VigilConfig } from './config.ts';
import { databaseOptionsFrom, describeDatabase, openDatabase, runMigrations } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { createMetricsRegistry } from '../platform/metrics.ts';

// Wires the process together: database → checks and guardrails → Slack and the outbox →
// review, incidents, calibration, monitoring, digest → HTTP and the schedules. Modules reach
// each other only through the small functions passed here. main.ts reads the environment and
// calls this; tests call it with their own config and clock.

export interface VigilApp {
  http: FastifyInstance;
  listen(): Promise<string>;
  stop(): Promise<void>;
  /** Runs review sampling, dispatch, expiry and SLA reminders now (tests with a fake clock). */
  review: { runTasks(): Promise<void> };
  /** Threshold proposals: the daily job now, `/vigil calibrate`, and its cron tasks for the scheduler. */
  calibration: Pick<CalibrationModule, 'runDaily' | 'handleCalibrateCommand' | 'tasks'>;
  /** The scheduled tasks' names; `runTask` runs one now, as the scheduler would (tests with a fake clock). */
  taskNames: string[];
  runTask(name: string): Promise<'ok' | 'failed'>;
}

export interface VigilAppOptions {
  logger: Logger;
  clock?: Clock;
  rng?: () => number;
  collectDefaultMetrics?: boolean;
  /** Detector worker threads (default: DETECTOR_WORKERS, else one per core but the main thread's); 0 runs them on the main thread. */
  detectorWorkers?: number;
  /** Test hook: the detector workers' module (one that crashes on cue). */
  detectorWorkerEntry?: URL;
  /** Test hooks for the Slack app: bot ids (no auth.test), processBeforeResponse, retries. */
  slack?: Partial<Pick<SlackAppOptions, 'botIdentity' | 'processBeforeResponse' | 'clientOptions' | 'unhandledRequestTimeoutMillis' | 'startTimeoutMs'>>;
  /** Where the webhook secrets named by `guardrails.webhook.secret_env` are read (default: process.env). */
  secretEnv?: Readonly<Record<string, string | undefined>>;
  /** How often guardrail versions written by other processes are looked for (default 300 ms). */
  guardrailPollMs?: number;
  /** Starts the cron schedules on listen (default true); tests with a fake clock run tasks with `app.runTask`. */
  schedules?: boolean;
}

/** One detector worker per core beyond the main thread's, at least one: the main thread keeps HTTP and the inserts. */
export function defaultDetectorWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

export async function createVigilApp(config: VigilConfig, options: VigilAppOptions): Promise<VigilApp> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const secretEnv = options.secretEnv ?? process.env;
  const database = openDatabase({ ...databaseOptionsFrom(config.env), onPoolError: (error) => logger.warn({ err: error }, 'database connection lost (the pool replaces it)') });
  const { applied } = await runMigrations(database).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  logger.info({ database: describeDatabase(database), dialect: database.dialect, migrationsApplied: applied }, 'database ready');

  const sourceNames = Object.keys(config.sources.sources);
  const sourcesRepository = createSourcesRepository({ db: database.db, clock });
  await sourcesRepository.upsertMany(
    Object.entries(config.sources.sources).map(([name, source]) => ({ name, description: source.description })),
  );
  const knownSources = new Set(sourceNames);
  if (sourceNames.length === 0) logger.warn({ configPath: config.configPath }, 'no sources declared: every event will be refused');

  const registry = createMetricsRegistry({ collectDefaults: options.collectDefaultMetrics ?? true });
  // Created below, once the outbox exists; grading completions wake its sampler.
  let review: ReviewModule | undefined = undefined;
  // Created right after the checks module (it needs the grader prompts); grading flags read its live thresholds.
  let guardrails: GuardrailsModule | undefined = undefined;
  const checks = await createChecksModule({
    sources: config.sources,
    db: database.db,
    registry,
    clock,
    logger,
    openaiApiKey: config.env.OPENAI_API_KEY,
    openaiBaseUrl: config.env.OPENAI_BASE_URL,
    detectorWorkers: options.detectorWorkers ?? config.env.DETECTOR_WORKERS ?? defaultDetectorWorkers(),
    detectorPool: {
      queueBytes: config.env.DETECTOR_QUEUE_MB * 1024 * 1024,
      heapMb: config.env.DETECTOR_WORKER_HEAP_MB,
      ...(options.detectorWorkerEntry ? { entry: options.detectorWorkerEntry } : {}),
    },
    rng: options.rng,
    onEventsChecked: () => review?.notify(),
    // Grading runs once the app listens, after incidents exists: rules see grader flags too.
    onGraderFlags: (event) => incidents.onEventsFlagged?.([event]),
    thresholdOf: (source, grader) => guardrails?.thresholdOf(source, grader),
    liveBlocklistOf: (source) => guardrails?.live.get(source)?.blocklist,
  });
  guardrails = createGuardrailsModule({
    db: database.db,
    clock,
    logger,
    registry,
    sources: config.sources,
    configPath: config.configPath,
    prompts: checks.prompts,
    secretEnv,
    pollMs: options.guardrailPollMs,
    notifyOutbox: () => outbox.notify(),
  });
  const guardrailsModule = guardrails;
  await guardrailsModule.start();

  const slackStatus = describeSlackStatus(config.env);
  if (!slackStatus.enabled) logger.warn(`Slack is off: ${slackStatus.reason}`);
  const slack = createSlackApp({ env: config.env, logger, ...options.slack });
  const outboxSlackClient = slack ? createOutboxSlackClient(config.env, logger) : null;
  const roleOf = (source: string, userId: string) => reviewModule.roles.resolveRole(source, userId);
  const isApprover = async (source: string, userId: string) => (await roleOf(source, userId)) === 'approver';
  const incidents = createIncidentsModule({
    db: database.db,
    sources: config.sources,
    env: config.env,
    secrets: secretEnv,
    clock,
    logger,
    slackClient: outboxSlackClient,
    notifyOutbox: () => outbox.notify(),
    loadEvidence: async (itemId) => reviewModule.loadEvidence(itemId),
    rollbackRelease: async (request) => {
      // The incident's Roll back follows the same two-person rule as the card's.
      if (config.sources.sources[request.source]?.guardrails.releases.two_person_rule) {
        return guardrailsSlackModule.requestRollback({ source: request.source, userId: request.actor.replace(/^slack:/, ''), reason: request.reason });
      }
      const result = await rollbackRelease(releasesDeps, request);
      return { fromRelease: result.from, toRelease: result.target.release, version: result.version.version };
    },
    isApprover,
    isReviewer: async (source, userId) => (await roleOf(source, userId)) !== null,
    // releasesDeps is built below; this runs only once an incident channel exists.
    findRollbackTarget: async (source) => (await findRollbackTarget(releasesDeps, source)).target,
  });
  const outboxRepository = createOutboxRepository({ db: database.db, clock });
  const outbox = createOutboxWorker({
    repository: outboxRepository,
    slackClient: outboxSlackClient,
    clock,
    logger,
    metrics: createOutboxMetrics(registry, { repository: outboxRepository, clock }),
    signWebhook: guardrailsModule.signWebhook,
    fetch: incidents.wrapOutboxFetch(fetch),
  });
  incidents.registerOutboxHooks(outbox);
  // Created after review, which reads them lazily: reviewer standing on App Home, drift sampling boosts.
  let calibration: CalibrationModule | undefined = undefined;
  let monitoring: MonitoringModule | undefined = undefined;
  // Created right after review: its cards carry the guardrail menu option and notes, and it refreshes them.
  let guardrailsSlack: GuardrailsSlackModule | undefined = undefined;
  review = createReviewModule({
    sources: config.sources,
    db: database.db,
    registry,
    clock,
    rng: options.rng,
    logger,
    threshold: (source, grader) => checks.flagPolicy(source, grader).threshold,
    outbox,
    slackClient: outboxSlackClient,
    decorateCard: (item, card) => guardrailsSlack?.decorateCard(item, card) ?? card,
    // Any reviewer may escalate from a card; a source without on-call still gets its incident channel.
    canEscalate: () => true,
    boostFor: (source, candidate, now) => monitoring?.boostFor(source, candidate, now) ?? null,
    describeReviewerStanding: (source, reviewerId) => calibration?.describeReviewerStanding(source, reviewerId) ?? [],
  });
  const reviewModule = review;
  if (slack) reviewModule.registerSlackHandlers(slack.app);
  if (slack) incidents.registerSlackHandlers(slack.app);
  const releasesDeps: ReleasesDeps = {
    repository: createReleasesRepository({ db: database.db }),
    clock,
    guardrails: guardrailsModule.versions,
    soakMsOf: (source) => (config.sources.sources[source]?.guardrails.releases.soak_hours ?? 24) * 3_600_000,
    countRejectedCritical: reviewModule.countRejectedCritical,
  };
  guardrailsSlack = createGuardrailsSlackModule({
    db: database.db,
    clock,
    logger,
    sources: config.sources,
    guardrails: guardrailsModule,
    releases: releasesDeps,
    roles: reviewModule.roles,
    outbox,
    refreshCard: (itemId) => reviewModule.refreshCard(itemId),
  });
  const guardrailsSlackModule = guardrailsSlack;
  if (slack) guardrailsSlackModule.registerSlackHandlers(slack.app);
  calibration = createCalibrationModule({
    db: database.db,
    clock,
    logger,
    sources: config.sources,
    prompts: checks.prompts,
    thresholdOf: (source, grader) => checks.flagPolicy(source, grader).threshold,
    guardrails: guardrailsModule.versions,
    outbox,
    slackClient: outboxSlackClient,
    rng: options.rng,
    notifyReview: () => reviewModule.notify(),
  });
  if (slack) calibration.registerSlackHandlers(slack.app);
  monitoring = await createMonitoringModule({
    db: database.db,
    sources: config.sources,
    clock,
    logger,
    checks: checks.ingestionChecks,
    prompts: checks.prompts,
    openai: { apiKey: config.env.OPENAI_API_KEY, baseUrl: config.env.OPENAI_BASE_URL },
    outbox,
    slackClient: outboxSlackClient,
    secretEnv,
    isApprover,
    // A probe that got through pages like a critical flag: one open incident per source and release.
    openIncident: createProbeIncidentOpener(incidents),
    onStored: () => {
      checks.notifyGrading();
      reviewModule.notify();
    },
  });
  if (slack) monitoring.registerSlackHandlers(slack.app);
  const digest = createDigestModule({
    db: database.db,
    sources: config.sources,
    timeZone: config.env.VIGIL_TIMEZONE,
    clock,
    logger,
    slackClient: outboxSlackClient,
    notifyOutbox: () => outbox.notify(),
    extraLoaders: {
      loadIncidents: createIncidentsDigestRepository({ db: database.db }).loadIncidents,
      loadCalibration: calibration.loadDigestCalibration,
      loadReview: reviewModule.loadDigestReview,
      loadProbes: monitoring.loadDigestProbes,
    },
  });
  const canSeeSource = async (source: string, userId: string) => (await roleOf(source, userId)) !== null || (await incidents.isOnCall(source, userId));
  if (slack) registerVigilCommands(slack.app, { sourceNames, checks, guardrails: guardrailsModule, review: reviewModule, incidents, monitoring, calibration, digest, isApprover, canSeeSource });
  const retention: RetentionDeps = {
    stores: createRetentionStores(database.db),
    clock,
    retentionOf: (source) => config.sources.sources[source]?.retention,
    // The full card, re-rendered from the erased event: its verdicts and a note that the content was erased.
    updateErasedCards: (itemIds) => itemIds.forEach((itemId) => reviewModule.refreshCard(itemId)),
  };
  const tasks: CronTask[] = [...calibration.tasks, ...digest.tasks, ...monitoring.tasks, ...buildRetentionTasks(retention, sourceNames)];
  const scheduler = createCronScheduler({ clock, logger, timezone: config.env.VIGIL_TIMEZONE });

  const http = await buildVigilHttp({
    database,
    registry,
    clock,
    logger,
    slack,
    env: config.env,
    knownSources,
    checks,
    review: reviewModule,
    guardrails: guardrailsModule,
    releases: releasesDeps,
    onEventsFlagged: incidents.onEventsFlagged,
    prepareForStorage: (event) => (config.sources.sources[event.source]?.store === 'redacted' ? redactForStorage(event) : event),
    retention,
  });

  let stopped = false;
  return {
    http,
    review: { runTasks: () => reviewModule.runTasks() },
    calibration: { runDaily: calibration.runDaily, handleCalibrateCommand: calibration.handleCalibrateCommand, tasks: calibration.tasks },
    taskNames: tasks.map((task) => task.name),
    async runTask(name) {
      const task = tasks.find((candidate) => candidate.name === name);
      if (!task) throw new Error(`no scheduled task "${name}"; tasks: ${tasks.map((candidate) => candidate.name).join(', ')}`);
      return runCronTask(task, { clock, logger });
    },
    async listen() {
      await slack?.start();
      checks.start();
      outbox.start();
      reviewModule.start();
      await guardrailsSlackModule.start();
      if (options.schedules ?? true) {
        scheduler.start(tasks);
        // A digest owed while Vigil was down goes out now (claimed once per week, across processes).
        void digest.catchUp();
      }
      return http.listen({ port: config.env.PORT, host: config.env.HOST });
    },
    /** Stops accepting, lets in-flight requests finish (their batches commit), then closes the database. */
    async stop() {
      if (stopped) return;
      stopped = true;
      await slack?.stop();
      await scheduler.stop();
      guardrailsModule.stop();
      guardrailsSlackModule.stop();
      await http.close();
      await reviewModule.stop();
      await outbox.stop();
      await checks.stop();
      await database.close();
      logger.info('stopped');
    },
  };
}
