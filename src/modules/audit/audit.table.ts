import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';

// Append-only: rows are never updated or deleted. Each row carries the hash of the
// previous one, so a changed or removed row breaks the chain (`vigil audit verify`).
export const auditLogTable = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull().unique(),
    at: epochMs('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    source: text('source'),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    details: jsonText<Record<string, unknown>>('details').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [index('audit_log_at_idx').on(table.at), index('audit_log_source_idx').on(table.source, table.at)],
);
