import { sqliteTable, text, uniqueIndex, integer } from 'drizzle-orm/sqlite-core';
import { epochMs } from '../../platform/db.columns.ts';

// A scheduled job that must run once per period (the weekly digest of a source,
// say) claims its (task, period) row first; the unique index makes the claim win
// in exactly one process, also after a restart or with two processes.
export const taskRunsTable = sqliteTable(
  'task_runs',
  {
    id: integer('id').primaryKey(),
    task: text('task').notNull(),
    periodKey: text('period_key').notNull(),
    status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
    claimedAt: epochMs('claimed_at').notNull(),
    finishedAt: epochMs('finished_at'),
    error: text('error'),
  },
  (table) => [uniqueIndex('task_runs_task_period_unique').on(table.task, table.periodKey)],
);
