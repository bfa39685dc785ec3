import { defineCronTasks, type CronTask } from '../../platform/cron.ts';
import { runOncePerPeriod, type TaskRunsRepository } from '../tasks/task-runs.repository.ts';
import { retryChartUploads, type ProposalContext } from './calibration-card.usecases.ts';
import { commitProposal } from './calibration-decisions.usecases.ts';
import { decideAutoApply } from './calibration-proposal.models.ts';
import { proposeThreshold } from './calibration-proposals.usecases.ts';

// The daily calibration: for every grader of every source, propose a threshold when the labels
// allow one and it differs from the live one (the same open proposal is not posted twice).
// Vigil applies a proposal by itself only where `calibration.auto_apply.enabled` is set, and
// only while the day's automatic changes stay within `max_change_per_day`; otherwise the card
// waits for an approver. Charts whose upload failed are retried. One grader failing never
// stops the others; the run claims its day, so two processes do not both post.

export const CALIBRATION_SCHEDULE = '30 8 * * *';
export const CALIBRATION_TASK = 'calibration:daily';
const DAY_MS = 86_400_000;

export interface CalibrationTaskContext extends ProposalContext {
  /** The graders a source runs (its `graders.enabled`, or every prompt). */
  graderNamesOf(source: string): string[];
  taskRuns: TaskRunsRepository;
}

export interface DailyOutcome {
  source: string;
  grader: string;
  status: string;
  proposalId?: string;
  autoApplied?: boolean;
  /** Why auto-apply did not apply a proposal (off, over the daily bound, stale). */
  note?: string;
}

export async function calibrateAllGraders(ctx: CalibrationTaskContext): Promise<DailyOutcome[]> {
  const outcomes: DailyOutcome[] = [];
  const errors: unknown[] = [];
  for (const source of Object.keys(ctx.sources).sort()) {
    const autoApply = ctx.sources[source]!.calibration.auto_apply;
    for (const grader of ctx.graderNamesOf(source)) {
      try {
        const result = await proposeThreshold(ctx, { source, grader, actor: 'system:calibration' });
        const outcome: DailyOutcome = { source, grader, status: result.status };
        if (result.status === 'posted' || result.status === 'already_open') {
          const proposal = result.proposal;
          outcome.proposalId = proposal.id;
          const recent = await ctx.repository.listAutoAppliedChanges(source, grader, ctx.clock.now() - DAY_MS);
          const decision = decideAutoApply(autoApply, proposal.proposedThreshold - proposal.currentThreshold, recent);
          if (decision.apply) {
            const applied = await commitProposal(ctx, proposal, { actor: 'system:calibration', actorUser: null, auto: true });
            outcome.autoApplied = applied.status === 'applied';
            if (applied.status === 'stale') outcome.note = applied.message;
          } else {
            outcome.note = decision.reason;
          }
        }
        outcomes.push(outcome);
      } catch (error) {
        ctx.logger.error({ err: error, source, grader }, 'calibration of a grader failed');
        errors.push(new Error(`calibration of ${grader} on ${source} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      }
    }
  }
  await retryChartUploads(ctx);
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} calibration(s) failed`);
  return outcomes;
}

/** Runs the daily calibration once per UTC day across processes and restarts. */
export async function runDailyCalibration(ctx: CalibrationTaskContext, now: number): Promise<DailyOutcome[] | null> {
  let outcomes: DailyOutcome[] | null = null;
  const day = new Date(now).toISOString().slice(0, 10);
  await runOncePerPeriod(ctx.taskRuns, CALIBRATION_TASK, day, () => ctx.clock.now(), async () => {
    outcomes = await calibrateAllGraders(ctx);
  });
  return outcomes;
}

export function buildCalibrationTasks(ctx: CalibrationTaskContext): CronTask[] {
  return defineCronTasks([{ name: CALIBRATION_TASK, schedule: CALIBRATION_SCHEDULE, handler: async (now) => void (await runDailyCalibration(ctx, now)) }]);
}
