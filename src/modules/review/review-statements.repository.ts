import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../platform/db.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { reviewItemsTable, reviewVersionsSeenTable } from './review.table.ts';
import { reviewVerdictsTable } from './verdicts.table.ts';
import { readSqliteReviewQueries } from './review-statements.sqlite.ts';

// The review queries that run for every event or card (the sampler and dispatcher run these
// for every item). Each takes the executor, so inside a transaction it joins it. The sampler's
// per-event ones take a prepared fast path on SQLite (review-statements.sqlite.ts).

export const cardEventColumns = {
  input: eventsTable.input,
  output: eventsTable.output,
  release: eventsTable.release,
  model: eventsTable.model,
  modelVersion: eventsTable.modelVersion,
  occurredAt: eventsTable.occurredAt,
  detections: eventsTable.detections,
  appFlags: eventsTable.appFlags,
  flags: eventsTable.flags,
  erasedAt: eventsTable.erasedAt,
};

export const OPEN_STATES: ('in_review' | 'needs_adjudication')[] = ['in_review', 'needs_adjudication'];

export async function findLastItemByOutput(db: DbExecutor, source: string, outputHash: string) {
  const fast = readSqliteReviewQueries(db);
  if (fast) return fast.findLastItemByOutput(source, outputHash);
  const [last] = await db
    .select({ id: reviewItemsTable.id, eventId: reviewItemsTable.eventId, eventSeq: reviewItemsTable.eventSeq, createdAt: reviewItemsTable.createdAt })
    .from(reviewItemsTable)
    .where(and(eq(reviewItemsTable.source, source), eq(reviewItemsTable.outputHash, outputHash)))
    .orderBy(desc(reviewItemsTable.createdAt), desc(reviewItemsTable.seq))
    .limit(1);
  return last;
}

/** When a release or model version was first seen; records `at` as the first sighting if earlier. */
export async function readAndRecordFirstSeen(db: DbExecutor, version: { source: string; kind: 'release' | 'model_version'; value: string }, at: number): Promise<number | undefined> {
  const fast = readSqliteReviewQueries(db);
  if (fast) return fast.readAndRecordFirstSeen(version, at);
  const { firstSeenAt } = reviewVersionsSeenTable;
  const [seen] = await db
    .select({ at: firstSeenAt })
    .from(reviewVersionsSeenTable)
    .where(and(eq(reviewVersionsSeenTable.source, version.source), eq(reviewVersionsSeenTable.kind, version.kind), eq(reviewVersionsSeenTable.value, version.value)));
  await db
    .insert(reviewVersionsSeenTable)
    .values({ ...version, firstSeenAt: at })
    .onConflictDoUpdate({
      target: [reviewVersionsSeenTable.source, reviewVersionsSeenTable.kind, reviewVersionsSeenTable.value],
      // A CASE, not SQLite's scalar min() (PostgreSQL calls it least()): the same SQL on both stores.
      set: { firstSeenAt: sql`case when excluded.first_seen_at < ${firstSeenAt} then excluded.first_seen_at else ${firstSeenAt} end` },
    });
  return seen?.at;
}

export async function findReviewItem(db: DbExecutor, id: string) {
  const [item] = await db.select().from(reviewItemsTable).where(eq(reviewItemsTable.id, id));
  return item;
}

export async function loadCardEvent(db: DbExecutor, seq: number) {
  const [event] = await db.select(cardEventColumns).from(eventsTable).where(eq(eventsTable.seq, seq));
  return event;
}

export async function loadCardGraders(db: DbExecutor, seq: number) {
  return db
    .select({ grader: graderResultsTable.grader, score: graderResultsTable.score, label: graderResultsTable.label })
    .from(graderResultsTable)
    .where(eq(graderResultsTable.eventSeq, seq));
}

export async function listItemVerdicts(db: DbExecutor, itemId: string): Promise<(typeof reviewVerdictsTable.$inferSelect)[]> {
  return db.select().from(reviewVerdictsTable).where(eq(reviewVerdictsTable.itemId, itemId)).orderBy(asc(reviewVerdictsTable.createdAt), asc(reviewVerdictsTable.id));
}

export async function hasPendingEvent(db: DbExecutor): Promise<boolean> {
  const rows = await db
    .select({ seq: eventsTable.seq })
    .from(eventsTable)
    .where(and(eq(eventsTable.reviewStatus, 'pending'), eq(eventsTable.checksStatus, 'complete')))
    .limit(1);
  return rows.length > 0;
}

export async function hasQueuedItem(db: DbExecutor): Promise<boolean> {
  const rows = await db.select({ seq: reviewItemsTable.seq }).from(reviewItemsTable).where(eq(reviewItemsTable.state, 'queued')).limit(1);
  return rows.length > 0;
}

export async function readOutboxRow(db: DbExecutor, id: string) {
  const [row] = await db
    .select({ status: outboxTable.status, response: outboxTable.response, lastError: outboxTable.lastError })
    .from(outboxTable)
    .where(eq(outboxTable.id, id));
  return row;
}

/** The outbox rows of many cards at once, by their unique ids (absent when pruned). */
export async function readOutboxRows(db: DbExecutor, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: outboxTable.id, status: outboxTable.status, response: outboxTable.response, lastError: outboxTable.lastError })
    .from(outboxTable)
    .where(inArray(outboxTable.id, ids));
}

export async function markItemDispatched(db: DbExecutor, id: string, now: number, outboxId: string): Promise<void> {
  await db.update(reviewItemsTable).set({ state: 'in_review', dispatchedAt: now, updatedAt: now, cardOutboxId: outboxId }).where(eq(reviewItemsTable.id, id));
}
