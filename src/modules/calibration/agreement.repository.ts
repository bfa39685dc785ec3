import { and, asc, eq, gte, inArray, isNotNull, lt, notInArray, sql } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../platform/db.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { reviewItemsTable } from '../review/review.table.ts';
import { reviewVerdictsTable } from '../review/verdicts.table.ts';
import { finalLiveItemsOf } from '../review/review-queries.repository.ts';
import type { GoldCandidate } from './agreement-gold.models.ts';
import { calibrationGoldItemsTable } from './calibration.table.ts';

// The SQL of reviewer agreement and gold items. A gold item's card needs an event of its own
// (an item is unique per event and channel), so the past event is copied with origin `gold`:
// calibration, drift and the traffic figures read live events only, and the copy is stored
// already sampled, so the sampler never picks it. Its detections and the app's flags are kept
// (the card shows them, and redacts by them); Vigil's own flags are not, so flag counts stay live.

export interface AgreementVerdictRow {
  itemId: string;
  reviewerId: string;
  decision: 'approve' | 'reject' | null;
  tone: number | null;
  brand: number | null;
  edgeCase: boolean;
}

export interface GoldCandidateRow extends GoldCandidate {
  eventSeq: number;
  channel: string;
  priority: 'info' | 'warn' | 'critical';
  reasons: (typeof reviewItemsTable.$inferSelect)['reasons'];
  outputHash: string;
}

const goldItemIds = sql`(select ${calibrationGoldItemsTable.itemId} from ${calibrationGoldItemsTable})`;

export function createAgreementRepository({ db }: { db: Db }) {
  return {
    /** Verdicts on the source's items (gold items aside) created since `since`, by item. */
    async listVerdicts(source: string, since: number): Promise<AgreementVerdictRow[]> {
      return db
        .select({
          itemId: reviewVerdictsTable.itemId,
          reviewerId: reviewVerdictsTable.reviewerId,
          decision: reviewVerdictsTable.decision,
          tone: reviewVerdictsTable.tone,
          brand: reviewVerdictsTable.brand,
          edgeCase: reviewVerdictsTable.edgeCase,
        })
        .from(reviewVerdictsTable)
        .innerJoin(reviewItemsTable, eq(reviewItemsTable.id, reviewVerdictsTable.itemId))
        .where(and(eq(reviewItemsTable.source, source), gte(reviewItemsTable.createdAt, since), notInArray(reviewItemsTable.id, goldItemIds)))
        .orderBy(asc(reviewVerdictsTable.itemId), asc(reviewVerdictsTable.createdAt), asc(reviewVerdictsTable.id));
    },

    /** Each decision given on a gold item, with the known answer. */
    async listGoldAnswers(source: string, since: number): Promise<{ reviewerId: string; decision: 'approve' | 'reject'; expectedOutcome: 'approved' | 'rejected' }[]> {
      const rows = await db
        .select({ reviewerId: reviewVerdictsTable.reviewerId, decision: reviewVerdictsTable.decision, expectedOutcome: calibrationGoldItemsTable.expectedOutcome })
        .from(calibrationGoldItemsTable)
        .innerJoin(reviewVerdictsTable, eq(reviewVerdictsTable.itemId, calibrationGoldItemsTable.itemId))
        .where(and(eq(calibrationGoldItemsTable.source, source), gte(calibrationGoldItemsTable.createdAt, since), isNotNull(reviewVerdictsTable.decision)))
        .orderBy(asc(calibrationGoldItemsTable.createdAt), asc(reviewVerdictsTable.id));
      return rows.map((row) => ({ ...row, decision: row.decision! }));
    },

    /** Review items created since `since`, gold items aside: what the gold share is measured against. */
    async countRealItems(source: string, since: number): Promise<number> {
      const [row] = await db
        .select({ count: sql<number>`count(*)` })
        .from(reviewItemsTable)
        .where(and(eq(reviewItemsTable.source, source), gte(reviewItemsTable.createdAt, since), notInArray(reviewItemsTable.id, goldItemIds)));
      return row?.count ?? 0;
    },

    /** Final live items decided before `before`, with how many reviewers agreed and how often each served as gold. */
    async listGoldCandidates(source: string, before: number, limit = 2000): Promise<GoldCandidateRow[]> {
      const agreeing = sql<number>`(select count(*) from ${reviewVerdictsTable} v where v.item_id = ${reviewItemsTable.id}
        and v.decision = case ${reviewItemsTable.outcome} when 'approved' then 'approve' else 'reject' end)`;
      const used = sql<number>`(select count(*) from ${calibrationGoldItemsTable} g where g.origin_item_id = ${reviewItemsTable.id})`;
      return db
        .select({
          itemId: reviewItemsTable.id,
          outcome: sql<'approved' | 'rejected'>`${reviewItemsTable.outcome}`,
          decisionMode: sql<'consensus' | 'adjudication'>`${reviewItemsTable.decisionMode}`,
          agreeingVerdicts: agreeing,
          timesUsed: used,
          eventSeq: reviewItemsTable.eventSeq,
          channel: reviewItemsTable.channel,
          priority: reviewItemsTable.priority,
          reasons: reviewItemsTable.reasons,
          outputHash: reviewItemsTable.outputHash,
        })
        .from(reviewItemsTable)
        .innerJoin(eventsTable, eq(eventsTable.seq, reviewItemsTable.eventSeq))
        .where(
          and(
            ...finalLiveItemsOf(source),
            isNotNull(reviewItemsTable.outcome),
            isNotNull(reviewItemsTable.decisionMode),
            lt(reviewItemsTable.finalAt, before),
            notInArray(reviewItemsTable.id, goldItemIds),
          ),
        )
        .orderBy(asc(reviewItemsTable.seq))
        .limit(limit);
    },

    /** Copies a past event as a `gold` event, already sampled; returns its seq and id. */
    async copyEventAsGold(tx: DbExecutor, eventSeq: number, goldId: string, now: number): Promise<{ seq: number; id: string }> {
      const [event] = await tx.select().from(eventsTable).where(eq(eventsTable.seq, eventSeq));
      if (!event) throw new Error(`gold item: event ${eventSeq} is missing`);
      const { seq: _seq, ...copy } = event;
      const [row] = await tx
        .insert(eventsTable)
        .values({ ...copy, id: goldId, receivedAt: now, origin: 'gold', reviewStatus: 'done', checksStatus: 'complete', flags: [] })
        .returning({ seq: eventsTable.seq, id: eventsTable.id });
      return row!;
    },

    async insertGoldItem(tx: DbExecutor, row: typeof calibrationGoldItemsTable.$inferInsert): Promise<void> {
      await tx.insert(calibrationGoldItemsTable).values(row);
    },

    /** Gold items still waiting or out for review, so a slow queue does not pile up more. */
    async countOpenGold(source: string): Promise<number> {
      const [row] = await db
        .select({ count: sql<number>`count(*)` })
        .from(calibrationGoldItemsTable)
        .innerJoin(reviewItemsTable, eq(reviewItemsTable.id, calibrationGoldItemsTable.itemId))
        .where(and(eq(calibrationGoldItemsTable.source, source), inArray(reviewItemsTable.state, ['queued', 'in_review', 'needs_adjudication'])));
      return row?.count ?? 0;
    },
  };
}

export type AgreementRepository = ReturnType<typeof createAgreementRepository>;
