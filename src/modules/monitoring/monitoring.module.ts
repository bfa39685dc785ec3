import type { App } from '@slack/bolt';
import type { CronTask } from '../../platform/cron.ts';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { LineChartOptions } from '../../shared/charts.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import type { ProbeWeekFigures } from '../digest/digest-data.models.ts';
import type { IngestionChecks } from '../ingestion/ingestion.usecases.ts';
import { createOutboxRepository } from '../outbox/outbox.repository.ts';
import type { OutboxWorker } from '../outbox/outbox.worker.ts';
import { resolveDefaultChannel } from '../review/review.config.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { createTaskRunsRepository } from '../tasks/task-runs.repository.ts';
import { handleStopBoostClick, type BoostClickActor, type BoostClickContext } from './boost-clicks.usecases.ts';
import { createBoostLookup } from './boost-lookup.usecases.ts';
import { createBoostsRepository, type BoostsRepository } from './boosts.repository.ts';
import { createDriftCards, DRIFT_CARD_POSTED } from './drift-cards.usecases.ts';
import { createDriftRepository } from './drift.repository.ts';
import { buildMonitoringTasks, runSourceProbes, type MonitoringTasksDeps } from './monitoring.tasks.ts';
import { registerMonitoringSlackHandlers } from './monitoring.slack.ts';
import type { FetchLike } from './probe-target.client.ts';
import { buildProbesDeps } from './probes-deps.usecases.ts';
import { loadProbeLibrary } from './probes.config.ts';
import type { Probe } from './probes.models.ts';
import { createProbesRepository } from './probes.repository.ts';
import type { OpenIncident } from './probes.usecases.ts';

// Builds the monitoring feature for the composition root: the hourly drift check with its
// alert cards and sampling boosts, the scheduled probes, the Stop-boost button, the boost
// lookup the review sampler calls per candidate event, and the figures `/vigil status` and
// the weekly digest show.

export interface MonitoringModuleOptions {
  db: Db;
  sources: SourcesFile;
  clock: Clock;
  logger: Logger;
  /** The checks module's `ingestionChecks`: probe answers are checked like live traffic. */
  checks: IngestionChecks;
  /** The checks module's grader prompts, for probes judged by a grader. */
  prompts: ReadonlyMap<string, GraderPrompt>;
  /** Without an API key, probes with a grader condition are errors. */
  openai: { apiKey?: string; baseUrl?: string };
  outbox: Pick<OutboxWorker, 'notify' | 'onDelivered' | 'onFailed'>;
  /** Uploads the drift chart into the card's thread; null when Slack is off. */
  slackClient: Pick<SlackClient, 'files'> | null;
  /** Where the probe targets' API keys and headers named in the config are read. */
  secretEnv: Readonly<Record<string, string | undefined>>;
  isApprover(source: string, userId: string): boolean | Promise<boolean>;
  /** Opens the incident of a probe that got through, for sources with `open_incident: true`. */
  openIncident?: OpenIncident;
  /** Wakes the grading queue and the review sampler after probe answers are stored. */
  onStored?(seqs: number[]): void;
  /** Default: prompts/probes/, read once here. */
  library?: readonly Probe[];
  fetch?: FetchLike;
  renderChart?: (options: LineChartOptions) => Promise<Buffer>;
}

/**
 * `DigestLoaders.loadProbes` for the weekly digest: the probe outcomes of the runs started in
 * the week, or null for a source without probes (its digest has no probe section). Standalone
 * so the CLI can build it from the database and the sources file alone.
 */
export function createDigestProbesLoader({ db, sources }: { db: Db; sources: SourcesFile['sources'] }) {
  const probesRepository = createProbesRepository({ db });
  return async (source: string, period: { start: number; end: number }): Promise<ProbeWeekFigures[] | null> =>
    sources[source]?.monitoring.probes ? probesRepository.countProbeOutcomes(source, period) : null;
}

