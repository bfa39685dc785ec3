import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { auditLogTable } from '../audit/audit.table.ts';
import type { ReviewFigures } from '../digest/digest-data.models.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { summarizeVerdictEntries, VERDICT_AUDIT_ACTIONS, type VerdictAuditEntry } from './review-digest.models.ts';
import { reviewItemsTable } from './review.table.ts';

// The weekly digest's review figures of one source, for [period.start, period.end). Only items
// of live events count: a gold item is a past item shown again to measure reviewers, and
// counting it would repeat that item's outcome. Each figure reads the time that defines it:
// created_at (sampled), final_at (outcomes, decision times), expired_at, sla_reminded_at (the
// SLA sweep stamps an item once, within seconds of its SLA passing without a decision), and
// the audit log for verdicts and ratings (see review-digest.models.ts).

export interface DigestPeriod {
  start: number;
  end: number;
}

const items = reviewItemsTable;
const within = (column: AnyColumn, period: DigestPeriod) => and(gte(column, period.start), lt(column, period.end));

export function createReviewDigestRepository({ db }: { db: Db }) {
  const liveItems = (source: string, ...conditions: (SQL | undefined)[]) =>
    and(eq(items.source, source), eq(eventsTable.origin, 'live'), ...conditions);

  const countItems = async (source: string, ...conditions: (SQL | undefined)[]): Promise<number> => {
    const [row] = await db
      .select({ n: sql<number>`count(*)` })
      .from(items)
      .innerJoin(eventsTable, eq(eventsTable.seq, items.eventSeq))
      .where(liveItems(source, ...conditions));
    return row?.n ?? 0;
  };

  const listVerdictEntries = async (source: string, period: DigestPeriod): Promise<VerdictAuditEntry[]> =>
    (await db
      .select({ itemId: items.id, actor: auditLogTable.actor, action: auditLogTable.action, details: auditLogTable.details })
      .from(auditLogTable)
      .innerJoin(items, eq(items.id, auditLogTable.subjectId))
      .innerJoin(eventsTable, eq(eventsTable.seq, items.eventSeq))
      .where(
        and(
          eq(auditLogTable.source, source),
          gte(auditLogTable.at, period.start),
          lt(auditLogTable.at, period.end),
          eq(auditLogTable.subjectType, 'review_item'),
          inArray(auditLogTable.action, [...VERDICT_AUDIT_ACTIONS]),
          liveItems(source),
        ),
      )
      .orderBy(asc(auditLogTable.seq))) as VerdictAuditEntry[];

  return {
    async loadReview(source: string, period: DigestPeriod): Promise<ReviewFigures> {
      const outcomes = await db
        .select({ outcome: items.outcome, n: sql<number>`count(*)` })
        .from(items)
        .innerJoin(eventsTable, eq(eventsTable.seq, items.eventSeq))
        .where(liveItems(source, eq(items.state, 'final'), within(items.finalAt, period)))
        .groupBy(items.outcome);
      const decided = await db
        .select({ dispatchedAt: items.dispatchedAt, finalAt: items.finalAt })
        .from(items)
        .innerJoin(eventsTable, eq(eventsTable.seq, items.eventSeq))
        .where(liveItems(source, eq(items.state, 'final'), within(items.finalAt, period), isNotNull(items.dispatchedAt)))
        .orderBy(asc(items.finalAt), asc(items.seq));
      // Waiting at the end of the week: created before it, and neither final nor expired by then.
      const waitingAtEnd = and(
        lt(items.createdAt, period.end),
        or(isNull(items.finalAt), gte(items.finalAt, period.end)),
        or(isNull(items.expiredAt), gte(items.expiredAt, period.end)),
      );
      return {
        sampled: await countItems(source, within(items.createdAt, period)),
        approved: outcomes.find((row) => row.outcome === 'approved')?.n ?? 0,
        rejected: outcomes.find((row) => row.outcome === 'rejected')?.n ?? 0,
        ...summarizeVerdictEntries(await listVerdictEntries(source, period)),
        decisionTimesMs: decided.map((row) => row.finalAt! - row.dispatchedAt!),
        slaBreaches: await countItems(source, within(items.slaRemindedAt, period)),
        backlog: await countItems(source, waitingAtEnd),
        expiredUnreviewed: await countItems(source, eq(items.state, 'expired'), isNull(items.outcome), within(items.expiredAt, period)),
      };
    },
  };
}

export type ReviewDigestRepository = ReturnType<typeof createReviewDigestRepository>;
