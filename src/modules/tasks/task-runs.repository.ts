import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { taskRunsTable } from './task-runs.table.ts';

// A claim is a lease, not a lock: a `running` row older than the lease is taken to be a
// process that died mid-run (a crash, a kill during deploy), and may be claimed again, or
// that (task, period) would never run. The lease must outlast the slowest live run, since
// a run still going when its lease ends may then run twice at once.

/**
 * 45 minutes. The longest claimed run is a weekly digest to a channel and up to 50
 * managers: a conversations.open and a three-call chart upload per recipient, about 200
 * Slack calls. The app's client cuts each at 10 s, and a cut call fails the run (ending
 * its claim), so even if every call answers just in time the run ends within about 34
 * minutes; a healthy one takes seconds. 45 minutes stays under the hourly digest
 * catch-up, so a digest whose process died at the scheduled minute goes out at the next one.
 */
export const DEFAULT_TASK_LEASE_MS = 45 * 60_000;

export function createTaskRunsRepository({ db, leaseMs = DEFAULT_TASK_LEASE_MS }: { db: Db; leaseMs?: number }) {
  const forPeriod = (task: string, periodKey: string) => and(eq(taskRunsTable.task, task), eq(taskRunsTable.periodKey, periodKey));

  return {
    /**
     * Claims (task, period) at `now`. Returns false when it is done, or running under a
     * lease that has not ended; a failed run, or a running one whose lease ended, may be
     * claimed again.
     */
    async claim(task: string, periodKey: string, now: number): Promise<boolean> {
      return db.transaction(
        (tx) => {
          const existing = tx.select().from(taskRunsTable).where(forPeriod(task, periodKey)).get();
          if (existing?.status === 'done') return false;
          if (existing?.status === 'running' && now - existing.claimedAt < leaseMs) return false;
          if (existing) {
            tx.update(taskRunsTable).set({ status: 'running', claimedAt: now, finishedAt: null, error: null }).where(eq(taskRunsTable.id, existing.id)).run();
          } else {
            tx.insert(taskRunsTable).values({ task, periodKey, status: 'running', claimedAt: now }).run();
          }
          return true;
        },
        { behavior: 'immediate' },
      );
    },

    /**
     * Records the outcome. With `claimedAt`, only that claim is finished: a run that
     * outlived its lease and was claimed again leaves the new run's row alone.
     */
    async finish(task: string, periodKey: string, now: number, error?: string, claimedAt?: number): Promise<void> {
      db.update(taskRunsTable)
        .set({ status: error ? 'failed' : 'done', finishedAt: now, error: error ?? null })
        .where(and(forPeriod(task, periodKey), claimedAt === undefined ? undefined : eq(taskRunsTable.claimedAt, claimedAt)))
        .run();
    },

    async find(task: string, periodKey: string) {
      return db.select().from(taskRunsTable).where(forPeriod(task, periodKey)).get();
    },
  };
}

export type TaskRunsRepository = ReturnType<typeof createTaskRunsRepository>;

/** Runs `work` at most once per (task, period) across restarts and processes (see the lease above). */
export async function runOncePerPeriod(
  repository: TaskRunsRepository,
  task: string,
  periodKey: string,
  now: () => number,
  work: () => Promise<void>,
): Promise<'ran' | 'skipped'> {
  const claimedAt = now();
  if (!(await repository.claim(task, periodKey, claimedAt))) return 'skipped';
  try {
    await work();
    await repository.finish(task, periodKey, now(), undefined, claimedAt);
    return 'ran';
  } catch (error) {
    await repository.finish(task, periodKey, now(), error instanceof Error ? error.message : String(error), claimedAt);
    throw error;
  }
}
