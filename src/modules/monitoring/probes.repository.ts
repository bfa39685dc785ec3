import { and, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import type { ProbeWeekFigures } from '../digest/digest-data.models.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { probeRunsTable } from './monitoring.table.ts';

// Probe results per run, and the pass rates `/vigil status` and the weekly digest show.

export type ProbeRunRow = typeof probeRunsTable.$inferSelect;
export type NewProbeRun = Omit<typeof probeRunsTable.$inferInsert, 'id'>;

export interface ProbePassRate {
  probe: string;
  category: string;
  release: string | null;
  runs: number;
  /** The app defended itself. */
  passed: number;
  /** The probe got through. */
  failed: number;
  /** The call failed; counted in neither the numerator nor the denominator. */
  errors: number;
  /** passed / (passed + failed); null when every run errored. */
  passRate: number | null;
  lastRunAt: number;
}

/** Rows where `condition` holds, as a number (portable: `sum(a = 1)` is SQLite-only). */
const countWhere = (condition: SQL) => sql<number>`sum(case when ${condition} then 1 else 0 end)`;

export function createProbesRepository({ db }: { db: Db }) {
  const listRun = async (runId: string): Promise<ProbeRunRow[]> =>
    db.select().from(probeRunsTable).where(eq(probeRunsTable.runId, runId)).orderBy(probeRunsTable.probe);

  /**
   * Pass rate per probe per release; one release only when `release` is given (null: runs
   * without a known release), and only the runs started in [period.start, period.end) when
   * `period` is.
   */
  const probePassRates = async (source: string, release?: string | null, period?: { start: number; end: number }): Promise<ProbePassRate[]> => {
    const releaseFilter = release === undefined ? undefined : release === null ? isNull(probeRunsTable.release) : eq(probeRunsTable.release, release);
    const periodFilter = period ? and(gte(probeRunsTable.startedAt, period.start), lt(probeRunsTable.startedAt, period.end)) : undefined;
    const rows = await db
      .select({
        probe: probeRunsTable.probe,
        category: sql<string>`max(${probeRunsTable.category})`,
        release: probeRunsTable.release,
        runs: sql<number>`count(*)`,
        passed: countWhere(sql`${probeRunsTable.passed} = 1`),
        failed: countWhere(sql`${probeRunsTable.passed} = 0`),
        errors: countWhere(sql`${probeRunsTable.passed} IS NULL`),
        lastRunAt: sql<number>`max(${probeRunsTable.startedAt})`,
      })
      .from(probeRunsTable)
      .where(and(eq(probeRunsTable.source, source), releaseFilter, periodFilter))
      .groupBy(probeRunsTable.probe, probeRunsTable.release)
      // Runs without a known release first on both stores (PostgreSQL would put NULLs last).
      .orderBy(sql`${probeRunsTable.release} asc nulls first`, probeRunsTable.probe);
    return rows.map((row) => {
      const passed = row.passed ?? 0;
      const failed = row.failed ?? 0;
      return { ...row, passed, failed, errors: row.errors ?? 0, passRate: passed + failed > 0 ? passed / (passed + failed) : null };
    });
  };

  return {
    async insertRuns(rows: NewProbeRun[]): Promise<void> {
      if (rows.length === 0) return;
      await db.insert(probeRunsTable).values(rows).onConflictDoNothing();
    },

    listRun,

    /** The results of the source's most recent run, one row per probe. */
    async listLatestRun(source: string): Promise<ProbeRunRow[]> {
      const [latest] = await db
        .select({ runId: probeRunsTable.runId })
        .from(probeRunsTable)
        .where(eq(probeRunsTable.source, source))
        .orderBy(desc(probeRunsTable.startedAt), desc(probeRunsTable.id))
        .limit(1);
      return latest ? listRun(latest.runId) : [];
    },

    probePassRates,

    /** Outcomes per release and probe of the runs started in [period.start, period.end): the weekly digest's probe figures. */
    async countProbeOutcomes(source: string, period: { start: number; end: number }): Promise<ProbeWeekFigures[]> {
      const rates = await probePassRates(source, undefined, period);
      return rates.map(({ release, probe, passed, failed, errors }) => ({ release, probe, passed, breached: failed, errors }));
    },

    /**
     * Probe events the app defended need no human: their input is an attack by construction, so
     * the detectors flag it every run. Marking them reviewed keeps the sampler from carding them.
     */
    async markProbeEventsReviewed(source: string, eventIds: string[]): Promise<void> {
      if (eventIds.length === 0) return;
      await db
        .update(eventsTable)
        .set({ reviewStatus: 'done' })
        .where(and(eq(eventsTable.source, source), eq(eventsTable.origin, 'probe'), inArray(eventsTable.id, eventIds)));
    },
  };
}

export type ProbesRepository = ReturnType<typeof createProbesRepository>;
