import { and, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { DbExecutor } from '../../platform/db.ts';
import { reviewDuplicatesTable, reviewItemsTable } from './review.table.ts';
import { reviewVerdictsTable } from './verdicts.table.ts';

// What the retention module may do to review rows. A verdict's decision, reason category and
// ratings are labels (kept on erasure, counted by calibration); its free-text note may quote
// the event, so an erasure clears it.

/** Review item ids of events, whether the event is the item's own or a duplicate attached to it. */
export async function listItemIdsOfEvents(db: DbExecutor, eventSeqs: readonly number[]): Promise<string[]> {
  if (eventSeqs.length === 0) return [];
  const own = await db.select({ id: reviewItemsTable.id }).from(reviewItemsTable).where(inArray(reviewItemsTable.eventSeq, [...eventSeqs]));
  return own.map((row) => row.id);
}

/** Items whose card is in Slack (or on its way), to be re-rendered after an erasure. */
export async function listItemIdsWithCards(db: DbExecutor, itemIds: readonly string[]): Promise<string[]> {
  if (itemIds.length === 0) return [];
  const rows = await db
    .select({ id: reviewItemsTable.id })
    .from(reviewItemsTable)
    .where(and(inArray(reviewItemsTable.id, [...itemIds]), isNotNull(reviewItemsTable.cardOutboxId)));
  return rows.map((row) => row.id);
}

export async function eraseVerdictNotes(db: DbExecutor, itemIds: readonly string[]): Promise<void> {
  if (itemIds.length === 0) return;
  await db.update(reviewVerdictsTable).set({ note: null }).where(inArray(reviewVerdictsTable.itemId, [...itemIds]));
}

/** Event seqs, among these, that a human finished reviewing (a final item): retention keeps them longer. */
export async function listReviewedEventSeqs(db: DbExecutor, eventSeqs: readonly number[]): Promise<Set<number>> {
  if (eventSeqs.length === 0) return new Set();
  const rows = await db
    .select({ eventSeq: reviewItemsTable.eventSeq })
    .from(reviewItemsTable)
    .where(and(inArray(reviewItemsTable.eventSeq, [...eventSeqs]), eq(reviewItemsTable.state, 'final')));
  return new Set(rows.map((row) => row.eventSeq));
}

/** Deletes the items, verdicts and duplicate links of events about to be deleted; returns the item ids. */
export async function deleteReviewRows(db: DbExecutor, eventSeqs: readonly number[]): Promise<string[]> {
  if (eventSeqs.length === 0) return [];
  const itemIds = await listItemIdsOfEvents(db, eventSeqs);
  if (itemIds.length > 0) await db.delete(reviewVerdictsTable).where(inArray(reviewVerdictsTable.itemId, itemIds));
  await db
    .delete(reviewDuplicatesTable)
    .where(or(inArray(reviewDuplicatesTable.eventSeq, [...eventSeqs]), itemIds.length > 0 ? inArray(reviewDuplicatesTable.itemId, itemIds) : undefined));
  if (itemIds.length > 0) await db.delete(reviewItemsTable).where(inArray(reviewItemsTable.id, itemIds));
  return itemIds;
}

/** Where the cards of these items are in Slack (only those Slack has answered for). */
export async function listCardLocations(db: DbExecutor, itemIds: readonly string[]): Promise<{ itemId: string; channel: string; ts: string }[]> {
  if (itemIds.length === 0) return [];
  const rows = await db
    .select({ itemId: reviewItemsTable.id, channel: reviewItemsTable.cardChannel, ts: reviewItemsTable.cardTs })
    .from(reviewItemsTable)
    .where(and(inArray(reviewItemsTable.id, [...itemIds]), isNotNull(reviewItemsTable.cardTs)));
  return rows.flatMap((row) => (row.channel && row.ts ? [{ itemId: row.itemId, channel: row.channel, ts: row.ts }] : []));
}
