import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { epochMs } from '../../platform/db.columns.ts';
import { eventsTable } from '../ingestion/events.table.ts';

// The persisted grading queue: an event is stored first, its LLM gradings are jobs
// that survive restarts and are claimed with a lease (two processes never grade
// the same job at once; a crashed process's lease expires).
export const gradingJobsTable = sqliteTable(
  'grading_jobs',
  {
    id: integer('id').primaryKey(),
    eventSeq: integer('event_seq')
      .notNull()
      .references(() => eventsTable.seq),
    source: text('source').notNull(),
    grader: text('grader').notNull(),
    graderVersion: text('grader_version').notNull(),
    status: text('status', { enum: ['pending', 'in_flight', 'done', 'failed', 'skipped'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: epochMs('next_attempt_at').notNull(),
    leaseUntil: epochMs('lease_until'),
    lastError: text('last_error'),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('grading_jobs_event_grader_unique').on(table.eventSeq, table.grader, table.graderVersion),
    index('grading_jobs_due_idx').on(table.status, table.nextAttemptAt),
  ],
);

// One row per (event, grader version). The content hash lets an identical text be
// answered from an earlier result instead of a new paid call.
export const graderResultsTable = sqliteTable(
  'grader_results',
  {
    id: integer('id').primaryKey(),
    eventSeq: integer('event_seq')
      .notNull()
      .references(() => eventsTable.seq),
    source: text('source').notNull(),
    grader: text('grader').notNull(),
    graderVersion: text('grader_version').notNull(),
    contentHash: text('content_hash').notNull(),
    score: real('score').notNull(),
    label: text('label').notNull(),
    reason: text('reason').notNull(),
    hijacked: integer('hijacked', { mode: 'boolean' }).notNull(),
    cached: integer('cached', { mode: 'boolean' }).notNull(),
    model: text('model'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    costUsd: real('cost_usd'),
    latencyMs: integer('latency_ms'),
    createdAt: epochMs('created_at').notNull(),
  },
  (table) => [
    uniqueIndex('grader_results_event_grader_unique').on(table.eventSeq, table.grader, table.graderVersion),
    index('grader_results_cache_idx').on(table.graderVersion, table.contentHash),
    index('grader_results_source_grader_idx').on(table.source, table.grader, table.createdAt),
  ],
);
