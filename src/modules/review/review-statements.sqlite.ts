import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { reviewItemsTable, reviewVersionsSeenTable } from './review.table.ts';

// SQLite fast path for the sampler's per-event queries, prepared once per connection. Building
// and preparing a drizzle query costs more than running it on SQLite, and the sampler runs
// these several times per event inside its write transaction (measured: the sampler took
// about three times longer per event with plain builders). SQLite has one connection, so a
// prepared statement runs inside the transaction that is open on it. PostgreSQL takes the
// portable builders of review-statements.repository.ts.

const p = sql.placeholder;

function prepare(db: Db) {
  const versionWhere = and(eq(reviewVersionsSeenTable.source, p('source')), eq(reviewVersionsSeenTable.kind, p('kind')), eq(reviewVersionsSeenTable.value, p('value')));
  const itemColumns = Object.fromEntries(
    Object.keys(reviewItemsTable)
      .filter((key) => key !== 'seq' && key !== 'enableRLS')
      .map((key) => [key, p(key)]),
  ) as unknown as typeof reviewItemsTable.$inferInsert;
  const { firstSeenAt } = reviewVersionsSeenTable;
  return {
    findLastItemByOutput: db
      .select({ id: reviewItemsTable.id, eventId: reviewItemsTable.eventId, eventSeq: reviewItemsTable.eventSeq, createdAt: reviewItemsTable.createdAt })
      .from(reviewItemsTable)
      .where(and(eq(reviewItemsTable.source, p('source')), eq(reviewItemsTable.outputHash, p('hash'))))
      .orderBy(desc(reviewItemsTable.createdAt), desc(reviewItemsTable.seq))
      .limit(1)
      .prepare(),
    readFirstSeen: db.select({ at: firstSeenAt }).from(reviewVersionsSeenTable).where(versionWhere).prepare(),
    recordFirstSeen: db
      .insert(reviewVersionsSeenTable)
      .values({ source: p('source'), kind: p('kind'), value: p('value'), firstSeenAt: p('at') })
      .onConflictDoUpdate({
        target: [reviewVersionsSeenTable.source, reviewVersionsSeenTable.kind, reviewVersionsSeenTable.value],
        set: { firstSeenAt: sql`case when excluded.first_seen_at < ${firstSeenAt} then excluded.first_seen_at else ${firstSeenAt} end` },
      })
      .prepare(),
    insertItem: db.insert(reviewItemsTable).values(itemColumns).onConflictDoNothing({ target: [reviewItemsTable.eventSeq, reviewItemsTable.channel] }).returning().prepare(),
  };
}

function bindQueries(statements: ReturnType<typeof prepare>) {
  return {
    findLastItemByOutput: (source: string, hash: string) => statements.findLastItemByOutput.get({ source, hash }),
    readAndRecordFirstSeen(version: { source: string; kind: 'release' | 'model_version'; value: string }, at: number): number | undefined {
      const seen = statements.readFirstSeen.get(version);
      statements.recordFirstSeen.run({ ...version, at });
      return seen?.at;
    },
    /** Every column is bound, as the prepared insert needs: those the item leaves out get their defaults here. */
    insertItem(item: Omit<typeof reviewItemsTable.$inferInsert, 'seq'>): typeof reviewItemsTable.$inferSelect | undefined {
      return statements.insertItem.get({ seenCount: 1, outcome: null, decisionMode: null, decidedBy: null, dispatchedAt: null, cardOutboxId: null, cardChannel: null, cardTs: null, cardError: null, finalAt: null, expiredAt: null, slaRemindedAt: null, ...item });
    },
  };
}

export type SqliteReviewQueries = ReturnType<typeof bindQueries>;

const prepared = new WeakMap<Db, SqliteReviewQueries>();

/** The prepared per-event queries of a SQLite connection; null on PostgreSQL. */
export function readSqliteReviewQueries(db: Db): SqliteReviewQueries | null {
  if (db.dialect !== 'sqlite') return null;
  let queries = prepared.get(db);
  if (!queries) {
    queries = bindQueries(prepare(db));
    prepared.set(db, queries);
  }
  return queries;
}
