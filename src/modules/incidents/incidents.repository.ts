import { and, asc, desc, eq, gte, inArray, isNotNull, like, lt, ne, sql } from 'drizzle-orm';
import { monotonicFactory } from 'ulid';
import { executeStatement, type Db, type DbExecutor } from '../../platform/db.ts';
import { incidentTimelineTable, incidentsTable, type IncidentRow, type IncidentTimelineKind, type IncidentTimelineRow, type NewIncidentRow } from './incidents.table.ts';

// All SQL of incidents. A step that must commit with its audit entry and its outbox messages
// runs in one `transaction`, whose callback gets these helpers bound to the transaction.

/** Any constant every instance agrees on: incident steps take turns on PostgreSQL (see `transaction`). */
const INCIDENTS_LOCK_KEY = 0x76_69_6e_63;

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

    async insertIncident(row: NewIncidentRow): Promise<IncidentRow> {
      const [created] = await tx.insert(incidentsTable).values(row).returning();
      return created!;
    },

    async findIncident(id: string): Promise<IncidentRow | undefined> {
      const [row] = await tx.select().from(incidentsTable).where(eq(incidentsTable.id, id));
      return row;
    },

    async findByRequestKey(key: string): Promise<IncidentRow | undefined> {
      const [row] = await tx.select().from(incidentsTable).where(eq(incidentsTable.requestKey, key));
      return row;
    },

    async updateIncident(id: string, values: Partial<Omit<IncidentRow, 'seq' | 'id'>>): Promise<IncidentRow> {
      const [row] = await tx.update(incidentsTable).set(values).where(eq(incidentsTable.id, id)).returning();
      if (!row) throw new Error(`incident ${id} vanished during an update`);
      return row;
    },

    async appendTimeline(incidentId: string, entry: TimelineEntryInput): Promise<IncidentTimelineRow> {
      const [row] = await tx.insert(incidentTimelineTable).values({ incidentId, ...entry }).returning();
      return row!;
    },

    async listTimeline(incidentId: string): Promise<IncidentTimelineRow[]> {
      return tx.select().from(incidentTimelineTable).where(eq(incidentTimelineTable.incidentId, incidentId)).orderBy(asc(incidentTimelineTable.seq));
    },

    async findLatestTimeline(incidentId: string, kind: IncidentTimelineKind): Promise<IncidentTimelineRow | undefined> {
      const [row] = await tx
        .select()
        .from(incidentTimelineTable)
        .where(and(eq(incidentTimelineTable.incidentId, incidentId), eq(incidentTimelineTable.kind, kind)))
        .orderBy(desc(incidentTimelineTable.seq))
        .limit(1);
      return row;
    },

    /**
     * Channel names other incidents hold or tried, starting with `prefix` (one day's names of one
     * title share it). Names are built from `a-z0-9-` only, so the prefix has no LIKE wildcard.
     */
    async listChannelNamesStartingWith(prefix: string): Promise<Set<string>> {
      const rows = await tx
        .select({ name: incidentsTable.channelName })
        .from(incidentsTable)
        .where(like(incidentsTable.channelName, `${prefix}%`));
      return new Set(rows.map((row) => row.name));
    },

    /** When the rule last opened an incident of the source; null if never. */
    async findLastAutoOpenedAt(source: string, rule: string): Promise<number | null> {
      const [row] = await tx
        .select({ openedAt: incidentsTable.openedAt })
        .from(incidentsTable)
        .where(and(eq(incidentsTable.source, source), eq(incidentsTable.autoRule, rule)))
        .orderBy(desc(incidentsTable.openedAt))
        .limit(1);
      return row?.openedAt ?? null;
    },
  };
}

export type IncidentsTx = ReturnType<typeof bindIncidentHelpers>;

export function createIncidentsRepository({ db }: { db: Db }) {
  const helpers = bindIncidentHelpers(db);
  return {
    /**
     * The read-then-write steps (a transition, a rule's rate limit, a free channel name, a
     * request key) must hold across processes. SQLite's BEGIN IMMEDIATE already makes writers
     * take turns; PostgreSQL's READ COMMITTED would let two transactions read the same state,
     * so they take turns under a transaction-scoped advisory lock. Incidents are rare and
     * their steps short, so one lock for all of them costs nothing that matters.
     */
    async transaction<T>(work: (tx: IncidentsTx) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) => {
        if (tx.dialect === 'postgres') await executeStatement(tx, sql`SELECT pg_advisory_xact_lock(${INCIDENTS_LOCK_KEY})`);
        return work(bindIncidentHelpers(tx));
      });
    },
    findIncident: helpers.findIncident,
    listTimeline: helpers.listTimeline,

    /** Incidents not resolved yet, oldest first (`/vigil status`). */
    async listUnresolved(source?: string): Promise<IncidentRow[]> {
      return db
        .select()
        .from(incidentsTable)
        .where(and(ne(incidentsTable.status, 'resolved'), source === undefined ? undefined : eq(incidentsTable.source, source)))
        .orderBy(asc(incidentsTable.seq));
    },

    /** Incidents opened in [from, to) of some sources, with their clocks (the weekly digest). */
    async listOpenedBetween(sources: readonly string[], from: number, to: number): Promise<IncidentRow[]> {
      if (sources.length === 0) return [];
      return db
        .select()
        .from(incidentsTable)
        .where(and(inArray(incidentsTable.source, [...sources]), gte(incidentsTable.openedAt, from), lt(incidentsTable.openedAt, to)))
        .orderBy(asc(incidentsTable.openedAt), asc(incidentsTable.seq));
    },

    /** Incidents resolved in [from, to), for time-to-resolve figures of a week. */
    async listResolvedBetween(sources: readonly string[], from: number, to: number): Promise<IncidentRow[]> {
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
        .orderBy(asc(incidentsTable.resolvedAt), asc(incidentsTable.seq));
    },
  };
}

export type IncidentsRepository = ReturnType<typeof createIncidentsRepository>;
