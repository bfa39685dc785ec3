import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';
import { sourcesTable } from '../sources/sources.table.ts';
import type { Detection, Flag } from '../checks/checks.models.ts';
import type { AppFlag } from './ingestion.models.ts';

// An event id is the client's own id (or one we generate); it is unique per source,
// and the unique index is what makes a resent event a duplicate, also across
// concurrent batches and processes.
export const eventsTable = sqliteTable(
  'events',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull(),
    source: text('source')
      .notNull()
      .references(() => sourcesTable.name),
    input: text('input'),
    output: text('output').notNull(),
    model: text('model'),
    modelVersion: text('model_version'),
    promptVersion: text('prompt_version'),
    release: text('release'),
    sessionId: text('session_id'),
    userId: text('user_id'),
    occurredAt: epochMs('occurred_at').notNull(),
    receivedAt: epochMs('received_at').notNull(),
    metadata: jsonText<Record<string, unknown>>('metadata'),
    appFlags: jsonText<AppFlag[]>('app_flags'),
    detections: jsonText<Detection[]>('detections').notNull().default([]),
    /** Vigil's own flags (detectors, graders, grader_unavailable); the app's stay in app_flags. */
    flags: jsonText<Flag[]>('flags').notNull().default([]),
    /** `grading` while LLM graders are queued for it, then `complete`. */
    checksStatus: text('checks_status', { enum: ['grading', 'complete'] }).notNull().default('complete'),
    /** `pending` until the review sampler has decided whether humans should see it. */
    reviewStatus: text('review_status', { enum: ['pending', 'done'] }).notNull().default('pending'),
    /** Marks synthetic traffic, e.g. `probe` for scheduled injection probes. */
    origin: text('origin').notNull().default('live'),
    /** Set when the event's text was erased (data-subject request); its counts, flags and verdicts stay. */
    erasedAt: epochMs('erased_at'),
  },
  (table) => [
    uniqueIndex('events_id_source_unique').on(table.id, table.source),
    index('events_source_occurred_idx').on(table.source, table.occurredAt),
    index('events_review_pending_idx').on(table.reviewStatus, table.checksStatus),
    // The retention purge walks a source's events by age of storage; erasure requests name a user or a session.
    index('events_source_received_idx').on(table.source, table.receivedAt),
    index('events_source_user_idx').on(table.source, table.userId),
    index('events_source_session_idx').on(table.source, table.sessionId),
  ],
);
