import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from '../../platform/db.columns.ts';

// What approvers did to the guardrail from a review card, shown on that card as follow-up
// notes ("guardrail v12 by @ana: blocked …"). Append-only: a card re-rendered later (a new
// verdict, a webhook delivered) reads its notes again, so they never drop off the card.
export const guardrailCardNotesTable = sqliteTable(
  'guardrail_card_notes',
  {
    id: integer('id').primaryKey(),
    itemId: text('item_id').notNull(),
    source: text('source').notNull(),
    /** The guardrail version this note is about, if one was created. */
    version: integer('version'),
    actor: text('actor').notNull(),
    /** Safe mrkdwn built by Vigil from the change (never raw user text). */
    text: text('text').notNull(),
    /** The version's webhook, whose delivery the note shows (delivered / failed: reason / retrying). */
    webhookOutboxId: text('webhook_outbox_id'),
    /** The two-person rollback request this note follows, whose state the note shows. */
    rollbackRequestId: text('rollback_request_id'),
    createdAt: epochMs('created_at').notNull(),
  },
  (table) => [
    index('guardrail_card_notes_item_idx').on(table.itemId, table.id),
    index('guardrail_card_notes_webhook_idx').on(table.webhookOutboxId),
  ],
);

export type GuardrailCardNoteRow = typeof guardrailCardNotesTable.$inferSelect;
