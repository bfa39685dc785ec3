import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, notInArray, sql } from 'drizzle-orm';
import { monotonicFactory } from 'ulid';
import type { Db, DbExecutor } from '../../platform/db.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { reviewDuplicatesTable, reviewItemsTable } from '../review/review.table.ts';
import { reviewVerdictsTable } from '../review/verdicts.table.ts';
import type { LabelVerdict, ReviewOutcomeLabel } from './calibration-labels.models.ts';
import { calibrationGoldItemsTable, calibrationProposalsTable } from './calibration.table.ts';

// The SQL of calibration: labels are final review items of live events (probes and gold
// items left out) joined with the grader's trusted result for one grader version (a hijacked
// judge's score is the attacker's, not the judge's), their verdicts, and the duplicate events
// their verdict stands for. An event routed to two channels has two items; it counts once.

export type ProposalRow = typeof calibrationProposalsTable.$inferSelect;
export type NewProposal = Omit<typeof calibrationProposalsTable.$inferInsert, 'id'>;

export interface LabelRow {
  itemId: string;
  eventId: string;
  eventSeq: number;
  inclusionProbability: number;
  outcome: ReviewOutcomeLabel;
  score: number;
  cardChannel: string | null;
  cardTs: string | null;
  verdicts: LabelVerdict[];
  /** Identical outputs attached to this item, each with its own draw. */
  duplicates: { eventId: string; inclusionProbability: number; score: number }[];
}

const nextUlid = monotonicFactory();
export const generateProposalId = (now: number) => `cal_${nextUlid(now)}`;

const CHUNK = 500;

function chunk<T>(values: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) chunks.push(values.slice(i, i + CHUNK));
  return chunks;
}

function isFinalLiveItem(source: string) {
  return and(
    eq(reviewItemsTable.source, source),
    eq(reviewItemsTable.state, 'final'),
    isNotNull(reviewItemsTable.outcome),
    eq(eventsTable.origin, 'live'),
    notInArray(reviewItemsTable.id, sql`(select ${calibrationGoldItemsTable.itemId} from ${calibrationGoldItemsTable})`),
  );
}

function matchesGrader(grader: string, graderVersion: string) {
  return and(eq(graderResultsTable.grader, grader), eq(graderResultsTable.graderVersion, graderVersion), eq(graderResultsTable.hijacked, false));
}

