import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { monotonicFactory } from 'ulid';
import type { Db, DbExecutor } from '../../platform/db.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { reviewDuplicatesTable, reviewItemsTable } from './review.table.ts';
import { reviewVerdictsTable } from './verdicts.table.ts';
import { OPEN_STATES, prepareReviewStatements, type ReviewStatements } from './review-statements.repository.ts';

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


function bindReviewHelpers(tx: DbExecutor, statements: ReviewStatements) {
  const listVerdicts = (itemId: string): VerdictRow[] => statements.listVerdicts.all({ itemId });
  return {
    executor: tx,

    listPendingEvents(limit: number) {
      return tx
        .select(pendingEventColumns)
        .from(eventsTable)
        .where(and(eq(eventsTable.reviewStatus, 'pending'), eq(eventsTable.checksStatus, 'complete')))
        .orderBy(asc(eventsTable.seq))
        .limit(limit)
        .all();
    },

    listGraderScores(seqs: number[]) {
      if (seqs.length === 0) return [];
      return tx
        .select({ eventSeq: graderResultsTable.eventSeq, grader: graderResultsTable.grader, score: graderResultsTable.score, label: graderResultsTable.label })
        .from(graderResultsTable)
        .where(inArray(graderResultsTable.eventSeq, seqs))
        .all();
    },

    markEventsDone(seqs: number[]) {
      if (seqs.length > 0) tx.update(eventsTable).set({ reviewStatus: 'done' }).where(inArray(eventsTable.seq, seqs)).run();
    },

    /** When a release or model version was first seen; records `at` as the first sighting if earlier. */
    readAndRecordFirstSeen(source: string, kind: 'release' | 'model_version', value: string, at: number): number | undefined {
      const seen = statements.readFirstSeen.get({ source, kind, value });
      statements.recordFirstSeen.run({ source, kind, value, at });
      return seen?.at;
    },

    findLastItemByOutput(source: string, outputHash: string) {
      return statements.findLastItemByOutput.get({ source, hash: outputHash });
    },

    /** Inserts an item unless the event already has one in that channel; returns it only when new. */
    insertItem(item: NewReviewItem): ReviewItemRow | undefined {
      const values: Record<string, unknown> = { seenCount: 1, outcome: null, decisionMode: null, decidedBy: null, dispatchedAt: null, cardOutboxId: null, cardChannel: null, cardTs: null, cardError: null, finalAt: null, expiredAt: null, slaRemindedAt: null, ...item };
      return statements.insertItem.get({ ...values, id: generateReviewItemId(item.createdAt) });
    },

    /** Attaches a duplicate event to every item (one per channel) of the earlier event. */
    attachDuplicate(eventSeq: number, earlierEventSeq: number, inclusionProbability: number, now: number): string | undefined {
      const items = tx.select({ id: reviewItemsTable.id }).from(reviewItemsTable).where(eq(reviewItemsTable.eventSeq, earlierEventSeq)).all();
      if (items.length === 0) return undefined;
      const inserted = tx.insert(reviewDuplicatesTable).values({ eventSeq, itemId: items[0]!.id, inclusionProbability, createdAt: now }).onConflictDoNothing().run();
      if (inserted.changes === 0) return items[0]!.id;
      tx.update(reviewItemsTable)
        .set({ seenCount: sql`${reviewItemsTable.seenCount} + 1`, updatedAt: now })
        .where(inArray(reviewItemsTable.id, items.map((item) => item.id)))
        .run();
      return items[0]!.id;
    },

    markDispatched(id: string, now: number, outboxId: string): void {
      statements.markDispatched.run({ id, now, outboxId });
    },

    listQueuedChannels() {
      return tx.selectDistinct({ source: reviewItemsTable.source, channel: reviewItemsTable.channel }).from(reviewItemsTable).where(eq(reviewItemsTable.state, 'queued')).all();
    },

    listQueued(source: string, channel: string) {
      return tx
        .select()
        .from(reviewItemsTable)
        .where(and(eq(reviewItemsTable.state, 'queued'), eq(reviewItemsTable.channel, channel), eq(reviewItemsTable.source, source)))
        .all();
    },

    listDispatchTimes(channel: string, since: number): number[] {
      return tx
        .select({ at: reviewItemsTable.dispatchedAt })
        .from(reviewItemsTable)
        .where(and(eq(reviewItemsTable.channel, channel), gt(reviewItemsTable.dispatchedAt, since)))
        .all()
        .map((row) => row.at!);
    },

    findItem(id: string): ReviewItemRow | undefined {
      return statements.findItem.get({ id });
    },

    updateItem(id: string, values: Partial<Omit<ReviewItemRow, 'seq' | 'id'>>): ReviewItemRow {
      return tx.update(reviewItemsTable).set(values).where(eq(reviewItemsTable.id, id)).returning().get()!;
    },

    /** What a card shows besides the item: its event, grader results and verdicts. */
    loadCardSources(item: ReviewItemRow) {
      const event = statements.loadEvent.get({ seq: item.eventSeq });
      if (!event) throw new Error(`review item ${item.id}: event ${item.eventSeq} is missing`);
      return { event, graders: statements.loadGraders.all({ seq: item.eventSeq }), verdicts: listVerdicts(item.id) };
    },

    listVerdicts,

    findVerdict(itemId: string, reviewerId: string): VerdictRow | undefined {
      return tx.select().from(reviewVerdictsTable).where(and(eq(reviewVerdictsTable.itemId, itemId), eq(reviewVerdictsTable.reviewerId, reviewerId))).get();
    },

    upsertVerdict(values: Omit<typeof reviewVerdictsTable.$inferInsert, 'id'>): VerdictRow {
      const { itemId, reviewerId, createdAt, ...changes } = values;
      return tx
        .insert(reviewVerdictsTable)
        .values({ itemId, reviewerId, createdAt, ...changes })
        .onConflictDoUpdate({ target: [reviewVerdictsTable.itemId, reviewVerdictsTable.reviewerId], set: changes })
        .returning()
        .get();
    },

    /**
     * Cards handed to the outbox whose fate (delivered with a ts, or failed) is not yet on the
     * item, with the outbox's status. Driven by the item index, then one outbox lookup per card
     * by its unique id: the other join order would scan the outbox's whole history.
     */
    listCardsAwaitingOutcome(limit: number) {
      return tx
        .select()
        .from(reviewItemsTable)
        .where(and(inArray(reviewItemsTable.state, OPEN_STATES), isNull(reviewItemsTable.cardTs), isNull(reviewItemsTable.cardError), isNotNull(reviewItemsTable.cardOutboxId)))
        .limit(limit)
        .all()
        .map((item) => ({ item, outbox: statements.readOutboxRow.get({ id: item.cardOutboxId! }) }));
    },

    /** The outbox's answer for a card post, when Slack has given one. */
    readCardResponse(outboxId: string): Record<string, unknown> | null {
      const row = statements.readOutboxRow.get({ id: outboxId });
      return row?.status === 'delivered' ? row.response : null;
    },

    /** Cards posted, not final, older than their SLA and not yet reminded. */
    listSlaCandidates(postedBefore: number) {
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
        .orderBy(asc(reviewItemsTable.dispatchedAt))
        .limit(500)
        .all();
    },
  };
}

export type ReviewTx = ReturnType<typeof bindReviewHelpers>;

export function createReviewRepository({ db }: { db: Db }) {
  const statements = prepareReviewStatements(db);
  const reader = bindReviewHelpers(db, statements);
  return {
    /** BEGIN IMMEDIATE: the write lock is taken before reading, so two processes never act on the same stale read. */
    transaction<T>(work: (tx: ReviewTx) => T): T {
      return db.transaction((tx) => work(bindReviewHelpers(tx, statements)), { behavior: 'immediate' });
    },
    findItem: (id: string) => reader.findItem(id),
    /** Read-only checks that let an idle pass skip taking the write lock. */
    hasPendingEvents: () => statements.anyPendingEvent.get() !== undefined,
    hasQueuedItems: () => statements.anyQueuedItem.get() !== undefined,
    listCardsAwaitingOutcome: (limit: number) => reader.listCardsAwaitingOutcome(limit),
    loadCardSources: (item: ReviewItemRow) => reader.loadCardSources(item),
  };
}

export type ReviewRepository = ReturnType<typeof createReviewRepository>;
