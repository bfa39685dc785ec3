import { and, asc, desc, eq, gt, gte, inArray, isNotNull, notExists, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import type { Detection, Flag } from '../checks/checks.models.ts';
import type { AppFlag } from '../ingestion/ingestion.models.ts';
import { reviewItemsTable } from './review.table.ts';
import { reviewVerdictsTable } from './verdicts.table.ts';
import type { ReviewItemState } from './review-items.models.ts';
import type { ReviewItemRow, VerdictRow } from './review.repository.ts';

/**
 * The conditions for a source's finally decided items of live traffic (gold copies and probes
 * are not live). The query must inner-join events on the item's event.
 */
export function finalLiveItemsOf(source: string): SQL[] {
  return [eq(reviewItemsTable.source, source), eq(reviewItemsTable.state, 'final'), eq(eventsTable.origin, 'live')];
}

// Read side of review: the API, App Home and the queue gauge. Source scoping is applied
// here (`sources: 'all'` or a list), so a key limited to some sources never sees others.

export type SourceScope = readonly string[] | 'all';

/** What an item's event was flagged for, enough to name the item in words. */
export interface ItemFindings {
  detections: Detection[];
  flags: Flag[];
  appFlags: AppFlag[] | null;
}

const FINDINGS = { detections: eventsTable.detections, flags: eventsTable.flags, appFlags: eventsTable.appFlags } as const;

const inScope = (scope: SourceScope): SQL | undefined => (scope === 'all' ? undefined : inArray(reviewItemsTable.source, [...scope]));

export interface ItemFilter {
  scope: SourceScope;
  source?: string;
  state?: ReviewItemState;
  since?: number;
  limit: number;
  /** Continue after this item (the last `seq` of the previous page). */
  afterSeq?: number;
}

export interface VerdictExportRow {
  verdict: VerdictRow;
  item: Pick<ReviewItemRow, 'id' | 'source' | 'eventId' | 'inclusionProbability' | 'priority' | 'state' | 'outcome' | 'reasons'>;
}

export function createReviewQueriesRepository({ db }: { db: Db }) {
  const OPEN_STATES: ReviewItemState[] = ['in_review', 'needs_adjudication'];
  return {
    async listItems(filter: ItemFilter): Promise<ReviewItemRow[]> {
      return db
        .select()
        .from(reviewItemsTable)
        .where(
          and(
            inScope(filter.scope),
            filter.source === undefined ? undefined : eq(reviewItemsTable.source, filter.source),
            filter.state === undefined ? undefined : eq(reviewItemsTable.state, filter.state),
            filter.since === undefined ? undefined : gte(reviewItemsTable.createdAt, filter.since),
            filter.afterSeq === undefined ? undefined : gt(reviewItemsTable.seq, filter.afterSeq),
          ),
        )
        .orderBy(asc(reviewItemsTable.seq))
        .limit(filter.limit);
    },

    async findItem(id: string, scope: SourceScope): Promise<ReviewItemRow | undefined> {
      const [item] = await db.select().from(reviewItemsTable).where(and(eq(reviewItemsTable.id, id), inScope(scope)));
      return item;
    },

    async listVerdicts(itemId: string): Promise<VerdictRow[]> {
      return db.select().from(reviewVerdictsTable).where(eq(reviewVerdictsTable.itemId, itemId)).orderBy(asc(reviewVerdictsTable.id));
    },

    /** One page of verdicts changed since `since`, in (updatedAt, id) order; decided verdicts only. */
    async listVerdictsSince(filter: { scope: SourceScope; since: number; after?: { updatedAt: number; id: number }; limit: number }): Promise<VerdictExportRow[]> {
      const after = filter.after;
      return db
        .select({
          verdict: reviewVerdictsTable,
          item: {
            id: reviewItemsTable.id,
            source: reviewItemsTable.source,
            eventId: reviewItemsTable.eventId,
            inclusionProbability: reviewItemsTable.inclusionProbability,
            priority: reviewItemsTable.priority,
            state: reviewItemsTable.state,
            outcome: reviewItemsTable.outcome,
            reasons: reviewItemsTable.reasons,
          },
        })
        .from(reviewVerdictsTable)
        .innerJoin(reviewItemsTable, eq(reviewItemsTable.id, reviewVerdictsTable.itemId))
        .where(
          and(
            inScope(filter.scope),
            isNotNull(reviewVerdictsTable.decision),
            gte(reviewVerdictsTable.updatedAt, filter.since),
            after
              ? or(gt(reviewVerdictsTable.updatedAt, after.updatedAt), and(eq(reviewVerdictsTable.updatedAt, after.updatedAt), gt(reviewVerdictsTable.id, after.id)))
              : undefined,
          ),
        )
        .orderBy(asc(reviewVerdictsTable.updatedAt), asc(reviewVerdictsTable.id))
        .limit(filter.limit);
    },

    async countByState(scope: SourceScope = 'all'): Promise<{ source: string; state: ReviewItemState; n: number }[]> {
      return db
        .select({ source: reviewItemsTable.source, state: reviewItemsTable.state, n: sql<number>`count(*)` })
        .from(reviewItemsTable)
        .where(and(inScope(scope), inArray(reviewItemsTable.state, ['queued', ...OPEN_STATES])))
        .groupBy(reviewItemsTable.source, reviewItemsTable.state)
        .orderBy(asc(reviewItemsTable.source), asc(reviewItemsTable.state));
    },

    async countExpiredSince(scope: SourceScope, since: number): Promise<{ source: string; n: number }[]> {
      return db
        .select({ source: reviewItemsTable.source, n: sql<number>`count(*)` })
        .from(reviewItemsTable)
        .where(and(inScope(scope), eq(reviewItemsTable.state, 'expired'), gte(reviewItemsTable.expiredAt, since)))
        .groupBy(reviewItemsTable.source)
        .orderBy(asc(reviewItemsTable.source));
    },

    /** Items on cards in these sources that still wait for this reviewer's decision, with their event's findings (for a headline). */
    async listAwaitingReviewer(reviewerId: string, sources: readonly string[], limit: number): Promise<(ReviewItemRow & ItemFindings)[]> {
      if (sources.length === 0) return [];
      const decided = db
        .select({ one: sql`1` })
        .from(reviewVerdictsTable)
        .where(and(eq(reviewVerdictsTable.itemId, reviewItemsTable.id), eq(reviewVerdictsTable.reviewerId, reviewerId), isNotNull(reviewVerdictsTable.decision)));
      const rows = await db
        .select({ item: reviewItemsTable, ...FINDINGS })
        .from(reviewItemsTable)
        .innerJoin(eventsTable, eq(eventsTable.seq, reviewItemsTable.eventSeq))
        .where(and(inArray(reviewItemsTable.source, [...sources]), inArray(reviewItemsTable.state, OPEN_STATES), notExists(decided)))
        .orderBy(sql`case ${reviewItemsTable.priority} when 'critical' then 0 when 'warn' then 1 else 2 end`, asc(reviewItemsTable.dispatchedAt), asc(reviewItemsTable.seq))
        .limit(limit);
      return rows.map(({ item, ...findings }) => ({ ...item, ...findings }));
    },

    /**
     * Critical items of a release finally rejected, whose event occurred at or after `since`: a
     * release with any is not known-good. Counted per event (one routed to two channels is one),
     * live traffic only (a gold copy repeats a past item's answer).
     */
    async countRejectedCritical(source: string, release: string, since: number): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(distinct ${reviewItemsTable.eventSeq})` })
        .from(reviewItemsTable)
        .innerJoin(eventsTable, eq(eventsTable.seq, reviewItemsTable.eventSeq))
        .where(
          and(
            ...finalLiveItemsOf(source),
            eq(reviewItemsTable.outcome, 'rejected'),
            eq(reviewItemsTable.priority, 'critical'),
            eq(eventsTable.release, release),
            gte(eventsTable.occurredAt, since),
          ),
        );
      return row?.n ?? 0;
    },

    async listReviewerVerdictsSince(reviewerId: string, since: number, limit: number): Promise<(VerdictRow & ItemFindings & { source: string; reasons: ReviewItemRow['reasons'] })[]> {
      const rows = await db
        .select({ verdict: reviewVerdictsTable, source: reviewItemsTable.source, reasons: reviewItemsTable.reasons, ...FINDINGS })
        .from(reviewVerdictsTable)
        .innerJoin(reviewItemsTable, eq(reviewItemsTable.id, reviewVerdictsTable.itemId))
        .innerJoin(eventsTable, eq(eventsTable.seq, reviewItemsTable.eventSeq))
        .where(and(eq(reviewVerdictsTable.reviewerId, reviewerId), isNotNull(reviewVerdictsTable.decision), gte(reviewVerdictsTable.updatedAt, since)))
        .orderBy(desc(reviewVerdictsTable.updatedAt), desc(reviewVerdictsTable.id))
        .limit(limit);
      return rows.map(({ verdict, ...rest }) => ({ ...verdict, ...rest }));
    },
  };
}

export type ReviewQueriesRepository = ReturnType<typeof createReviewQueriesRepository>;
