import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from '../../platform/db.columns.ts';

// A rollback asked for under the two-person rule: a durable record that a second, different
// approver confirms before it expires (10 minutes). The state only moves forward, from
// `pending` to one of the final states, by a conditional update, so two confirmations
// racing each other run one rollback.
export const ROLLBACK_REQUEST_STATES = ['pending', 'confirmed', 'expired', 'cancelled'] as const;
export type RollbackRequestState = (typeof ROLLBACK_REQUEST_STATES)[number];

export const rollbackRequestsTable = sqliteTable(
  'rollback_requests',
  {
    id: text('id').primaryKey(),
    source: text('source').notNull(),
    /** The review card it was asked from, if any. */
    itemId: text('item_id'),
    requestedBy: text('requested_by').notNull(),
    reason: text('reason').notNull(),
    fromRelease: text('from_release'),
    targetRelease: text('target_release').notNull(),
    state: text('state').$type<RollbackRequestState>().notNull(),
    expiresAt: epochMs('expires_at').notNull(),
    /** Who confirmed or cancelled it. */
    decidedBy: text('decided_by'),
    decidedAt: epochMs('decided_at'),
    /** Why it was cancelled (`cancelled`, `target_changed`). */
    outcome: text('outcome'),
    /** The guardrail version the confirmed rollback created. */
    version: integer('version'),
    /** The confirmation message, updated when the request is decided. */
    messageOutboxId: text('message_outbox_id'),
    createdAt: epochMs('created_at').notNull(),
  },
  (table) => [index('rollback_requests_state_idx').on(table.state, table.expiresAt)],
);

export type RollbackRequestRow = typeof rollbackRequestsTable.$inferSelect;
