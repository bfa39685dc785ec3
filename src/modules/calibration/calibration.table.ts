import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';
import type { ChartPoint } from '../../shared/charts.ts';
import type { ProposalFigures, ProposalStatus } from './calibration-proposal.models.ts';

// A threshold proposal is a durable record the Slack card is a view of: Apply and Dismiss act
// on the row (only while it is open, so a double click or a stale card changes nothing), and
// the card is re-rendered from it. Its figures are frozen at proposal time, so what the
// approver applies is what the card showed. The card's {channel, ts} are kept to update it.
export const calibrationProposalsTable = sqliteTable(
  'calibration_proposals',
  {
    id: text('id').primaryKey(),
    source: text('source').notNull(),
    grader: text('grader').notNull(),
    graderVersion: text('grader_version').notNull(),
    status: text('status').$type<ProposalStatus>().notNull(),
    currentThreshold: real('current_threshold').notNull(),
    proposedThreshold: real('proposed_threshold').notNull(),
    figures: jsonText<ProposalFigures>('figures').notNull(),
    /** The weighted precision–recall curve, downsampled, for the chart in the card's thread. */
    chart: jsonText<ChartPoint[]>('chart').notNull(),
    channel: text('channel').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: epochMs('created_at').notNull(),
    decidedAt: epochMs('decided_at'),
    decidedBy: text('decided_by'),
    decisionReason: text('decision_reason'),
    /** The guardrail version an Apply created. */
    guardrailVersion: integer('guardrail_version'),
    /** Applied by the daily job within `auto_apply.max_change_per_day`, not by a person. */
    autoApplied: integer('auto_applied', { mode: 'boolean' }).notNull().default(false),
    cardOutboxId: text('card_outbox_id'),
    cardChannel: text('card_channel'),
    cardTs: text('card_ts'),
    chartUploadedAt: epochMs('chart_uploaded_at'),
  },
  (table) => [
    index('calibration_proposals_grader_idx').on(table.source, table.grader, table.status, table.createdAt),
    index('calibration_proposals_chart_idx').on(table.chartUploadedAt, table.cardTs),
  ],
);

// A gold item is a review item whose answer is known: a copy of an adjudicated past item,
// mixed into the queue blind. Its verdicts measure the reviewer, so calibration leaves it out
// (the original item already counts once).
export const calibrationGoldItemsTable = sqliteTable(
  'calibration_gold_items',
  {
    itemId: text('item_id').primaryKey(),
    source: text('source').notNull(),
    originItemId: text('origin_item_id').notNull(),
    expectedOutcome: text('expected_outcome').$type<'approved' | 'rejected'>().notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (table) => [index('calibration_gold_items_source_idx').on(table.source, table.createdAt), index('calibration_gold_items_origin_idx').on(table.originItemId)],
);
