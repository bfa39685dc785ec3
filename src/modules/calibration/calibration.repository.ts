import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, notInArray, sql } from 'drizzle-orm';
import { monotonicFactory } from 'ulid';
import { affectedRows, type Db, type DbExecutor } from '../../platform/db.ts';
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
  async function listVerdicts(itemIds: string[]): Promise<Map<string, LabelVerdict[]>> {
    const byItem = new Map<string, LabelVerdict[]>();
    for (const ids of chunk(itemIds)) {
      const rows = await db
        .select()
        .from(reviewVerdictsTable)
        .where(inArray(reviewVerdictsTable.itemId, ids))
        .orderBy(asc(reviewVerdictsTable.createdAt), asc(reviewVerdictsTable.id));
      for (const row of rows) {
        const { reviewerId, decision, dimension, reasonCategory, note, tone, brand } = row;
        byItem.set(row.itemId, [...(byItem.get(row.itemId) ?? []), { reviewerId, decision, dimension, reasonCategory, note, tone, brand }]);
      }
    }
    return byItem;
  }

  async function listDuplicates(source: string, grader: string, graderVersion: string): Promise<Map<string, LabelRow['duplicates']>> {
    // In event order, so each item lists its duplicates the same way on either store.
    const rows = await db
      .select({ itemId: reviewDuplicatesTable.itemId, eventId: eventsTable.id, inclusionProbability: reviewDuplicatesTable.inclusionProbability, score: graderResultsTable.score })
      .from(reviewDuplicatesTable)
      .innerJoin(eventsTable, eq(eventsTable.seq, reviewDuplicatesTable.eventSeq))
      .innerJoin(graderResultsTable, and(eq(graderResultsTable.eventSeq, reviewDuplicatesTable.eventSeq), matchesGrader(grader, graderVersion)))
      .where(and(eq(eventsTable.source, source), eq(eventsTable.origin, 'live')))
      .orderBy(asc(reviewDuplicatesTable.eventSeq));
    const byItem = new Map<string, LabelRow['duplicates']>();
    for (const { itemId, ...duplicate } of rows) byItem.set(itemId, [...(byItem.get(itemId) ?? []), duplicate]);
    return byItem;
  }

  return {
    /** Every label of (source, grader, version), one per event, oldest item first; `finalBetween` keeps items decided in [from, to). */
    async listLabelRows(source: string, grader: string, graderVersion: string, finalBetween?: { from: number; to: number }): Promise<LabelRow[]> {
      const items = await db
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
        .orderBy(asc(reviewItemsTable.seq));
      const seen = new Set<number>();
      const unique = items.filter((item) => !seen.has(item.eventSeq) && Boolean(seen.add(item.eventSeq)));
      const verdicts = await listVerdicts(unique.map((item) => item.itemId));
      const duplicates = await listDuplicates(source, grader, graderVersion);
      return unique.map((item) => ({
        ...item,
        outcome: item.outcome!,
        verdicts: verdicts.get(item.itemId) ?? [],
        duplicates: duplicates.get(item.itemId) ?? [],
      }));
    },

    /** Final labelled items per grader version of a grader, most labels first. */
    async countLabelsByVersion(source: string, grader: string): Promise<{ graderVersion: string; labels: number }[]> {
      return db
        .select({ graderVersion: graderResultsTable.graderVersion, labels: sql<number>`count(distinct ${reviewItemsTable.eventSeq})` })
        .from(reviewItemsTable)
        .innerJoin(eventsTable, eq(eventsTable.seq, reviewItemsTable.eventSeq))
        .innerJoin(graderResultsTable, and(eq(graderResultsTable.eventSeq, reviewItemsTable.eventSeq), eq(graderResultsTable.grader, grader), eq(graderResultsTable.hijacked, false)))
        .where(isFinalLiveItem(source))
        .groupBy(graderResultsTable.graderVersion)
        .orderBy(desc(sql`count(distinct ${reviewItemsTable.eventSeq})`), asc(graderResultsTable.graderVersion));
    },

    /** The version of the grader's most recent result for the source, when it has any. */
    async findLatestGraderVersion(source: string, grader: string): Promise<string | null> {
      const [row] = await db
        .select({ graderVersion: graderResultsTable.graderVersion })
        .from(graderResultsTable)
        .where(and(eq(graderResultsTable.source, source), eq(graderResultsTable.grader, grader)))
        .orderBy(desc(graderResultsTable.createdAt), desc(graderResultsTable.id))
        .limit(1);
      return row?.graderVersion ?? null;
    },

    /** Trusted scores of live events graded since `since`, sorted ascending. */
    async loadTrafficScores(source: string, grader: string, graderVersion: string, since: number): Promise<Float64Array> {
      const rows = await db
        .select({ score: graderResultsTable.score })
        .from(graderResultsTable)
        .innerJoin(eventsTable, eq(eventsTable.seq, graderResultsTable.eventSeq))
        .where(and(eq(graderResultsTable.source, source), matchesGrader(grader, graderVersion), gte(graderResultsTable.createdAt, since), eq(eventsTable.origin, 'live')));
      return Float64Array.from(rows, (row) => row.score).sort();
    },

    async insertProposal(tx: DbExecutor, proposal: NewProposal): Promise<ProposalRow> {
      const [row] = await tx.insert(calibrationProposalsTable).values({ ...proposal, id: generateProposalId(proposal.createdAt) }).returning();
      return row!;
    },

    async findProposal(id: string, tx: DbExecutor = db): Promise<ProposalRow | undefined> {
      const [row] = await tx.select().from(calibrationProposalsTable).where(eq(calibrationProposalsTable.id, id));
      return row;
    },

    async listOpenProposals(tx: DbExecutor, source: string, grader: string): Promise<ProposalRow[]> {
      const where = and(eq(calibrationProposalsTable.source, source), eq(calibrationProposalsTable.grader, grader), eq(calibrationProposalsTable.status, 'open'));
      return tx.select().from(calibrationProposalsTable).where(where).orderBy(asc(calibrationProposalsTable.createdAt), asc(calibrationProposalsTable.id));
    },

    /** Moves an open proposal to its decision; false when it was no longer open (a double click, another process). */
    async closeProposal(tx: DbExecutor, id: string, values: Partial<Omit<ProposalRow, 'id'>> & { status: Exclude<ProposalRow['status'], 'open'> }): Promise<boolean> {
      const where = and(eq(calibrationProposalsTable.id, id), eq(calibrationProposalsTable.status, 'open'));
      return affectedRows(await tx.update(calibrationProposalsTable).set(values).where(where)) === 1;
    },

    async updateProposal(tx: DbExecutor, id: string, values: Partial<Omit<ProposalRow, 'id'>>): Promise<void> {
      await tx.update(calibrationProposalsTable).set(values).where(eq(calibrationProposalsTable.id, id));
    },

    /** Threshold changes applied automatically to a grader since `since` (for the daily bound). */
    async listAutoAppliedChanges(source: string, grader: string, since: number): Promise<number[]> {
      const rows = await db
        .select({ from: calibrationProposalsTable.currentThreshold, to: calibrationProposalsTable.proposedThreshold })
        .from(calibrationProposalsTable)
        .where(and(eq(calibrationProposalsTable.source, source), eq(calibrationProposalsTable.grader, grader), eq(calibrationProposalsTable.autoApplied, true), gte(calibrationProposalsTable.decidedAt, since)));
      return rows.map((row) => row.to - row.from);
    },

    /** Posted cards whose chart is not in their thread yet (a failed upload is retried by the daily job). */
    async listChartsToUpload(limit = 20): Promise<ProposalRow[]> {
      return db
        .select()
        .from(calibrationProposalsTable)
        .where(and(isNull(calibrationProposalsTable.chartUploadedAt), isNotNull(calibrationProposalsTable.cardTs)))
        .orderBy(asc(calibrationProposalsTable.createdAt), asc(calibrationProposalsTable.id))
        .limit(limit);
    },

    async transaction<T>(work: (tx: DbExecutor) => Promise<T>): Promise<T> {
      return db.transaction(work);
    },
  };
}

export type CalibrationRepository = ReturnType<typeof createCalibrationRepository>;
