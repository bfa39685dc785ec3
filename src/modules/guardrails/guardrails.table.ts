import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';
import type { GuardrailDiffEntry, GuardrailSpec, GuardrailVersionKind } from './guardrails.models.ts';

// Append-only: a change, a revert, an import or a rollback inserts version n+1 and never
// updates a row. (source, version) is the key, so two writers cannot both take n+1.
export const guardrailVersionsTable = sqliteTable(
  'guardrail_versions',
  {
    source: text('source').notNull(),
    version: integer('version').notNull(),
    kind: text('kind').$type<GuardrailVersionKind>().notNull(),
    spec: jsonText<GuardrailSpec>('spec').notNull(),
    actor: text('actor').notNull(),
    reason: text('reason').notNull(),
    diff: jsonText<GuardrailDiffEntry[]>('diff').notNull(),
    revertOf: integer('revert_of'),
    /** The outbox message of this version's webhook, for its delivery status. */
    webhookOutboxId: text('webhook_outbox_id'),
    createdAt: epochMs('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.source, table.version] })],
);
