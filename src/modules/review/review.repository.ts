import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { monotonicFactory } from 'ulid';
import { affectedRows, executeStatement, type Db, type DbExecutor } from '../../platform/db.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { reviewDuplicatesTable, reviewItemsTable } from './review.table.ts';
import { reviewVerdictsTable } from './verdicts.table.ts';
import {
  findLastItemByOutput,
  findReviewItem,
  hasPendingEvent,
  hasQueuedItem,
  listItemVerdicts,
  loadCardEvent,
  loadCardGraders,
  markItemDispatched,
  OPEN_STATES,
  readAndRecordFirstSeen,
  readOutboxRow,
  readOutboxRows,
} from './review-statements.repository.ts';
import { readSqliteReviewQueries } from './review-statements.sqlite.ts';

// All SQL of review items. Writes that must commit together (an item, its outbox message and
// its audit row) run in one `transaction`, whose callback gets the same helpers bound to it.

export type ReviewItemRow = typeof reviewItemsTable.$inferSelect;
export type NewReviewItem = Omit<typeof reviewItemsTable.$inferInsert, 'seq' | 'id'>;
export type VerdictRow = typeof reviewVerdictsTable.$inferSelect;

const nextUlid = monotonicFactory();
/** `rev_` + a ULID: 30 characters, well inside the 60 a button value carries. */
export const generateReviewItemId = (now: number) => `rev_${nextUlid(now)}`;

const pendingEventColumns = {
  seq: eventsTable.seq,
  id: eventsTable.id,
  source: eventsTable.source,
  output: eventsTable.output,
  release: eventsTable.release,
  modelVersion: eventsTable.modelVersion,
  promptVersion: eventsTable.promptVersion,
  occurredAt: eventsTable.occurredAt,
  flags: eventsTable.flags,
  appFlags: eventsTable.appFlags,
};

