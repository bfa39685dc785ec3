import { WebClient } from '@slack/web-api';
import type { FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../shared/clock.ts';
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.ts';
import { createApiKeyAuthenticator } from '../modules/api-keys/api-keys.usecases.ts';
import { createApiKeyHook } from '../modules/api-keys/api-keys.hooks.ts';
import { createAuditRepository } from '../modules/audit/audit.repository.ts';
import { createEventsRepository } from '../modules/ingestion/events.repository.ts';
import { createIngestionMetrics } from '../modules/ingestion/ingestion.metrics.ts';
import { registerIngestionRoutes } from '../modules/ingestion/ingestion.routes.ts';
import { createSourcesRepository } from '../modules/sources/sources.repository.ts';
import { createChecksModule } from '../modules/checks/checks.module.ts';
import { createOutboxMetrics } from '../modules/outbox/outbox.metrics.ts';
import { createOutboxRepository } from '../modules/outbox/outbox.repository.ts';
import { OUTBOX_WEB_CLIENT_OPTIONS } from '../modules/outbox/outbox-senders.worker.ts';
import { createOutboxWorker } from '../modules/outbox/outbox.worker.ts';
import { createReviewModule, type ReviewModule } from '../modules/review/review.module.ts';
import { createCalibrationModule, type CalibrationModule } from '../modules/calibration/calibration.module.ts';
import { registerAuditRoutes } from '../modules/audit/audit.routes.ts';
import { createGuardrailsModule, type GuardrailsModule } from '../modules/guardrails/guardrails.module.ts';
import { registerGuardrailRoutes } from '../modules/guardrails/guardrails.routes.ts';
import { createReleasesRepository } from '../modules/releases/releases.repository.ts';
import { registerReleaseRoutes } from '../modules/releases/releases.routes.ts';
import { noRejectedCritical, type ReleasesDeps } from '../modules/releases/releases.usecases.ts';
import { createGuardrailsSlackModule, type GuardrailsSlackModule } from '../modules/guardrails/guardrails-slack.module.ts';
import { createReviewRoles } from '../modules/review/review-roles.usecases.ts';
import { createBoltLogger, createSlackApp, createSlackHealthCheck, describeSlackStatus, mountSlackReceiver, type SlackAppOptions } from './slack-app.ts';
import type { VigilConfig } from './config.ts';
import { openDatabase, runMigrations } from './db.ts';
import { registerHealthRoutes } from './health.routes.ts';
import type { Logger } from './logger.ts';
import { createMetricsRegistry } from './metrics.ts';
import { buildServer } from './server.ts';

// Wires the process together: database → repositories → HTTP. main.ts reads the
// environment and calls this; tests call it with their own config and clock.

export interface VigilApp {
  http: FastifyInstance;
  listen(): Promise<string>;
  stop(): Promise<void>;
  /** Runs review sampling, dispatch, expiry and SLA reminders now (tests with a fake clock). */
  review: { runTasks(): Promise<void> };
  /** Threshold proposals: the daily job now, `/vigil calibrate`, and its cron tasks for the scheduler. */
  calibration: Pick<CalibrationModule, 'runDaily' | 'handleCalibrateCommand' | 'tasks'>;
}

export interface VigilAppOptions {
  logger: Logger;
  clock?: Clock;
  rng?: () => number;
  collectDefaultMetrics?: boolean;
  /** Detector worker threads (default 1: the second core); 0 runs them on the main thread. */
  detectorWorkers?: number;
  /** Test hooks for the Slack app: bot ids (no auth.test), processBeforeResponse, retries. */
  slack?: Partial<Pick<SlackAppOptions, 'botIdentity' | 'processBeforeResponse' | 'clientOptions' | 'unhandledRequestTimeoutMillis' | 'startTimeoutMs'>>;
  /** Where the webhook secrets named by `guardrails.webhook.secret_env` are read (default: process.env). */
  secretEnv?: Readonly<Record<string, string | undefined>>;
  /** How often guardrail versions written by other processes are looked for (default 300 ms). */
  guardrailPollMs?: number;
}

export async function createVigilApp(config: VigilConfig, options: VigilAppOptions): Promise<VigilApp> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const database = openDatabase({ url: config.env.DATABASE_URL, synchronous: config.env.DATABASE_SYNCHRONOUS });
  const { applied } = runMigrations(database.sqlite);
  logger.info({ database: database.path, migrationsApplied: applied }, 'database ready');

  const sourceNames = Object.keys(config.sources.sources);
  const sourcesRepository = createSourcesRepository({ db: database.db, clock });
  await sourcesRepository.upsertMany(
    Object.entries(config.sources.sources).map(([name, source]) => ({ name, description: source.description })),
  );
  const knownSources = new Set(sourceNames);
  if (sourceNames.length === 0) logger.warn({ configPath: config.configPath }, 'no sources declared: every event will be refused');

  const registry = createMetricsRegistry({ collectDefaults: options.collectDefaultMetrics ?? true });
  const repositories = {
    events: createEventsRepository({ db: database.db }),
    apiKeys: createApiKeysRepository({ db: database.db }),
    audit: createAuditRepository({ db: database.db, clock }),
  };
  const authenticator = createApiKeyAuthenticator({ apiKeysRepository: repositories.apiKeys, clock });
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
    detectorWorkers: options.detectorWorkers ?? 1,
    rng: options.rng,
    onEventsChecked: () => review?.notify(),
    thresholdOf: (source, grader) => guardrails?.thresholdOf(source, grader),
  });
  guardrails = createGuardrailsModule({
    db: database.db,
    clock,
    logger,
    registry,
    sources: config.sources,
    configPath: config.configPath,
    prompts: checks.prompts,
    secretEnv: options.secretEnv ?? process.env,
    pollMs: options.guardrailPollMs,
    notifyOutbox: () => outbox.notify(),
  });
  const guardrailsModule = guardrails;
  await guardrailsModule.start();

  const slackStatus = describeSlackStatus(config.env);
  if (!slackStatus.enabled) logger.warn(`Slack is off: ${slackStatus.reason}`);
  const slack = createSlackApp({ env: config.env, logger, ...options.slack });
  // The outbox sends with its own client: a 429 rejects at once with its Retry-After
  // (Bolt's client would stall its whole queue), and the outbox owns the retries.
  const outboxSlackClient = slack
    ? new WebClient(config.env.SLACK_BOT_TOKEN, {
        ...OUTBOX_WEB_CLIENT_OPTIONS,
        logger: createBoltLogger(logger.child({ ns: 'outbox' })),
        ...(config.env.SLACK_API_URL ? { slackApiUrl: config.env.SLACK_API_URL } : {}),
      })
    : null;
  const outboxRepository = createOutboxRepository({ db: database.db, clock });
  const outbox = createOutboxWorker({
    repository: outboxRepository,
    slackClient: outboxSlackClient,
    clock,
    logger,
    metrics: createOutboxMetrics(registry, { repository: outboxRepository, clock }),
    signWebhook: guardrailsModule.signWebhook,
  });
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
  });
  const reviewModule = review;
  if (slack) reviewModule.registerSlackHandlers(slack.app);
  const releasesDeps: ReleasesDeps = {
    repository: createReleasesRepository({ db: database.db }),
    clock,
    guardrails: guardrailsModule.versions,
    soakMsOf: (source) => (config.sources.sources[source]?.guardrails.releases.soak_hours ?? 24) * 3_600_000,
    countRejectedCritical: noRejectedCritical,
  };
  guardrailsSlack = createGuardrailsSlackModule({
    db: database.db,
    clock,
    logger,
    sources: config.sources,
    guardrails: guardrailsModule,
    releases: releasesDeps,
    roles: createReviewRoles({
      sources: Object.fromEntries(Object.entries(config.sources.sources).map(([name, source]) => [name, source.review])),
      client: outboxSlackClient,
      clock,
      logger,
    }),
    outbox,
    refreshCard: (itemId) => reviewModule.refreshCard(itemId),
  });
  const guardrailsSlackModule = guardrailsSlack;
  if (slack) guardrailsSlackModule.registerSlackHandlers(slack.app);
  const calibration = createCalibrationModule({
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

  const http = buildServer({ logger, registry });
  registerHealthRoutes(http, {
    sqlite: database.sqlite,
    databasePath: database.path,
    registry,
    components: { graders: checks.health, slack: createSlackHealthCheck(slack, config.env) },
  });
  if (slack?.mode === 'http') await mountSlackReceiver(http, slack.receiver);
  const ingestionMetrics = createIngestionMetrics(registry);
  await http.register(
    async (v1) => {
      v1.addHook('onRequest', createApiKeyHook(authenticator));
      registerIngestionRoutes(v1, {
        eventsRepository: repositories.events,
        metrics: ingestionMetrics,
        clock,
        checks: checks.ingestionChecks,
        isKnownSource: (name) => knownSources.has(name),
        onStored: () => {
          checks.notifyGrading();
          reviewModule.notify();
        },
        listGraderResults: (seq) => checks.gradingRepository.listResults(seq),
      });
      reviewModule.registerRoutes(v1);
      registerGuardrailRoutes(v1, guardrailsModule.routes);
      registerReleaseRoutes(v1, { ...releasesDeps, isKnownSource: (name) => knownSources.has(name) });
      registerAuditRoutes(v1, { auditRepository: repositories.audit });
    },
    { prefix: '/v1' },
  );

  let stopped = false;
  return {
    http,
    review: { runTasks: () => reviewModule.runTasks() },
    calibration: { runDaily: calibration.runDaily, handleCalibrateCommand: calibration.handleCalibrateCommand, tasks: calibration.tasks },
    async listen() {
      await slack?.start();
      checks.start();
      outbox.start();
      reviewModule.start();
      guardrailsSlackModule.start();
      return http.listen({ port: config.env.PORT, host: config.env.HOST });
    },
    /** Stops accepting, lets in-flight requests finish (their batches commit), then closes the database. */
    async stop() {
      if (stopped) return;
      stopped = true;
      await slack?.stop();
      guardrailsModule.stop();
      guardrailsSlackModule.stop();
      await http.close();
      await reviewModule.stop();
      await outbox.stop();
      await checks.stop();
      database.close();
      logger.info('stopped');
    },
  };
}
