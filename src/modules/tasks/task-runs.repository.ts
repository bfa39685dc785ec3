import { and, eq } from 'drizzle-orm';
import type { Db } from '../../app/db.ts';
import { taskRunsTable } from './task-runs.table.ts';

export function createTaskRunsRepository({ db }: { db: Db }) {
  return {
    /**
     * Claims (task, period). Returns false when it is already done or running in
     * another process; a failed run may be claimed again.
     */
    async claim(task: string, periodKey: string, now: number): Promise<boolean> {
      return db.transaction(
        (tx) => {
          const existing = tx.select().from(taskRunsTable).where(and(eq(taskRunsTable.task, task), eq(taskRunsTable.periodKey, periodKey))).get();
          if (existing && existing.status !== 'failed') return false;
          if (existing) {
            tx.update(taskRunsTable).set({ status: 'running', claimedAt: now, error: null }).where(eq(taskRunsTable.id, existing.id)).run();
          } else {
            tx.insert(taskRunsTable).values({ task, periodKey, status: 'running', claimedAt: now }).run();
          }
          return true;
        },
        { behavior: 'immediate' },
      );
    },

    async finish(task: string, periodKey: string, now: number, error?: string): Promise<void> {
      db.update(taskRunsTable)
        .set({ status: error ? 'failed' : 'done', finishedAt: now, error: error ?? null })
        .where(and(eq(taskRunsTable.task, task), eq(taskRunsTable.periodKey, periodKey)))
        .run();
    },

    async find(task: string, periodKey: string) {
      return db.select().from(taskRunsTable).where(and(eq(taskRunsTable.task, task), eq(taskRunsTable.periodKey, periodKey))).get();
    },
  };
}

export type TaskRunsRepository = ReturnType<typeof createTaskRunsRepository>;

/** Runs `work` at most once per (task, period) across restarts and processes. */
export async function runOncePerPeriod(
  repository: TaskRunsRepository,
  task: string,
  periodKey: string,
  now: () => number,
  work: () => Promise<void>,
): Promise<'ran' | 'skipped'> {
  if (!(await repository.claim(task, periodKey, now()))) return 'skipped';
  try {
    await work();
    await repository.finish(task, periodKey, now());
    return 'ran';
  } catch (error) {
    await repository.finish(task, periodKey, now(), error instanceof Error ? error.message : String(error));
    throw error;
  }
}