export function createCalibrationRepository({ db }: { db: Db }) {
  function listVerdicts(itemIds: string[]): Map<string, LabelVerdict[]> {
    const byItem = new Map<string, LabelVerdict[]>();
    for (const ids of chunk(itemIds)) {
      const rows = db
        .select()
        .from(reviewVerdictsTable)
        .where(inArray(reviewVerdictsTable.itemId, ids))
        .orderBy(asc(reviewVerdictsTable.createdAt), asc(reviewVerdictsTable.id))
        .all();
      for (const row of rows) {
        const { reviewerId, decision, dimension, reasonCategory, note, tone, brand } = row;
        byItem.set(row.itemId, [...(byItem.get(row.itemId) ?? []), { reviewerId, decision, dimension, reasonCategory, note, tone, brand }]);
      }
    }
    return byItem;
  }

  function listDuplicates(source: string, grader: string, graderVersion: string): Map<string, LabelRow['duplicates']> {
    const rows = db
      .select({ itemId: reviewDuplicatesTable.itemId, eventId: eventsTable.id, inclusionProbability: reviewDuplicatesTable.inclusionProbability, score: graderResultsTable.score })
      .from(reviewDuplicatesTable)
      .innerJoin(eventsTable, eq(eventsTable.seq, reviewDuplicatesTable.eventSeq))
      .innerJoin(graderResultsTable, and(eq(graderResultsTable.eventSeq, reviewDuplicatesTable.eventSeq), matchesGrader(grader, graderVersion)))
      .where(and(eq(eventsTable.source, source), eq(eventsTable.origin, 'live')))
      .all();
    const byItem = new Map<string, LabelRow['duplicates']>();
    for (const { itemId, ...duplicate } of rows) byItem.set(itemId, [...(byItem.get(itemId) ?? []), duplicate]);
    return byItem;
  }

  return {
    /** Every label of (source, grader, version), one per event, oldest item first; `finalBetween` keeps items decided in [from, to). */
    listLabelRows(source: string, grader: string, graderVersion: string, finalBetween?: { from: number; to: number }): LabelRow[] {
      const items = db
        .select({
          itemId: reviewItemsTable.id,
          eventId: reviewItemsTable.eventId,
          eventSeq: reviewItemsTable.eventSeq,
          inclusionProbability: reviewItemsTable.inclusionProbability,
          outcome: reviewItemsTable.outcome,
          score: graderResultsTable.score,
          cardChannel: reviewItemsTable.cardChannel,
          cardTs: reviewItemsTable.cardTs,
        })
        .from(reviewItemsTable)
        .innerJoin(eventsTable, eq(eventsTable.seq, reviewItemsTable.eventSeq))
        .innerJoin(graderResultsTable, and(eq(graderResultsTable.eventSeq, reviewItemsTable.eventSeq), matchesGrader(grader, graderVersion)))
        .where(and(isFinalLiveItem(source), finalBetween ? and(gte(reviewItemsTable.finalAt, finalBetween.from), lt(reviewItemsTable.finalAt, finalBetween.to)) : undefined))
        .orderBy(asc(reviewItemsTable.seq))
        .all();
      const seen = new Set<number>();
      const unique = items.filter((item) => !seen.has(item.eventSeq) && Boolean(seen.add(item.eventSeq)));
      const verdicts = listVerdicts(unique.map((item) => item.itemId));
      const duplicates = listDuplicates(source, grader, graderVersion);
      return unique.map((item) => ({
        ...item,
        outcome: item.outcome!,
        verdicts: verdicts.get(item.itemId) ?? [],
        duplicates: duplicates.get(item.itemId) ?? [],
      }));
    },

    /** Final labelled items per grader version of a grader, most labels first. */
    countLabelsByVersion(source: string, grader: string): { graderVersion: string; labels: number }[] {
      return db
        .select({ graderVersion: graderResultsTable.graderVersion, labels: sql<number>`count(distinct ${reviewItemsTable.eventSeq})` })
        .from(reviewItemsTable)
        .innerJoin(eventsTable, eq(eventsTable.seq, reviewItemsTable.eventSeq))
        .innerJoin(graderResultsTable, and(eq(graderResultsTable.eventSeq, reviewItemsTable.eventSeq), eq(graderResultsTable.grader, grader), eq(graderResultsTable.hijacked, false)))
        .where(isFinalLiveItem(source))
        .groupBy(graderResultsTable.graderVersion)
        .orderBy(desc(sql`count(distinct ${reviewItemsTable.eventSeq})`))
        .all();
    },

    /** The version of the grader's most recent result for the source, when it has any. */
    findLatestGraderVersion(source: string, grader: string): string | null {
      const row = db
        .select({ graderVersion: graderResultsTable.graderVersion })
        .from(graderResultsTable)
        .where(and(eq(graderResultsTable.source, source), eq(graderResultsTable.grader, grader)))
        .orderBy(desc(graderResultsTable.createdAt), desc(graderResultsTable.id))
        .limit(1)
        .get();
      return row?.graderVersion ?? null;
    },

    /** Trusted scores of live events graded since `since`, sorted ascending. */
    loadTrafficScores(source: string, grader: string, graderVersion: string, since: number): Float64Array {
      const rows = db
        .select({ score: graderResultsTable.score })
        .from(graderResultsTable)
        .innerJoin(eventsTable, eq(eventsTable.seq, graderResultsTable.eventSeq))
        .where(and(eq(graderResultsTable.source, source), matchesGrader(grader, graderVersion), gte(graderResultsTable.createdAt, since), eq(eventsTable.origin, 'live')))
        .all();
      return Float64Array.from(rows, (row) => row.score).sort();
    },

    insertProposal(tx: DbExecutor, proposal: NewProposal): ProposalRow {
      return tx.insert(calibrationProposalsTable).values({ ...proposal, id: generateProposalId(proposal.createdAt) }).returning().get();
    },

    findProposal(id: string, tx: DbExecutor = db): ProposalRow | undefined {
      return tx.select().from(calibrationProposalsTable).where(eq(calibrationProposalsTable.id, id)).get();
    },

    listOpenProposals(tx: DbExecutor, source: string, grader: string): ProposalRow[] {
      const where = and(eq(calibrationProposalsTable.source, source), eq(calibrationProposalsTable.grader, grader), eq(calibrationProposalsTable.status, 'open'));
      return tx.select().from(calibrationProposalsTable).where(where).orderBy(asc(calibrationProposalsTable.createdAt)).all();
    },

    /** Moves an open proposal to its decision; false when it was no longer open (a double click, another process). */
    closeProposal(tx: DbExecutor, id: string, values: Partial<Omit<ProposalRow, 'id'>> & { status: Exclude<ProposalRow['status'], 'open'> }): boolean {
      const where = and(eq(calibrationProposalsTable.id, id), eq(calibrationProposalsTable.status, 'open'));
      return tx.update(calibrationProposalsTable).set(values).where(where).run().changes === 1;
    },

    updateProposal(tx: DbExecutor, id: string, values: Partial<Omit<ProposalRow, 'id'>>): void {
      tx.update(calibrationProposalsTable).set(values).where(eq(calibrationProposalsTable.id, id)).run();
    },

    /** Threshold changes applied automatically to a grader since `since` (for the daily bound). */
    listAutoAppliedChanges(source: string, grader: string, since: number): number[] {
      return db
        .select({ from: calibrationProposalsTable.currentThreshold, to: calibrationProposalsTable.proposedThreshold })
        .from(calibrationProposalsTable)
        .where(and(eq(calibrationProposalsTable.source, source), eq(calibrationProposalsTable.grader, grader), eq(calibrationProposalsTable.autoApplied, true), gte(calibrationProposalsTable.decidedAt, since)))
        .all()
        .map((row) => row.to - row.from);
    },

    /** Posted cards whose chart is not in their thread yet (a failed upload is retried by the daily job). */
    listChartsToUpload(limit = 20): ProposalRow[] {
      return db
        .select()
        .from(calibrationProposalsTable)
        .where(and(isNull(calibrationProposalsTable.chartUploadedAt), isNotNull(calibrationProposalsTable.cardTs)))
        .orderBy(asc(calibrationProposalsTable.createdAt))
        .limit(limit)
        .all();
    },

    transaction<T>(work: (tx: DbExecutor) => T): T {
      return db.transaction((tx) => work(tx), { behavior: 'immediate' });
    },
  };
}

export type CalibrationRepository = ReturnType<typeof createCalibrationRepository>;
