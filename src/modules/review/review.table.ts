import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';
import type { Severity } from '../checks/checks.models.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import type { Reason } from '../sampling/sampling.models.ts';
import type { DecisionMode, ReviewItemState, ReviewOutcome } from './review-items.models.ts';

// A review item is an event chosen for humans in one channel. The unique (event, channel)
// index is what makes "never queued twice" hold, across restarts and processes. The card's
// {channel, ts} are stored once Slack has it, so every follow-up updates the same message.
export const reviewItemsTable = sqliteTable(
  'review_items',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull().unique(),
    eventSeq: integer('event_seq')
      .notNull()
      .references(() => eventsTable.seq),
    eventId: text('event_id').notNull(),
    source: text('source').notNull(),
    /** The channel the item was routed to (as configured); the budget and the outbox order key use it. */
    channel: text('channel').notNull(),
    state: text('state').$type<ReviewItemState>().notNull(),
    priority: text('priority').$type<Severity>().notNull(),
    reasons: jsonText<Reason[]>('reasons').notNull(),
    /** P(this event is reviewed); calibration weights its verdicts by 1/P. */
    inclusionProbability: real('inclusion_probability').notNull(),
    outputHash: text('output_hash').notNull(),
    /** 1 + identical outputs picked later within the dedupe window and attached here. */
    seenCount: integer('seen_count').notNull().default(1),
    requiredVerdicts: integer('required_verdicts').notNull(),
    outcome: text('outcome').$type<ReviewOutcome>(),
    decisionMode: text('decision_mode').$type<DecisionMode>(),
    /** The approver who adjudicated, when the decision was theirs. */
    decidedBy: text('decided_by'),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
    dispatchedAt: epochMs('dispatched_at'),
    cardOutboxId: text('card_outbox_id'),
    cardChannel: text('card_channel'),
    cardTs: text('card_ts'),
    cardError: text('card_error'),
    finalAt: epochMs('final_at'),
    expiredAt: epochMs('expired_at'),
    slaRemindedAt: epochMs('sla_reminded_at'),
  },
  (table) => [
    uniqueIndex('review_items_event_channel_unique').on(table.eventSeq, table.channel),
    index('review_items_channel_state_idx').on(table.channel, table.state, table.createdAt),
    index('review_items_dispatched_idx').on(table.channel, table.dispatchedAt),
    index('review_items_output_idx').on(table.source, table.outputHash, table.createdAt),
    index('review_items_source_created_idx').on(table.source, table.createdAt),
    index('review_items_state_idx').on(table.state, table.dispatchedAt),
  ],
);

// An event whose draw picked it while an identical output was already queued: it is
// attached to that item (whose verdict stands for it) with its own inclusion probability.
export const reviewDuplicatesTable = sqliteTable('review_duplicates', {
  eventSeq: integer('event_seq')
    .primaryKey()
    .references(() => eventsTable.seq),
  itemId: text('item_id')
    .notNull()
    .references(() => reviewItemsTable.id),
  inclusionProbability: real('inclusion_probability').notNull(),
  createdAt: epochMs('created_at').notNull(),
});

// When each release and model version of a source was first seen, for the release boost.
export const reviewVersionsSeenTable = sqliteTable(
  'review_versions_seen',
  {
    source: text('source').notNull(),
    kind: text('kind').$type<'release' | 'model_version'>().notNull(),
    value: text('value').notNull(),
    firstSeenAt: epochMs('first_seen_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.source, table.kind, table.value] })],
);