function bindReviewHelpers(tx: DbExecutor) {
  const listVerdicts = (itemId: string): Promise<VerdictRow[]> => listItemVerdicts(tx, itemId);
  return {
    executor: tx,

    async listPendingEvents(limit: number) {
      return tx
        .select(pendingEventColumns)
        .from(eventsTable)
        .where(and(eq(eventsTable.reviewStatus, 'pending'), eq(eventsTable.checksStatus, 'complete')))
        .orderBy(asc(eventsTable.seq))
        .limit(limit);
    },

    async listGraderScores(seqs: number[]) {
      if (seqs.length === 0) return [];
      return tx
        .select({ eventSeq: graderResultsTable.eventSeq, grader: graderResultsTable.grader, score: graderResultsTable.score, label: graderResultsTable.label })
        .from(graderResultsTable)
        .where(inArray(graderResultsTable.eventSeq, seqs));
    },

    async markEventsDone(seqs: number[]): Promise<void> {
      if (seqs.length > 0) await tx.update(eventsTable).set({ reviewStatus: 'done' }).where(inArray(eventsTable.seq, seqs));
    },

    /** When a release or model version was first seen; records `at` as the first sighting if earlier. */
    readAndRecordFirstSeen(source: string, kind: 'release' | 'model_version', value: string, at: number): Promise<number | undefined> {
      return readAndRecordFirstSeen(tx, { source, kind, value }, at);
    },

    findLastItemByOutput(source: string, outputHash: string) {
      return findLastItemByOutput(tx, source, outputHash);
    },

    /** Inserts an item unless the event already has one in that channel; returns it only when new. */
    async insertItem(item: NewReviewItem): Promise<ReviewItemRow | undefined> {
      const fast = readSqliteReviewQueries(tx);
      if (fast) return fast.insertItem({ ...item, id: generateReviewItemId(item.createdAt) });
      const [inserted] = await tx
        .insert(reviewItemsTable)
        .values({ ...item, id: generateReviewItemId(item.createdAt) })
        .onConflictDoNothing({ target: [reviewItemsTable.eventSeq, reviewItemsTable.channel] })
        .returning();
      return inserted;
    },

    /** Attaches a duplicate event to every item (one per channel) of the earlier event. */
    async attachDuplicate(eventSeq: number, earlierEventSeq: number, inclusionProbability: number, now: number): Promise<string | undefined> {
      const items = await tx.select({ id: reviewItemsTable.id }).from(reviewItemsTable).where(eq(reviewItemsTable.eventSeq, earlierEventSeq)).orderBy(asc(reviewItemsTable.seq));
      if (items.length === 0) return undefined;
      const inserted = await tx.insert(reviewDuplicatesTable).values({ eventSeq, itemId: items[0]!.id, inclusionProbability, createdAt: now }).onConflictDoNothing();
      if (affectedRows(inserted) === 0) return items[0]!.id;
      await tx
        .update(reviewItemsTable)
        .set({ seenCount: sql`${reviewItemsTable.seenCount} + 1`, updatedAt: now })
        .where(inArray(reviewItemsTable.id, items.map((item) => item.id)));
      return items[0]!.id;
    },

    markDispatched(id: string, now: number, outboxId: string): Promise<void> {
      return markItemDispatched(tx, id, now, outboxId);
    },

    async listQueuedChannels() {
      return tx
        .selectDistinct({ source: reviewItemsTable.source, channel: reviewItemsTable.channel })
        .from(reviewItemsTable)
        .where(eq(reviewItemsTable.state, 'queued'))
        .orderBy(asc(reviewItemsTable.source), asc(reviewItemsTable.channel));
    },

    async listQueued(source: string, channel: string) {
      return tx
        .select()
        .from(reviewItemsTable)
        .where(and(eq(reviewItemsTable.state, 'queued'), eq(reviewItemsTable.channel, channel), eq(reviewItemsTable.source, source)))
        .orderBy(asc(reviewItemsTable.seq));
    },

    async listDispatchTimes(channel: string, since: number): Promise<number[]> {
      const rows = await tx
        .select({ at: reviewItemsTable.dispatchedAt })
        .from(reviewItemsTable)
        .where(and(eq(reviewItemsTable.channel, channel), gt(reviewItemsTable.dispatchedAt, since)));
      return rows.map((row) => row.at!);
    },

    findItem(id: string): Promise<ReviewItemRow | undefined> {
      return findReviewItem(tx, id);
    },

    /**
     * The item, locked until the transaction ends: two clicks on one card (a double click, a
     * Slack retry, two instances) then decide one after the other, each seeing the other's
     * verdict. SQLite's write lock already does this; PostgreSQL locks the row.
     */
    async findItemForUpdate(id: string): Promise<ReviewItemRow | undefined> {
      if (tx.dialect === 'postgres') await executeStatement(tx, sql`SELECT 1 FROM ${reviewItemsTable} WHERE ${reviewItemsTable.id} = ${id} FOR UPDATE`);
      return findReviewItem(tx, id);
    },

    async updateItem(id: string, values: Partial<Omit<ReviewItemRow, 'seq' | 'id'>>): Promise<ReviewItemRow> {
      const [updated] = await tx.update(reviewItemsTable).set(values).where(eq(reviewItemsTable.id, id)).returning();
      return updated!;
    },

    /** What a card shows besides the item: its event, grader results and verdicts. */
    async loadCardSources(item: ReviewItemRow) {
      const event = await loadCardEvent(tx, item.eventSeq);
      if (!event) throw new Error(`review item ${item.id}: event ${item.eventSeq} is missing`);
      return { event, graders: await loadCardGraders(tx, item.eventSeq), verdicts: await listVerdicts(item.id) };
    },

    listVerdicts,

    async findVerdict(itemId: string, reviewerId: string): Promise<VerdictRow | undefined> {
      const [verdict] = await tx.select().from(reviewVerdictsTable).where(and(eq(reviewVerdictsTable.itemId, itemId), eq(reviewVerdictsTable.reviewerId, reviewerId)));
      return verdict;
    },

    async upsertVerdict(values: Omit<typeof reviewVerdictsTable.$inferInsert, 'id'>): Promise<VerdictRow> {
      const { itemId, reviewerId, createdAt, ...changes } = values;
      const [verdict] = await tx
        .insert(reviewVerdictsTable)
        .values({ itemId, reviewerId, createdAt, ...changes })
        .onConflictDoUpdate({ target: [reviewVerdictsTable.itemId, reviewVerdictsTable.reviewerId], set: changes })
        .returning();
      return verdict!;
    },

    /**
     * Cards handed to the outbox whose fate (delivered with a ts, or failed) is not yet on the
     * item, with the outbox's status. Driven by the item index, then one outbox lookup of those
     * cards by their unique ids: the other join order would scan the outbox's whole history.
     */
    async listCardsAwaitingOutcome(limit: number) {
      const items = await tx
        .select()
        .from(reviewItemsTable)
        .where(and(inArray(reviewItemsTable.state, OPEN_STATES), isNull(reviewItemsTable.cardTs), isNull(reviewItemsTable.cardError), isNotNull(reviewItemsTable.cardOutboxId)))
        .orderBy(asc(reviewItemsTable.seq))
        .limit(limit);
      const outbox = new Map((await readOutboxRows(tx, items.map((item) => item.cardOutboxId!))).map((row) => [row.id, row]));
      return items.map((item) => ({ item, outbox: outbox.get(item.cardOutboxId!) }));
    },

    /** The outbox's answer for a card post, when Slack has given one. */
    async readCardResponse(outboxId: string): Promise<Record<string, unknown> | null> {
      const row = await readOutboxRow(tx, outboxId);
      return row?.status === 'delivered' ? row.response : null;
    },

    /** Cards posted, not final, older than their SLA and not yet reminded. */
    async listSlaCandidates(postedBefore: number) {
      return tx
        .select()
        .from(reviewItemsTable)
        .where(
          and(
            inArray(reviewItemsTable.state, OPEN_STATES),
            isNotNull(reviewItemsTable.cardTs),
            isNull(reviewItemsTable.slaRemindedAt),
            lte(reviewItemsTable.dispatchedAt, postedBefore),
          ),
        )
        .orderBy(asc(reviewItemsTable.dispatchedAt), asc(reviewItemsTable.seq))
        .limit(500);
    },
  };
}

export type ReviewTx = ReturnType<typeof bindReviewHelpers>;

export function createReviewRepository({ db }: { db: Db }) {
  const reader = bindReviewHelpers(db);
  return {
    /** One transaction: on SQLite the write lock is taken before reading, so two processes never act on the same stale read. */
    transaction<T>(work: (tx: ReviewTx) => Promise<T>): Promise<T> {
      return db.transaction((tx) => work(bindReviewHelpers(tx)));
    },
    findItem: (id: string) => reader.findItem(id),
    /** Read-only checks that let an idle pass skip opening a write transaction. */
    hasPendingEvents: () => hasPendingEvent(db),
    hasQueuedItems: () => hasQueuedItem(db),
    listCardsAwaitingOutcome: (limit: number) => reader.listCardsAwaitingOutcome(limit),
    loadCardSources: (item: ReviewItemRow) => reader.loadCardSources(item),
  };
}

export type ReviewRepository = ReturnType<typeof createReviewRepository>;
