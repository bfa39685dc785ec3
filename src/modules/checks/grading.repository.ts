import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../app/db.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { GRADER_UNAVAILABLE, type Flag } from './checks.models.ts';
import { graderResultsTable, gradingJobsTable } from './grading.table.ts';

export type GradingJob = typeof gradingJobsTable.$inferSelect;
export type GraderResultRow = typeof graderResultsTable.$inferSelect;
export type NewGraderResult = Omit<typeof graderResultsTable.$inferInsert, 'id' | 'eventSeq' | 'source' | 'grader' | 'graderVersion'>;

export interface ClaimedJob extends GradingJob {
  input: string | null;
  output: string;
  metadata: Record<string, unknown> | null;
}

/** Decides which grader results become flags; thresholds live with the source's guardrail. */
export type GraderFlagPolicy = (source: string, grader: string) => { threshold: number };

export function createGradingRepository({ db }: { db: Db }) {
  /**
   * Once no job of an event is pending or in flight, its grader results become
   * flags (score ≥ threshold; a hijacked judge; grader_unavailable for a failed or
   * skipped grading) and its checks are complete. Returns whether it completed now.
   */
  function completeEventIfGraded(tx: Db, eventSeq: number, policy: GraderFlagPolicy): boolean {
    const jobs = tx.select().from(gradingJobsTable).where(eq(gradingJobsTable.eventSeq, eventSeq)).all();
    if (jobs.some((job) => job.status === 'pending' || job.status === 'in_flight')) return false;
    const results = tx.select().from(graderResultsTable).where(eq(graderResultsTable.eventSeq, eventSeq)).all();
    const flags: Flag[] = [];
    for (const result of results) {
      if (result.hijacked) {
        flags.push({ check: result.grader, origin: 'grader', kind: 'judge_hijacked', severity: 'critical', reason: 'the grader did not echo its nonce: the content may have taken over the judge' });
      } else if (result.score >= policy(result.source, result.grader).threshold) {
        flags.push({ check: result.grader, origin: 'grader', kind: result.label, severity: 'warn', score: result.score, reason: result.reason });
      }
    }
    const unavailable = jobs.filter((job) => job.status === 'failed' || job.status === 'skipped');
    if (unavailable.length > 0) {
      flags.push({
        check: GRADER_UNAVAILABLE,
        origin: 'system',
        severity: 'warn',
        reason: unavailable.map((job) => `${job.grader}: ${job.lastError ?? job.status}`).join('; ').slice(0, 500),
      });
    }
    const event = tx.select({ flags: eventsTable.flags }).from(eventsTable).where(eq(eventsTable.seq, eventSeq)).get();
    tx.update(eventsTable)
      .set({ flags: [...(event?.flags ?? []), ...flags], checksStatus: 'complete' })
      .where(and(eq(eventsTable.seq, eventSeq), eq(eventsTable.checksStatus, 'grading')))
      .run();
    return true;
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
            .select({ job: gradingJobsTable, input: eventsTable.input, output: eventsTable.output, metadata: eventsTable.metadata })
            .from(gradingJobsTable)
            .innerJoin(eventsTable, eq(eventsTable.seq, gradingJobsTable.eventSeq))
            .where(inArray(gradingJobsTable.id, ids))
            .all()
            .map((row) => ({ ...row.job, input: row.input, output: row.output, metadata: row.metadata }));
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

    /** Stores the result and closes the job; returns whether the event's checks are now complete. */
    async complete(job: GradingJob, result: NewGraderResult, now: number, policy: GraderFlagPolicy): Promise<boolean> {
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
    async giveUp(job: GradingJob, status: 'failed' | 'skipped', error: string, now: number, policy: GraderFlagPolicy): Promise<boolean> {
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
