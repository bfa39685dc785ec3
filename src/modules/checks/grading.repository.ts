import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { affectedRows, selectRows, type Db } from '../../platform/db.ts';
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
  async function completeEventIfGraded(tx: Db, eventSeq: number, policy: GraderFlagPolicy): Promise<Flag[] | null> {
    const jobs = await tx.select().from(gradingJobsTable).where(eq(gradingJobsTable.eventSeq, eventSeq));
    if (jobs.some((job) => job.status === 'pending' || job.status === 'in_flight')) return null;
    const results = await tx.select().from(graderResultsTable).where(eq(graderResultsTable.eventSeq, eventSeq));
    const missing = jobs
      .filter((job) => job.status === 'failed' || job.status === 'skipped')
      .map((job) => ({ grader: job.grader, reason: job.lastError ?? job.status }));
    const source = jobs[0]?.source ?? '';
    const flags = deriveGraderFlags(results, missing, (grader) => policy(source, grader).threshold);
    const [event] = await tx.select({ flags: eventsTable.flags }).from(eventsTable).where(eq(eventsTable.seq, eventSeq));
    const changed = affectedRows(
      await tx
        .update(eventsTable)
        .set({ flags: [...(event?.flags ?? []), ...flags], checksStatus: 'complete' })
        .where(and(eq(eventsTable.seq, eventSeq), eq(eventsTable.checksStatus, 'grading'))),
    );
    return changed > 0 ? flags : null;
  }

  /**
   * Settles one job of an event and completes the event if that was its last. Two workers
   * settling an event's last two jobs must not each see the other's job still in flight:
   * SQLite's write lock already orders them; on PostgreSQL the event's row lock does.
   */
  async function settleJob(job: GradingJob, policy: GraderFlagPolicy, settle: (tx: Db) => Promise<void>): Promise<Flag[] | null> {
    return db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await selectRows(tx, sql`select 1 from ${eventsTable} where ${eventsTable.seq} = ${job.eventSeq} for update`);
      await settle(tx);
      return completeEventIfGraded(tx, job.eventSeq, policy);
    });
  }

  return {
    /**
     * Leases due jobs (or ones whose lease ran out in a crashed process) to this worker. The
     * update repeats the due condition, so of two instances racing for a job on PostgreSQL
     * the second finds it leased and leaves it (SQLite's write lock orders them anyway).
     */
    async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
      const isDue = or(
        and(eq(gradingJobsTable.status, 'pending'), lte(gradingJobsTable.nextAttemptAt, now)),
        and(eq(gradingJobsTable.status, 'in_flight'), lt(gradingJobsTable.leaseUntil, now)),
      );
      return db.transaction(async (tx) => {
        const due = await tx
          .select({ id: gradingJobsTable.id })
          .from(gradingJobsTable)
          .where(isDue)
          .orderBy(asc(gradingJobsTable.nextAttemptAt), asc(gradingJobsTable.id))
          .limit(limit);
        if (due.length === 0) return [];
        const claimed = await tx
          .update(gradingJobsTable)
          .set({ status: 'in_flight', leaseUntil: now + leaseMs, attempts: sql`${gradingJobsTable.attempts} + 1`, updatedAt: now })
          .where(and(inArray(gradingJobsTable.id, due.map((row) => row.id)), isDue))
          .returning({ id: gradingJobsTable.id });
        if (claimed.length === 0) return [];
        const rows = await tx
          .select({ job: gradingJobsTable, eventId: eventsTable.id, input: eventsTable.input, output: eventsTable.output, metadata: eventsTable.metadata })
          .from(gradingJobsTable)
          .innerJoin(eventsTable, eq(eventsTable.seq, gradingJobsTable.eventSeq))
          .where(inArray(gradingJobsTable.id, claimed.map((row) => row.id)))
          .orderBy(asc(gradingJobsTable.id));
        return rows.map((row) => ({ ...row.job, eventId: row.eventId, input: row.input, output: row.output, metadata: row.metadata }));
      });
    },

    async findCached(graderVersion: string, contentHash: string): Promise<GraderResultRow | undefined> {
      const [row] = await db
        .select()
        .from(graderResultsTable)
        .where(and(eq(graderResultsTable.graderVersion, graderVersion), eq(graderResultsTable.contentHash, contentHash)))
        .limit(1);
      return row;
    },

    /** Stores the result and closes the job; returns the flags added if that completed the event's checks, else null. */
    async complete(job: GradingJob, result: NewGraderResult, now: number, policy: GraderFlagPolicy): Promise<Flag[] | null> {
      return settleJob(job, policy, async (tx) => {
        await tx
          .insert(graderResultsTable)
          .values({ ...result, eventSeq: job.eventSeq, source: job.source, grader: job.grader, graderVersion: job.graderVersion })
          .onConflictDoNothing();
        await tx.update(gradingJobsTable).set({ status: 'done', leaseUntil: null, updatedAt: now }).where(eq(gradingJobsTable.id, job.id));
      });
    },

    async retryLater(job: GradingJob, nextAttemptAt: number, error: string, now: number, countAttempt = true): Promise<void> {
      // A wait that was not an attempt gives back the attempt its claim counted (never below zero).
      const attemptGivenBack = sql`case when ${gradingJobsTable.attempts} > 0 then ${gradingJobsTable.attempts} - 1 else 0 end`;
      await db
        .update(gradingJobsTable)
        .set({ status: 'pending', leaseUntil: null, nextAttemptAt, lastError: error, updatedAt: now, ...(countAttempt ? {} : { attempts: attemptGivenBack }) })
        .where(eq(gradingJobsTable.id, job.id));
    },

    /** Gives up on a job (`failed`) or skips it for budget (`skipped`); the event then gets grader_unavailable. */
    async giveUp(job: GradingJob, status: 'failed' | 'skipped', error: string, now: number, policy: GraderFlagPolicy): Promise<Flag[] | null> {
      return settleJob(job, policy, async (tx) => {
        await tx.update(gradingJobsTable).set({ status, leaseUntil: null, lastError: error, updatedAt: now }).where(eq(gradingJobsTable.id, job.id));
      });
    },

    async countPending(): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)` })
        .from(gradingJobsTable)
        .where(inArray(gradingJobsTable.status, ['pending', 'in_flight']));
      return row?.n ?? 0;
    },

    async listResults(eventSeq: number): Promise<GraderResultRow[]> {
      return db.select().from(graderResultsTable).where(eq(graderResultsTable.eventSeq, eventSeq)).orderBy(asc(graderResultsTable.grader));
    },
  };
}

export type GradingRepository = ReturnType<typeof createGradingRepository>;
