import { and, eq, lte, or } from 'drizzle-orm';
import { affectedRows, type Db } from '../../platform/db.ts';
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
     * claimed again. Two single statements, not read-then-write: on PostgreSQL (READ
     * COMMITTED) two instances could both read a failed row and both claim it, while a
     * conditional UPDATE re-checks its WHERE on the row after the other writer commits,
     * and the unique index lets only one INSERT through.
     */
    async claim(task: string, periodKey: string, now: number): Promise<boolean> {
      return db.transaction(async (tx) => {
        const inserted = await tx
          .insert(taskRunsTable)
          .values({ task, periodKey, status: 'running', claimedAt: now })
          .onConflictDoNothing()
          .returning({ id: taskRunsTable.id });
        if (inserted.length > 0) return true;
        const claimable = or(eq(taskRunsTable.status, 'failed'), and(eq(taskRunsTable.status, 'running'), lte(taskRunsTable.claimedAt, now - leaseMs)));
        const reclaimed = await tx
          .update(taskRunsTable)
          .set({ status: 'running', claimedAt: now, finishedAt: null, error: null })
          .where(and(forPeriod(task, periodKey), claimable));
        return affectedRows(reclaimed) === 1;
      });
    },

    /**
     * Records the outcome. With `claimedAt`, only that claim is finished: a run that
     * outlived its lease and was claimed again leaves the new run's row alone.
     */
    async finish(task: string, periodKey: string, now: number, error?: string, claimedAt?: number): Promise<void> {
      await db
        .update(taskRunsTable)
        .set({ status: error ? 'failed' : 'done', finishedAt: now, error: error ?? null })
        .where(and(forPeriod(task, periodKey), claimedAt === undefined ? undefined : eq(taskRunsTable.claimedAt, claimedAt)));
    },

    async find(task: string, periodKey: string) {
      const [row] = await db.select().from(taskRunsTable).where(forPeriod(task, periodKey));
      return row;
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
