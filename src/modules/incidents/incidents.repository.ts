import { and, asc, desc, eq, gte, inArray, isNotNull, like, lt, ne } from 'drizzle-orm';
import { monotonicFactory } from 'ulid';
import type { Db, DbExecutor } from '../../platform/db.ts';
import { incidentTimelineTable, incidentsTable, type IncidentRow, type IncidentTimelineKind, type IncidentTimelineRow, type NewIncidentRow } from './incidents.table.ts';

// All SQL of incidents. A step that must commit with its audit entry and its outbox messages
// runs in one `transaction`, whose callback gets these helpers bound to the transaction.

const nextUlid = monotonicFactory();
/** `inc_` + a ULID: 30 characters, sortable by opening time, short enough for a button value. */
export const generateIncidentId = (now: number) => `inc_${nextUlid(now)}`;

export interface TimelineEntryInput {
  at: number;
  actor: string;
  kind: IncidentTimelineKind;
  text: string;
}

function bindIncidentHelpers(tx: DbExecutor) {
  return {
    executor: tx,

    insertIncident(row: NewIncidentRow): IncidentRow {
      return tx.insert(incidentsTable).values(row).returning().get();
    },

    findIncident(id: string): IncidentRow | undefined {
      return tx.select().from(incidentsTable).where(eq(incidentsTable.id, id)).get();
    },

    findByRequestKey(key: string): IncidentRow | undefined {
      return tx.select().from(incidentsTable).where(eq(incidentsTable.requestKey, key)).get();
    },

    updateIncident(id: string, values: Partial<Omit<IncidentRow, 'seq' | 'id'>>): IncidentRow {
      const row = tx.update(incidentsTable).set(values).where(eq(incidentsTable.id, id)).returning().get();
      if (!row) throw new Error(`incident ${id} vanished during an update`);
      return row;
    },

    appendTimeline(incidentId: string, entry: TimelineEntryInput): IncidentTimelineRow {
      return tx.insert(incidentTimelineTable).values({ incidentId, ...entry }).returning().get();
    },

    listTimeline(incidentId: string): IncidentTimelineRow[] {
      return tx.select().from(incidentTimelineTable).where(eq(incidentTimelineTable.incidentId, incidentId)).orderBy(asc(incidentTimelineTable.seq)).all();
    },

    findLatestTimeline(incidentId: string, kind: IncidentTimelineKind): IncidentTimelineRow | undefined {
      return tx
        .select()
        .from(incidentTimelineTable)
        .where(and(eq(incidentTimelineTable.incidentId, incidentId), eq(incidentTimelineTable.kind, kind)))
        .orderBy(desc(incidentTimelineTable.seq))
        .limit(1)
        .get();
    },

    /**
     * Channel names other incidents hold or tried, starting with `prefix` (one day's names of one
     * title share it). Names are built from `a-z0-9-` only, so the prefix has no LIKE wildcard.
     */
    listChannelNamesStartingWith(prefix: string): Set<string> {
      const rows = tx
        .select({ name: incidentsTable.channelName })
        .from(incidentsTable)
        .where(like(incidentsTable.channelName, `${prefix}%`))
        .all();
      return new Set(rows.map((row) => row.name));
    },

    /** When the rule last opened an incident of the source; null if never. */
    findLastAutoOpenedAt(source: string, rule: string): number | null {
      const row = tx
        .select({ openedAt: incidentsTable.openedAt })
        .from(incidentsTable)
        .where(and(eq(incidentsTable.source, source), eq(incidentsTable.autoRule, rule)))
        .orderBy(desc(incidentsTable.openedAt))
        .limit(1)
        .get();
      return row?.openedAt ?? null;
    },
  };
}

export type IncidentsTx = ReturnType<typeof bindIncidentHelpers>;

export function createIncidentsRepository({ db }: { db: Db }) {
  const helpers = bindIncidentHelpers(db);
  return {
    /** BEGIN IMMEDIATE: the read-then-write steps (a transition, a rule's rate limit) hold across processes. */
    transaction<T>(work: (tx: IncidentsTx) => T): T {
      return db.transaction((tx) => work(bindIncidentHelpers(tx)), { behavior: 'immediate' });
    },
    findIncident: helpers.findIncident,
    listTimeline: helpers.listTimeline,

    /** Incidents not resolved yet, oldest first (`/vigil status`). */
    listUnresolved(source?: string): IncidentRow[] {
      return db
        .select()
        .from(incidentsTable)
        .where(and(ne(incidentsTable.status, 'resolved'), source === undefined ? undefined : eq(incidentsTable.source, source)))
        .orderBy(asc(incidentsTable.seq))
        .all();
    },

    /** Incidents opened in [from, to) of some sources, with their clocks (the weekly digest). */
    listOpenedBetween(sources: readonly string[], from: number, to: number): IncidentRow[] {
      if (sources.length === 0) return [];
      return db
        .select()
        .from(incidentsTable)
        .where(and(inArray(incidentsTable.source, [...sources]), gte(incidentsTable.openedAt, from), lt(incidentsTable.openedAt, to)))
        .orderBy(asc(incidentsTable.openedAt))
        .all();
    },

    /** Incidents resolved in [from, to), for time-to-resolve figures of a week. */
    listResolvedBetween(sources: readonly string[], from: number, to: number): IncidentRow[] {
      if (sources.length === 0) return [];
      return db
        .select()
        .from(incidentsTable)
        .where(
          and(
            inArray(incidentsTable.source, [...sources]),
            isNotNull(incidentsTable.resolvedAt),
            gte(incidentsTable.resolvedAt, from),
            lt(incidentsTable.resolvedAt, to),
          ),
        )
        .orderBy(asc(incidentsTable.resolvedAt))
        .all();
    },
  };
}

export type IncidentsRepository = ReturnType<typeof createIncidentsRepository>;
