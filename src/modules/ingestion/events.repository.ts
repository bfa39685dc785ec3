import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { eventsTable } from './events.table.ts';
import { gradingJobsTable } from '../checks/grading.table.ts';
import { prepareSqliteEventInsert } from './events-insert.sqlite.ts';
import type { NewEvent, StoredEventWithSeq } from './ingestion.models.ts';

const eventColumns = {
  seq: eventsTable.seq,
  id: eventsTable.id,
  source: eventsTable.source,
  input: eventsTable.input,
  output: eventsTable.output,
  model: eventsTable.model,
  modelVersion: eventsTable.modelVersion,
  promptVersion: eventsTable.promptVersion,
  release: eventsTable.release,
  sessionId: eventsTable.sessionId,
  userId: eventsTable.userId,
  occurredAt: eventsTable.occurredAt,
  receivedAt: eventsTable.receivedAt,
  metadata: eventsTable.metadata,
  appFlags: eventsTable.appFlags,
  detections: eventsTable.detections,
  flags: eventsTable.flags,
  checksStatus: eventsTable.checksStatus,
  origin: eventsTable.origin,
  erasedAt: eventsTable.erasedAt,
};

/** A grading job to create with the event, in the same transaction. */
export interface PlannedGrading {
  grader: string;
  graderVersion: string;
}

/** Rows per multi-row INSERT: 18 columns each stays far below PostgreSQL's 65,535 bind parameters. */
const ROWS_PER_INSERT = 500;

const eventKey = (event: { source: string; id: string }) => `${event.source}\u0000${event.id}`;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * The portable batch insert (PostgreSQL's): multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`,
 * whose returned rows are matched back to the batch by (source, id). A repeat inside the batch is
 * left out before inserting, so the first occurrence is the one stored, as on SQLite.
 */
async function insertEventRows(db: Db, events: readonly NewEvent[]): Promise<(number | null)[]> {
  const firstIndex = new Map<string, number>();
  events.forEach((event, index) => {
    if (!firstIndex.has(eventKey(event))) firstIndex.set(eventKey(event), index);
  });
  const seqByKey = new Map<string, number>();
  for (const rows of chunk([...firstIndex.values()].map((index) => events[index]!), ROWS_PER_INSERT)) {
    const inserted = await db
      .insert(eventsTable)
      .values(rows)
      .onConflictDoNothing()
      .returning({ seq: eventsTable.seq, source: eventsTable.source, id: eventsTable.id });
    for (const row of inserted) seqByKey.set(eventKey(row), row.seq);
  }
  return events.map((event, index) => (firstIndex.get(eventKey(event)) === index ? (seqByKey.get(eventKey(event)) ?? null) : null));
}

export function createEventsRepository({ db }: { db: Db }) {
  // SQLite keeps its prepared statement: the batch insert is the ingest hot path.
  const insertSqlite = db.dialect === 'sqlite' ? prepareSqliteEventInsert(db) : null;

  return {
    /**
     * Inserts a batch and its grading jobs in one transaction; an id already stored
     * for its source (or earlier in the same batch) is skipped. Returns, per event,
     * its row number when it was new and null when it was a duplicate.
     */
    async insertBatch(events: NewEvent[], gradings: PlannedGrading[][] = [], now = Date.now()): Promise<(number | null)[]> {
      return db.transaction(async (tx) => {
        const seqs = insertSqlite ? insertSqlite(events) : await insertEventRows(tx, events);
        const jobs = seqs.flatMap((seq, index) =>
          seq === null
            ? []
            : (gradings[index] ?? []).map((job) => ({ eventSeq: seq, source: events[index]!.source, ...job, nextAttemptAt: now, createdAt: now, updatedAt: now })),
        );
        for (const rows of chunk(jobs, ROWS_PER_INSERT)) await tx.insert(gradingJobsTable).values(rows);
        return seqs;
      });
    },

    async findById(id: string, sources: string[] | 'all', source?: string): Promise<StoredEventWithSeq[]> {
      const conditions = [eq(eventsTable.id, id)];
      if (source !== undefined) conditions.push(eq(eventsTable.source, source));
      if (sources !== 'all') conditions.push(inArray(eventsTable.source, sources));
      return db.select(eventColumns).from(eventsTable).where(and(...conditions)).orderBy(asc(eventsTable.seq)).limit(10);
    },

    async count(source?: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)` })
        .from(eventsTable)
        .where(source === undefined ? undefined : eq(eventsTable.source, source));
      return row?.n ?? 0;
    },
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;