export async function createMonitoringModule(options: MonitoringModuleOptions) {
  const { db, clock } = options;
  const logger = options.logger.child({ ns: 'monitoring' });
  const sources = options.sources.sources;
  const hasProbes = Object.values(sources).some((source) => source.monitoring.probes);
  const library = options.library ?? (hasProbes ? await loadProbeLibrary() : []);

  const driftRepository = createDriftRepository({ db });
  const probesRepository = createProbesRepository({ db });
  const storedBoosts = createBoostsRepository({ db });
  const lookup = createBoostLookup({ boostsRepository: storedBoosts });
  // A boost the drift job starts reaches the sampler at once, not after the cache period.
  const boostsRepository: BoostsRepository = {
    ...storedBoosts,
    insertBoost: async (boost) => {
      const row = await storedBoosts.insertBoost(boost);
      lookup.forget(boost.source);
      return row;
    },
  };

  const client = options.slackClient;
  const cards = createDriftCards({
    db,
    outboxRepository: createOutboxRepository({ db, clock }),
    driftRepository,
    channelOf: (source) => {
      const config = sources[source];
      return config ? resolveDefaultChannel(config.review) : null;
    },
    notifyOutbox: () => options.outbox.notify(),
    uploadFile: client
      ? async (upload) => {
          await client.files.uploadV2(upload);
        }
      : null,
    ...(options.renderChart ? { renderChart: options.renderChart } : {}),
    clock,
    logger,
  });
  options.outbox.onDelivered(DRIFT_CARD_POSTED, (row, response) => cards.uploadChartOnPosted(row, response));
  options.outbox.onFailed(DRIFT_CARD_POSTED, (row) => cards.forgetChart(row));

  const taskDeps: MonitoringTasksDeps = {
    sources,
    clock,
    logger,
    taskRuns: createTaskRunsRepository({ db }),
    drift: {
      driftRepository,
      boostsRepository,
      postAlertCard: cards.postAlertCard,
      updateAlertCard: cards.updateAlertCard,
      ...(options.renderChart ? { renderChart: options.renderChart } : {}),
      logger,
    },
    probes: {
      ...buildProbesDeps({
        db,
        clock,
        logger,
        checks: options.checks,
        prompts: options.prompts,
        readSecret: (name) => options.secretEnv[name],
        openai: options.openai,
        graderTimeoutMs: options.sources.grading.timeout_ms,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.openIncident ? { openIncident: options.openIncident } : {}),
        ...(options.onStored ? { onStored: options.onStored } : {}),
      }),
      library,
    },
  };
  const tasks: CronTask[] = buildMonitoringTasks(taskDeps);
  const driftTask = tasks.find((task) => task.name === 'monitoring.drift')!;

  const clicks: BoostClickContext = {
    db,
    boostsRepository,
    driftRepository,
    isApprover: options.isApprover,
    updateAlertCard: cards.updateAlertCard,
    onBoostStopped: (source) => lookup.forget(source),
    notifyOutbox: () => options.outbox.notify(),
    clock,
    logger,
  };

  return {
    /** The hourly drift task and one probe task per source with a probe target; each runs once per period across processes. */
    tasks,
    registerSlackHandlers: (app: App) => registerMonitoringSlackHandlers(app, clicks),
    /** Synchronous (the sampler asks inside its transaction); active boosts are cached per source for a few seconds. */
    boostFor: lookup.boostFor,
    /** What the Stop-boost button does, for callers without a Bolt app. */
    stopBoost: (actor: BoostClickActor, boostId: number) => handleStopBoostClick(clicks, actor, boostId),
    /** Pass rate per probe per release; one release only when `release` is given. */
    probePassRates: (source: string, release?: string | null) => probesRepository.probePassRates(source, release),
    listOpenAlerts: (source: string) => driftRepository.listOpenAlerts(source),
    /** `DigestLoaders.loadProbes`: the week's probe outcomes per release and probe; null for a source without probes. */
    loadDigestProbes: createDigestProbesLoader({ db, sources }),
    /** The monitoring part of `/vigil status`: null where the feature is off for the source. */
    async describeStatus(source: string, now = clock.now()) {
      const config = sources[source];
      const driftAlerts = config?.monitoring.drift.enabled ? (await driftRepository.listOpenAlerts(source)).map((alert) => alert.metric) : null;
      if (!config?.monitoring.probes) return { driftAlerts, probes: null };
      const release = await driftRepository.findCurrentRelease(source, now);
      const rates = await probesRepository.probePassRates(source, release?.release ?? null);
      // A run whose call failed proves nothing either way, so it is not counted as a run.
      return { driftAlerts, probes: rates.map((rate) => ({ probe: rate.probe, passed: rate.passed, runs: rate.passed + rate.failed })) };
    },
    /** Runs the drift task now, as the schedule does (once per source per hour). */
    runDriftNow: (now = clock.now()) => driftTask.handler(now),
    /** One probe run of a source now, outside the schedule; null when the source has no probe target. */
    runProbesNow: (source: string, now = clock.now()) => runSourceProbes(taskDeps, source, now),
  };
}

export type MonitoringModule = Awaited<ReturnType<typeof createMonitoringModule>>;
