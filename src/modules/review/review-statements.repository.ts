import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { reviewItemsTable, reviewVersionsSeenTable } from './review.table.ts';
import { reviewVerdictsTable } from './verdicts.table.ts';

// The review queries that run for every event or card, prepared once per connection.

export const cardEventColumns = {
  input: eventsTable.input,
  output: eventsTable.output,
  release: eventsTable.release,
  model: eventsTable.model,
  modelVersion: eventsTable.modelVersion,
  occurredAt: eventsTable.occurredAt,
  detections: eventsTable.detections,
  appFlags: eventsTable.appFlags,
  erasedAt: eventsTable.erasedAt,
};

const p = sql.placeholder;
export const OPEN_STATES: ('in_review' | 'needs_adjudication')[] = ['in_review', 'needs_adjudication'];

/**
 * The per-event and per-card queries, prepared once: building and preparing a drizzle query
 * costs more than running it, and the sampler and dispatcher run these for every item.
 * Prepared on the connection, they also run inside its transactions.
 */
export function prepareReviewStatements(db: Db) {
  const versionWhere = and(eq(reviewVersionsSeenTable.source, p('source')), eq(reviewVersionsSeenTable.kind, p('kind')), eq(reviewVersionsSeenTable.value, p('value')));
  const itemColumns = Object.fromEntries(
    Object.keys(reviewItemsTable).filter((key) => key !== 'seq' && key !== 'enableRLS').map((key) => [key, p(key)]),
  ) as unknown as typeof reviewItemsTable.$inferInsert;
  return {
    findLastItemByOutput: db
      .select({ id: reviewItemsTable.id, eventId: reviewItemsTable.eventId, eventSeq: reviewItemsTable.eventSeq, createdAt: reviewItemsTable.createdAt })
      .from(reviewItemsTable)
      .where(and(eq(reviewItemsTable.source, p('source')), eq(reviewItemsTable.outputHash, p('hash'))))
      .orderBy(desc(reviewItemsTable.createdAt), desc(reviewItemsTable.seq))
      .limit(1)
      .prepare(),
    readFirstSeen: db.select({ at: reviewVersionsSeenTable.firstSeenAt }).from(reviewVersionsSeenTable).where(versionWhere).prepare(),
    recordFirstSeen: db
      .insert(reviewVersionsSeenTable)
      .values({ source: p('source'), kind: p('kind'), value: p('value'), firstSeenAt: p('at') })
      .onConflictDoUpdate({
        target: [reviewVersionsSeenTable.source, reviewVersionsSeenTable.kind, reviewVersionsSeenTable.value],
        set: { firstSeenAt: sql`min(${reviewVersionsSeenTable.firstSeenAt}, excluded.first_seen_at)` },
      })
      .prepare(),
    insertItem: db.insert(reviewItemsTable).values(itemColumns).onConflictDoNothing({ target: [reviewItemsTable.eventSeq, reviewItemsTable.channel] }).returning().prepare(),
    findItem: db.select().from(reviewItemsTable).where(eq(reviewItemsTable.id, p('id'))).prepare(),
    loadEvent: db.select(cardEventColumns).from(eventsTable).where(eq(eventsTable.seq, p('seq'))).prepare(),
    loadGraders: db
      .select({ grader: graderResultsTable.grader, score: graderResultsTable.score, label: graderResultsTable.label })
      .from(graderResultsTable)
      .where(eq(graderResultsTable.eventSeq, p('seq')))
      .prepare(),
    listVerdicts: db
      .select()
      .from(reviewVerdictsTable)
      .where(eq(reviewVerdictsTable.itemId, p('itemId')))
      .orderBy(asc(reviewVerdictsTable.createdAt), asc(reviewVerdictsTable.id))
      .prepare(),
    anyPendingEvent: db
      .select({ seq: eventsTable.seq })
      .from(eventsTable)
      .where(and(eq(eventsTable.reviewStatus, 'pending'), eq(eventsTable.checksStatus, 'complete')))
      .limit(1)
      .prepare(),
    anyQueuedItem: db.select({ seq: reviewItemsTable.seq }).from(reviewItemsTable).where(eq(reviewItemsTable.state, 'queued')).limit(1).prepare(),
    readOutboxRow: db
      .select({ status: outboxTable.status, response: outboxTable.response, lastError: outboxTable.lastError })
      .from(outboxTable)
      .where(eq(outboxTable.id, p('id')))
      .prepare(),
    markDispatched: db
      .update(reviewItemsTable)
      .set({ state: 'in_review', dispatchedAt: sql`${p('now')}`, updatedAt: sql`${p('now')}`, cardOutboxId: sql`${p('outboxId')}` })
      .where(eq(reviewItemsTable.id, p('id')))
      .prepare(),
  };
}

export type ReviewStatements = ReturnType<typeof prepareReviewStatements>;
