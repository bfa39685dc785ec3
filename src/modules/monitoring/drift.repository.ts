import { and, desc, eq, gt, gte, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { selectRows, type Db } from '../../platform/db.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import type { DriftAlertState } from './drift-alerts.models.ts';
import type { DriftAlertSummary } from './drift-card.models.ts';
import { driftAlertsTable } from './monitoring.table.ts';
import { REFUSAL_SCAN_CHARS } from './refusal.models.ts';

// Reads of live traffic per window (probe events are synthetic and never count), and the
// drift alert episodes. Windows are [from, to) on the events' occurred_at.

const OUTPUT_PAGE = 5_000;

export type DriftAlertRow = typeof driftAlertsTable.$inferSelect;

export interface TimeWindow {
  from: number;
  to: number;
}

export function createDriftRepository({ db, outputPageSize = OUTPUT_PAGE }: { db: Db; outputPageSize?: number }) {
  const liveIn = (source: string, window: TimeWindow): SQL =>
    and(
      eq(eventsTable.source, source),
      eq(eventsTable.origin, 'live'),
      gte(eventsTable.occurredAt, window.from),
      lt(eventsTable.occurredAt, window.to),
    ) as SQL;

  return {
    /**
     * Visits every live event's output length and opening (enough for the refusal check), a
     * page at a time in index order, so a large window never holds all its texts at once.
     */
    async forEachOutput(source: string, window: TimeWindow, visit: (length: number, head: string) => void): Promise<void> {
      let cursor: { at: number; seq: number } | null = null;
      for (;;) {
        // The page starts at the cursor's time (a plain range on the index), skipping the
        // rows of that same millisecond already visited.
        const from = cursor ? cursor.at : window.from;
        const after: SQL | undefined = cursor ? or(gt(eventsTable.occurredAt, cursor.at), gt(eventsTable.seq, cursor.seq)) : undefined;
        const rows: { seq: number; occurredAt: number; length: number; head: string }[] = await db
          .select({
            seq: eventsTable.seq,
            occurredAt: eventsTable.occurredAt,
            length: sql<number>`length(${eventsTable.output})`,
            head: sql<string>`substr(${eventsTable.output}, 1, ${REFUSAL_SCAN_CHARS})`,
          })
          .from(eventsTable)
          .where(and(liveIn(source, { from, to: window.to }), after))
          .orderBy(eventsTable.occurredAt, eventsTable.seq)
          .limit(outputPageSize);
        for (const row of rows) visit(row.length, row.head);
        const last = rows[rows.length - 1];
        if (!last || rows.length < outputPageSize) return;
        cursor = { at: last.occurredAt, seq: last.seq };
      }
    },

    /**
     * Events with at least one flag of each detector (Vigil's own detector flags, not the app's).
     * The flags are a JSON array in a text column: each store has its own way to unnest it.
     */
    async countDetectorFlags(source: string, window: TimeWindow): Promise<Record<string, number>> {
      const live = sql`e.source = ${source} AND e.origin = 'live' AND e.occurred_at >= ${window.from} AND e.occurred_at < ${window.to}`;
      const query =
        db.dialect === 'postgres'
          ? sql`
        SELECT f.value ->> 'check' AS detector, count(DISTINCT e.seq) AS n
        FROM ${eventsTable} AS e, json_array_elements(e.flags::json) AS f
        WHERE ${live} AND f.value ->> 'origin' = 'detector'
        GROUP BY f.value ->> 'check'`
          : sql`
        SELECT json_extract(f.value, '$.check') AS detector, count(DISTINCT e.seq) AS n
        FROM ${eventsTable} AS e, json_each(e.flags) AS f
        WHERE ${live} AND json_extract(f.value, '$.origin') = 'detector'
        GROUP BY detector`;
      const rows = await selectRows<{ detector: string | null; n: number }>(db, query);
      return Object.fromEntries(rows.filter((row) => typeof row.detector === 'string').map((row) => [row.detector, row.n]));
    },

    /** Scores of each grader for the window's events; hijacked judgements are untrusted and left out. */
    async listGraderScores(source: string, window: TimeWindow): Promise<Record<string, number[]>> {
      const rows = await db
        .select({ grader: graderResultsTable.grader, score: graderResultsTable.score })
        .from(graderResultsTable)
        .innerJoin(eventsTable, eq(eventsTable.seq, graderResultsTable.eventSeq))
        .where(and(liveIn(source, window), eq(graderResultsTable.hijacked, false)));
      const scores: Record<string, number[]> = {};
      for (const row of rows) (scores[row.grader] ??= []).push(row.score);
      return scores;
    },

    async countVersions(source: string, window: TimeWindow, field: 'modelVersion' | 'promptVersion'): Promise<Record<string, number>> {
      const column = eventsTable[field];
      const rows = await db
        .select({ value: column, n: sql<number>`count(*)` })
        .from(eventsTable)
        .where(and(liveIn(source, window), isNotNull(column)))
        .groupBy(column);
      return Object.fromEntries(rows.map((row) => [row.value as string, row.n]));
    },

    /** The release of the latest live event before `before`, and when that release was first seen. */
    async findCurrentRelease(source: string, before: number): Promise<{ release: string; firstSeenAt: number } | null> {
      const [latest] = await db
        .select({ release: eventsTable.release })
        .from(eventsTable)
        .where(and(eq(eventsTable.source, source), eq(eventsTable.origin, 'live'), isNotNull(eventsTable.release), lt(eventsTable.occurredAt, before)))
        .orderBy(desc(eventsTable.occurredAt), desc(eventsTable.seq))
        .limit(1);
      if (!latest?.release) return null;
      const [first] = await db
        .select({ at: sql<number>`min(${eventsTable.occurredAt})` })
        .from(eventsTable)
        .where(and(eq(eventsTable.source, source), eq(eventsTable.origin, 'live'), eq(eventsTable.release, latest.release)));
      return { release: latest.release, firstSeenAt: first?.at ?? before };
    },

    async findOpenAlert(source: string, metric: string): Promise<DriftAlertRow | undefined> {
      const [row] = await db
        .select()
        .from(driftAlertsTable)
        .where(and(eq(driftAlertsTable.source, source), eq(driftAlertsTable.metric, metric), isNull(driftAlertsTable.resolvedAt)))
        .limit(1);
      return row;
    },

    async findAlert(id: number): Promise<DriftAlertRow | undefined> {
      const [row] = await db.select().from(driftAlertsTable).where(eq(driftAlertsTable.id, id));
      return row;
    },

    /** Drift episodes still open, for `/vigil status` and the digest. */
    async listOpenAlerts(source: string): Promise<DriftAlertRow[]> {
      return db
        .select()
        .from(driftAlertsTable)
        .where(and(eq(driftAlertsTable.source, source), isNull(driftAlertsTable.resolvedAt)))
        .orderBy(driftAlertsTable.openedAt, driftAlertsTable.id);
    },

    async listAlerts(source: string): Promise<DriftAlertRow[]> {
      return db.select().from(driftAlertsTable).where(eq(driftAlertsTable.source, source)).orderBy(driftAlertsTable.id);
    },

    async insertAlert(alert: { source: string; metric: string; slice: string; state: DriftAlertState; summary: DriftAlertSummary; now: number }): Promise<DriftAlertRow> {
      const [row] = await db
        .insert(driftAlertsTable)
        .values({
          source: alert.source,
          metric: alert.metric,
          slice: alert.slice,
          openedAt: alert.state.openedAt,
          lastDriftAt: alert.state.lastDriftAt,
          clearSince: alert.state.clearSince,
          summary: alert.summary,
          updatedAt: alert.now,
        })
        .returning();
      return row!;
    },

    async updateAlert(id: number, change: { state?: DriftAlertState; summary?: DriftAlertSummary; resolvedAt?: number; postedAt?: number }, now: number): Promise<void> {
      await db
        .update(driftAlertsTable)
        .set({
          ...(change.state ? { openedAt: change.state.openedAt, lastDriftAt: change.state.lastDriftAt, clearSince: change.state.clearSince } : {}),
          ...(change.summary ? { summary: change.summary } : {}),
          ...(change.resolvedAt !== undefined ? { resolvedAt: change.resolvedAt } : {}),
          ...(change.postedAt !== undefined ? { postedAt: change.postedAt } : {}),
          updatedAt: now,
        })
        .where(eq(driftAlertsTable.id, id));
    },
  };
}

export type DriftRepository = ReturnType<typeof createDriftRepository>;

export function toDriftAlertState(row: Pick<DriftAlertRow, 'openedAt' | 'lastDriftAt' | 'clearSince'>): DriftAlertState {
  return { openedAt: row.openedAt, lastDriftAt: row.lastDriftAt, clearSince: row.clearSince };
}
