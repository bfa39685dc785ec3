import type { App } from '@slack/bolt';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { resolveSourceGraders } from '../checks/checks.module.ts';
import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import type { GuardrailsDeps } from '../guardrails/guardrails.usecases.ts';
import type { OutboxWorker } from '../outbox/outbox.worker.ts';
import { resolveDefaultChannel } from '../review/review.config.ts';
import { createReviewRepository } from '../review/review.repository.ts';
import { createReviewRoles } from '../review/review-roles.usecases.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { createTaskRunsRepository } from '../tasks/task-runs.repository.ts';
import { describeReviewerStanding } from './agreement-report.models.ts';
import { createAgreementRepository } from './agreement.repository.ts';
import { buildGoldTasks, runGoldMix, type GoldTaskContext } from './agreement.tasks.ts';
import { computeReviewerAgreement } from './agreement.usecases.ts';
import { PROPOSAL_POSTED, recordProposalPosted } from './calibration-card.usecases.ts';
import { handleCalibrateCommand } from './calibration-proposals.usecases.ts';
import { createCalibrationRepository } from './calibration.repository.ts';
import { registerCalibrationSlackHandlers } from './calibration.slack.ts';
import { buildCalibrationTasks, runDailyCalibration, type CalibrationTaskContext } from './calibration.tasks.ts';
import { calibrateGrader, loadDigestCalibration, type GraderInfo } from './calibration.usecases.ts';

// Builds the calibration capability: reports, proposal cards with Apply / Dismiss, the daily
// job, and `/vigil calibrate` for the commands module.

export interface CalibrationModuleOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  sources: SourcesFile;
  prompts: ReadonlyMap<string, GraderPrompt>;
  /** The live threshold of a grader (the checks module's flag policy). */
  thresholdOf(source: string, grader: string): number;
  /** The guardrails module's version writer (`guardrails.versions`). */
  guardrails: GuardrailsDeps;
  outbox: Pick<OutboxWorker, 'notify' | 'onDelivered'>;
  /** User-group lookups for roles and the chart upload; null when Slack is off. */
  slackClient: Pick<SlackClient, 'usergroups' | 'files'> | null;
  rng?: () => number;
  /** Wakes the review dispatcher once gold items are queued. */
  notifyReview?(): void;
}

export function createCalibrationModule(options: CalibrationModuleOptions) {
  const logger = options.logger.child({ ns: 'calibration' });
  const sources = options.sources.sources;
  const graders = new Map<string, GraderInfo>([...options.prompts.values()].map((prompt) => [prompt.name, { name: prompt.name, version: prompt.version, dimension: prompt.dimension }]));
  const client = options.slackClient;
  const ctx: CalibrationTaskContext = {
    repository: createCalibrationRepository({ db: options.db }),
    sources: Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, { calibration: source.calibration, review: source.review }])),
    graders,
    thresholdOf: options.thresholdOf,
    clock: options.clock,
    guardrails: options.guardrails,
    roles: createReviewRoles({ sources: Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, source.review])), client, clock: options.clock, logger }),
    uploadFile: client
      ? async (upload) => {
          await client.files.uploadV2(upload);
        }
      : null,
    notifyOutbox: () => options.outbox.notify(),
    logger,
    graderNamesOf: (source) => resolveSourceGraders(source, sources[source]?.graders.enabled, options.prompts).map((prompt) => prompt.name),
    taskRuns: createTaskRunsRepository({ db: options.db }),
  };
  options.outbox.onDelivered(PROPOSAL_POSTED, (row, response) => recordProposalPosted(ctx, row.purposeRef ?? '', response));
  const agreement = createAgreementRepository({ db: options.db });
  const gold: GoldTaskContext = {
    repository: agreement,
    review: createReviewRepository({ db: options.db }),
    clock: options.clock,
    rng: options.rng ?? Math.random,
    sources: Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, { calibration: source.calibration, reviewed: resolveDefaultChannel(source.review) !== null }])),
    notifyReview: () => options.notifyReview?.(),
    logger,
  };

  return {
    context: ctx,
    /** Cron tasks for the app's scheduler: the daily calibration and the hourly gold items. */
    tasks: [...buildCalibrationTasks(ctx), ...buildGoldTasks(gold)],
    registerSlackHandlers: (app: App) => registerCalibrationSlackHandlers(app, ctx),
    /** `/vigil calibrate <source> <grader>`: posts the proposal card (outbox) and returns the ephemeral text. */
    handleCalibrateCommand: (source: string, grader: string, userId: string) => handleCalibrateCommand(ctx, source, grader, userId),
    /** Runs the daily calibration now (tests, fake clocks); once per day like the schedule. */
    runDaily: (now = options.clock.now()) => runDailyCalibration(ctx, now),
    report: async (source: string, grader: string) => (await calibrateGrader(ctx, { source, grader })).report,
    /** `DigestLoaders.loadCalibration` for the weekly digest. */
    loadDigestCalibration: (source: string, period: { start: number; end: number }) => loadDigestCalibration(ctx, source, period),
    /** Mixes this hour's gold items now (tests, fake clocks). */
    runGoldMix: () => runGoldMix(gold),
    /** Reviewer agreement of a source over the last 90 days (approvers, on request). */
    agreement: (source: string) => computeReviewerAgreement({ repository: agreement, clock: options.clock }, { source }),
    /** A reviewer's own agreement and gold accuracy lines, for their App Home. */
    describeReviewerStanding: async (source: string, reviewerId: string) =>
      describeReviewerStanding(await computeReviewerAgreement({ repository: agreement, clock: options.clock }, { source }), reviewerId),
  };
}

export type CalibrationModule = ReturnType<typeof createCalibrationModule>;
