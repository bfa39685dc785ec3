import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { epochMs } from '../../platform/db.columns.ts';
import type { ReviewDecision } from './review.models.ts';
import { reviewItemsTable } from './review.table.ts';

// One verdict per (item, reviewer), upserted: a double click or a Slack retry finds the
// row and changes nothing; a changed mind updates it (and the audit log keeps the history).
// Ratings may come before the decision, so `decision` is null until Approve or Reject.
export const reviewVerdictsTable = sqliteTable(
  'review_verdicts',
  {
    id: integer('id').primaryKey(),
    itemId: text('item_id')
      .notNull()
      .references(() => reviewItemsTable.id),
    reviewerId: text('reviewer_id').notNull(),
    decision: text('decision').$type<ReviewDecision>(),
    reasonCategory: text('reason_category'),
    dimension: text('dimension'),
    note: text('note'),
    tone: integer('tone'),
    brand: integer('brand'),
    edgeCase: integer('edge_case', { mode: 'boolean' }).notNull().default(false),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('review_verdicts_item_reviewer_unique').on(table.itemId, table.reviewerId),
    index('review_verdicts_updated_idx').on(table.updatedAt),
    index('review_verdicts_reviewer_idx').on(table.reviewerId, table.updatedAt),
  ],
);
