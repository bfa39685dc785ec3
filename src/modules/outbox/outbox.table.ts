import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';
import type { OutboxKind, OutboxStatus } from './outbox.models.ts';

// One row per Slack write or outgoing webhook. `seq` is the commit order, which is
// the FIFO order inside an order key; `lease_owner` + `lease_until` make a claim
// exclusive across processes and let another process take over after a crash.
export const outboxTable = sqliteTable(
  'outbox',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull().unique(),
    kind: text('kind').$type<OutboxKind>().notNull(),
    orderKey: text('order_key').notNull(),
    method: text('method').notNull(),
    payload: jsonText<Record<string, unknown>>('payload').notNull(),
    status: text('status').$type<OutboxStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: epochMs('next_attempt_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseUntil: epochMs('lease_until'),
    lastError: text('last_error'),
    dedupeKey: text('dedupe_key').unique(),
    purpose: text('purpose'),
    purposeRef: text('purpose_ref'),
    response: jsonText<Record<string, unknown>>('response'),
    createdAt: epochMs('created_at').notNull(),
    deliveredAt: epochMs('delivered_at'),
    failedAt: epochMs('failed_at'),
    // Set once the delivered/failed hooks ran; a row finished but never hooked
    // (crash in between) is picked up again by a later sweep.
    hookedAt: epochMs('hooked_at'),
  },
  (table) => [
    index('outbox_open_idx').on(table.orderKey, table.seq).where(sql`status in ('pending', 'in_flight')`),
    index('outbox_due_idx').on(table.status, table.nextAttemptAt),
    index('outbox_purpose_idx').on(table.purpose, table.purposeRef),
    index('outbox_unhooked_idx').on(table.seq).where(sql`hooked_at is null and purpose is not null and status in ('delivered', 'failed')`),
  ],
);

export type OutboxRow = typeof outboxTable.$inferSelect;
