import type { App } from '@slack/bolt';
import type { Db } from '../../app/db.ts';
import type { Logger } from '../../app/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { resolveSourceGraders } from '../checks/checks.module.ts';
import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import type { GuardrailsDeps } from '../guardrails/guardrails.usecases.ts';
import type { OutboxWorker } from '../outbox/outbox.worker.ts';
import { createReviewRoles } from '../review/review-roles.usecases.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { createTaskRunsRepository } from '../tasks/task-runs.repository.ts';
import { PROPOSAL_POSTED, recordProposalPosted } from './calibration-card.usecases.ts';
import { handleCalibrateCommand } from './calibration-proposals.usecases.ts';
import { createCalibrationRepository } from './calibration.repository.ts';
import { registerCalibrationSlackHandlers } from './calibration.slack.ts';
import { buildCalibrationTasks, runDailyCalibration, type CalibrationTaskContext } from './calibration.tasks.ts';
import { calibrateGrader, type GraderInfo } from './calibration.usecases.ts';

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

  return {
    context: ctx,
    /** Cron tasks for the app's scheduler: the daily calibration. */
    tasks: buildCalibrationTasks(ctx),
    registerSlackHandlers: (app: App) => registerCalibrationSlackHandlers(app, ctx),
    /** `/vigil calibrate <source> <grader>`: posts the proposal card (outbox) and returns the ephemeral text. */
    handleCalibrateCommand: (source: string, grader: string, userId: string) => handleCalibrateCommand(ctx, source, grader, userId),
    /** Runs the daily calibration now (tests, fake clocks); once per day like the schedule. */
    runDaily: (now = options.clock.now()) => runDailyCalibration(ctx, now),
    report: (source: string, grader: string) => calibrateGrader(ctx, { source, grader }).report,
  };
}

export type CalibrationModule = ReturnType<typeof createCalibrationModule>;
