import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../app/db.columns.ts';
import { sourcesTable } from '../sources/sources.table.ts';
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
  },
  (table) => [
    uniqueIndex('events_id_source_unique').on(table.id, table.source),
    index('events_source_occurred_idx').on(table.source, table.occurredAt),
  ],
);
