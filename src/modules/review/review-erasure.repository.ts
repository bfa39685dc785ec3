import { and, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { DbExecutor } from '../../platform/db.ts';
import { reviewDuplicatesTable, reviewItemsTable } from './review.table.ts';
import { reviewVerdictsTable } from './verdicts.table.ts';

// What the retention module may do to review rows. A verdict's decision, reason category and
// ratings are labels (kept on erasure, counted by calibration); its free-text note may quote
// the event, so an erasure clears it.

/** Review item ids of events, whether the event is the item's own or a duplicate attached to it. */
export function listItemIdsOfEvents(db: DbExecutor, eventSeqs: readonly number[]): string[] {
  if (eventSeqs.length === 0) return [];
  const own = db.select({ id: reviewItemsTable.id }).from(reviewItemsTable).where(inArray(reviewItemsTable.eventSeq, [...eventSeqs])).all();
  return own.map((row) => row.id);
}

/** Items whose card is in Slack (or on its way), to be re-rendered after an erasure. */
export function listItemIdsWithCards(db: DbExecutor, itemIds: readonly string[]): string[] {
  if (itemIds.length === 0) return [];
  return db
    .select({ id: reviewItemsTable.id })
    .from(reviewItemsTable)
    .where(and(inArray(reviewItemsTable.id, [...itemIds]), isNotNull(reviewItemsTable.cardOutboxId)))
    .all()
    .map((row) => row.id);
}

export function eraseVerdictNotes(db: DbExecutor, itemIds: readonly string[]): void {
  if (itemIds.length === 0) return;
  db.update(reviewVerdictsTable).set({ note: null }).where(inArray(reviewVerdictsTable.itemId, [...itemIds])).run();
}

/** Event seqs, among these, that a human finished reviewing (a final item): retention keeps them longer. */
export function listReviewedEventSeqs(db: DbExecutor, eventSeqs: readonly number[]): Set<number> {
  if (eventSeqs.length === 0) return new Set();
  const rows = db
    .select({ eventSeq: reviewItemsTable.eventSeq })
    .from(reviewItemsTable)
    .where(and(inArray(reviewItemsTable.eventSeq, [...eventSeqs]), eq(reviewItemsTable.state, 'final')))
    .all();
  return new Set(rows.map((row) => row.eventSeq));
}

/** Deletes the items, verdicts and duplicate links of events about to be deleted; returns the item ids. */
export function deleteReviewRows(db: DbExecutor, eventSeqs: readonly number[]): string[] {
  if (eventSeqs.length === 0) return [];
  const itemIds = listItemIdsOfEvents(db, eventSeqs);
  if (itemIds.length > 0) db.delete(reviewVerdictsTable).where(inArray(reviewVerdictsTable.itemId, itemIds)).run();
  db.delete(reviewDuplicatesTable)
    .where(or(inArray(reviewDuplicatesTable.eventSeq, [...eventSeqs]), itemIds.length > 0 ? inArray(reviewDuplicatesTable.itemId, itemIds) : undefined))
    .run();
  if (itemIds.length > 0) db.delete(reviewItemsTable).where(inArray(reviewItemsTable.id, itemIds)).run();
  return itemIds;
}

/** Where the cards of these items are in Slack (only those Slack has answered for). */
export function listCardLocations(db: DbExecutor, itemIds: readonly string[]): { itemId: string; channel: string; ts: string }[] {
  if (itemIds.length === 0) return [];
  return db
    .select({ itemId: reviewItemsTable.id, channel: reviewItemsTable.cardChannel, ts: reviewItemsTable.cardTs })
    .from(reviewItemsTable)
    .where(and(inArray(reviewItemsTable.id, [...itemIds]), isNotNull(reviewItemsTable.cardTs)))
    .all()
    .flatMap((row) => (row.channel && row.ts ? [{ itemId: row.itemId, channel: row.channel, ts: row.ts }] : []));
}
