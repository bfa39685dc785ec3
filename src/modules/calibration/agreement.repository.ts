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
    listVerdicts(source: string, since: number): AgreementVerdictRow[] {
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
        .orderBy(asc(reviewVerdictsTable.itemId), asc(reviewVerdictsTable.createdAt))
        .all();
    },

    /** Each decision given on a gold item, with the known answer. */
    listGoldAnswers(source: string, since: number): { reviewerId: string; decision: 'approve' | 'reject'; expectedOutcome: 'approved' | 'rejected' }[] {
      return db
        .select({ reviewerId: reviewVerdictsTable.reviewerId, decision: reviewVerdictsTable.decision, expectedOutcome: calibrationGoldItemsTable.expectedOutcome })
        .from(calibrationGoldItemsTable)
        .innerJoin(reviewVerdictsTable, eq(reviewVerdictsTable.itemId, calibrationGoldItemsTable.itemId))
        .where(and(eq(calibrationGoldItemsTable.source, source), gte(calibrationGoldItemsTable.createdAt, since), isNotNull(reviewVerdictsTable.decision)))
        .all()
        .map((row) => ({ ...row, decision: row.decision! }));
    },

    /** Review items created since `since`, gold items aside: what the gold share is measured against. */
    countRealItems(source: string, since: number): number {
      const row = db
        .select({ count: sql<number>`count(*)` })
        .from(reviewItemsTable)
        .where(and(eq(reviewItemsTable.source, source), gte(reviewItemsTable.createdAt, since), notInArray(reviewItemsTable.id, goldItemIds)))
        .get();
      return row?.count ?? 0;
    },

    /** Final live items decided before `before`, with how many reviewers agreed and how often each served as gold. */
    listGoldCandidates(source: string, before: number, limit = 2000): GoldCandidateRow[] {
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
        .limit(limit)
        .all();
    },

    /** Copies a past event as a `gold` event, already sampled; returns its seq and id. */
    copyEventAsGold(tx: DbExecutor, eventSeq: number, goldId: string, now: number): { seq: number; id: string } {
      const event = tx.select().from(eventsTable).where(eq(eventsTable.seq, eventSeq)).get();
      if (!event) throw new Error(`gold item: event ${eventSeq} is missing`);
      const { seq: _seq, ...copy } = event;
      const row = tx
        .insert(eventsTable)
        .values({ ...copy, id: goldId, receivedAt: now, origin: 'gold', reviewStatus: 'done', checksStatus: 'complete', flags: [] })
        .returning({ seq: eventsTable.seq, id: eventsTable.id })
        .get();
      return row;
    },

    insertGoldItem(tx: DbExecutor, row: typeof calibrationGoldItemsTable.$inferInsert): void {
      tx.insert(calibrationGoldItemsTable).values(row).run();
    },

    /** Gold items still waiting or out for review, so a slow queue does not pile up more. */
    countOpenGold(source: string): number {
      const row = db
        .select({ count: sql<number>`count(*)` })
        .from(calibrationGoldItemsTable)
        .innerJoin(reviewItemsTable, eq(reviewItemsTable.id, calibrationGoldItemsTable.itemId))
        .where(and(eq(calibrationGoldItemsTable.source, source), inArray(reviewItemsTable.state, ['queued', 'in_review', 'needs_adjudication'])))
        .get();
      return row?.count ?? 0;
    },
  };
}

export type AgreementRepository = ReturnType<typeof createAgreementRepository>;
