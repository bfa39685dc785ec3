import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import type { Flag } from './checks.models.ts';
import { deriveGraderFlags } from './grading.models.ts';
import { graderResultsTable, gradingJobsTable } from './grading.table.ts';

export type GradingJob = typeof gradingJobsTable.$inferSelect;
export type GraderResultRow = typeof graderResultsTable.$inferSelect;
export type NewGraderResult = Omit<typeof graderResultsTable.$inferInsert, 'id' | 'eventSeq' | 'source' | 'grader' | 'graderVersion'>;

export interface ClaimedJob extends GradingJob {
  eventId: string;
  input: string | null;
  output: string;
  metadata: Record<string, unknown> | null;
}

/** Decides which grader results become flags; thresholds live with the source's guardrail. */
export type GraderFlagPolicy = (source: string, grader: string) => { threshold: number };

export function createGradingRepository({ db }: { db: Db }) {
  /**
   * Once no job of an event is pending or in flight, its grader results become
   * flags and its checks are complete. Returns the flags added, or null while the
   * event still waits for a grading (or was already completed by another worker).
   */
  function completeEventIfGraded(tx: Db, eventSeq: number, policy: GraderFlagPolicy): Flag[] | null {
    const jobs = tx.select().from(gradingJobsTable).where(eq(gradingJobsTable.eventSeq, eventSeq)).all();
    if (jobs.some((job) => job.status === 'pending' || job.status === 'in_flight')) return null;
    const results = tx.select().from(graderResultsTable).where(eq(graderResultsTable.eventSeq, eventSeq)).all();
    const missing = jobs
      .filter((job) => job.status === 'failed' || job.status === 'skipped')
      .map((job) => ({ grader: job.grader, reason: job.lastError ?? job.status }));
    const source = jobs[0]?.source ?? '';
    const flags = deriveGraderFlags(results, missing, (grader) => policy(source, grader).threshold);
    const event = tx.select({ flags: eventsTable.flags }).from(eventsTable).where(eq(eventsTable.seq, eventSeq)).get();
    const { changes } = tx
      .update(eventsTable)
      .set({ flags: [...(event?.flags ?? []), ...flags], checksStatus: 'complete' })
      .where(and(eq(eventsTable.seq, eventSeq), eq(eventsTable.checksStatus, 'grading')))
      .run();
    return changes > 0 ? flags : null;
  }

  return {
    /** Leases due jobs (or ones whose lease ran out in a crashed process) to this worker. */
    async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
      return db.transaction(
        (tx) => {
          const due = tx
            .select({ id: gradingJobsTable.id })
            .from(gradingJobsTable)
            .where(
              or(
                and(eq(gradingJobsTable.status, 'pending'), lte(gradingJobsTable.nextAttemptAt, now)),
                and(eq(gradingJobsTable.status, 'in_flight'), lt(gradingJobsTable.leaseUntil, now)),
              ),
            )
            .orderBy(asc(gradingJobsTable.nextAttemptAt), asc(gradingJobsTable.id))
            .limit(limit)
            .all();
          if (due.length === 0) return [];
          const ids = due.map((row) => row.id);
          tx.update(gradingJobsTable)
            .set({ status: 'in_flight', leaseUntil: now + leaseMs, attempts: sql`${gradingJobsTable.attempts} + 1`, updatedAt: now })
            .where(inArray(gradingJobsTable.id, ids))
            .run();
          return tx
            .select({ job: gradingJobsTable, eventId: eventsTable.id, input: eventsTable.input, output: eventsTable.output, metadata: eventsTable.metadata })
            .from(gradingJobsTable)
            .innerJoin(eventsTable, eq(eventsTable.seq, gradingJobsTable.eventSeq))
            .where(inArray(gradingJobsTable.id, ids))
            .all()
            .map((row) => ({ ...row.job, eventId: row.eventId, input: row.input, output: row.output, metadata: row.metadata }));
        },
        { behavior: 'immediate' },
      );
    },

    async findCached(graderVersion: string, contentHash: string): Promise<GraderResultRow | undefined> {
      return db
        .select()
        .from(graderResultsTable)
        .where(and(eq(graderResultsTable.graderVersion, graderVersion), eq(graderResultsTable.contentHash, contentHash)))
        .limit(1)
        .get();
    },

    /** Stores the result and closes the job; returns the flags added if that completed the event's checks, else null. */
    async complete(job: GradingJob, result: NewGraderResult, now: number, policy: GraderFlagPolicy): Promise<Flag[] | null> {
      return db.transaction(
        (tx) => {
          tx.insert(graderResultsTable)
            .values({ ...result, eventSeq: job.eventSeq, source: job.source, grader: job.grader, graderVersion: job.graderVersion })
            .onConflictDoNothing()
            .run();
          tx.update(gradingJobsTable).set({ status: 'done', leaseUntil: null, updatedAt: now }).where(eq(gradingJobsTable.id, job.id)).run();
          return completeEventIfGraded(tx as unknown as Db, job.eventSeq, policy);
        },
        { behavior: 'immediate' },
      );
    },

    async retryLater(job: GradingJob, nextAttemptAt: number, error: string, now: number, countAttempt = true): Promise<void> {
      db.update(gradingJobsTable)
        .set({
          status: 'pending',
          leaseUntil: null,
          nextAttemptAt,
          lastError: error,
          updatedAt: now,
          ...(countAttempt ? {} : { attempts: sql`max(${gradingJobsTable.attempts} - 1, 0)` }),
        })
        .where(eq(gradingJobsTable.id, job.id))
        .run();
    },

    /** Gives up on a job (`failed`) or skips it for budget (`skipped`); the event then gets grader_unavailable. */
    async giveUp(job: GradingJob, status: 'failed' | 'skipped', error: string, now: number, policy: GraderFlagPolicy): Promise<Flag[] | null> {
      return db.transaction(
        (tx) => {
          tx.update(gradingJobsTable).set({ status, leaseUntil: null, lastError: error, updatedAt: now }).where(eq(gradingJobsTable.id, job.id)).run();
          return completeEventIfGraded(tx as unknown as Db, job.eventSeq, policy);
        },
        { behavior: 'immediate' },
      );
    },

    async countPending(): Promise<number> {
      const row = db
        .select({ n: sql<number>`count(*)` })
        .from(gradingJobsTable)
        .where(inArray(gradingJobsTable.status, ['pending', 'in_flight']))
        .get();
      return row?.n ?? 0;
    },

    async listResults(eventSeq: number): Promise<GraderResultRow[]> {
      return db.select().from(graderResultsTable).where(eq(graderResultsTable.eventSeq, eventSeq)).orderBy(asc(graderResultsTable.grader)).all();
    },
  };
}

export type GradingRepository = ReturnType<typeof createGradingRepository>;
