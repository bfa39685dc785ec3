import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { selectRows, type Db } from '../../platform/db.ts';
import { EVENT_ROW_COLUMNS, EVENT_ROW_WIDTH, readRowString, ROW, toEventRowBatch, type EventRowBatch, type RowValue } from './event-rows.models.ts';
import { prepareSqliteChunkInsert, type InsertedRow } from './events-insert.sqlite.ts';
import { eventsTable } from './events.table.ts';
import { gradingJobsTable } from '../checks/grading.table.ts';
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

// Rows per INSERT statement: 100 × 18 columns stays far below SQLite's 32,766 and PostgreSQL's
// 65,535 bound parameters, and longer statements were not faster (scratch measure on SQLite:
// 16 µs per event at 100 or 500 rows, 44 µs one row at a time).
const ROWS_PER_INSERT = 100;
const GRADING_JOBS_PER_INSERT = 500;

function checkRowColumns() {
  const columns = new Set(Object.values(getTableColumns(eventsTable)).map((column) => column.name));
  const missing = EVENT_ROW_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length > 0) throw new Error(`EVENT_ROW_COLUMNS names no column of the events table: ${missing.join(', ')}`);
}

const insertColumns = sql.raw(EVENT_ROW_COLUMNS.map((name) => `"${name}"`).join(', '));

/** The portable chunk insert (PostgreSQL's): the same multi-row statement, values bound as parameters. */
function insertChunk(db: Db, values: RowValue[]): Promise<InsertedRow[]> {
  const tuples = [];
  for (let start = 0; start < values.length; start += EVENT_ROW_WIDTH) {
    tuples.push(sql`(${sql.join(values.slice(start, start + EVENT_ROW_WIDTH).map((value) => sql`${value}`), sql`, `)})`);
  }
  return selectRows<InsertedRow>(db, sql`INSERT INTO ${eventsTable} (${insertColumns}) VALUES ${sql.join(tuples, sql`, `)} ON CONFLICT DO NOTHING RETURNING seq, id, source`);
}

export function createEventsRepository({ db }: { db: Db }) {
  checkRowColumns();
  const insertSqliteChunk = db.dialect === 'sqlite' ? prepareSqliteChunkInsert(db) : null;

  /**
   * Inserts a batch of rows and its grading jobs in one transaction; an id already stored for
   * its source (or earlier in the same batch) is skipped. Returns, per event, its row number
   * when it was new and null when it was a duplicate.
   */
  function insertRows(rows: EventRowBatch, gradings: PlannedGrading[][], now: number): Promise<(number | null)[]> {
    return db.transaction(async (tx) => {
      const inserted = new Map<string, number>();
      for (let start = 0; start < rows.values.length; start += ROWS_PER_INSERT * EVENT_ROW_WIDTH) {
        const values = rows.values.slice(start, start + ROWS_PER_INSERT * EVENT_ROW_WIDTH);
        const stored = insertSqliteChunk ? insertSqliteChunk(values) : await insertChunk(tx, values);
        for (const row of stored) inserted.set(`${row.source}\u0000${row.id}`, row.seq);
      }
      const seqs: (number | null)[] = [];
      const jobs: (typeof gradingJobsTable.$inferInsert)[] = [];
      for (let index = 0; index < rows.count; index++) {
        const source = readRowString(rows, index, ROW.source);
        const key = `${source}\u0000${readRowString(rows, index, ROW.id)}`;
        const seq = inserted.get(key);
        // A repeat later in the same batch is a duplicate of the first occurrence.
        inserted.delete(key);
        seqs.push(seq ?? null);
        if (seq !== undefined) for (const job of gradings[index] ?? []) jobs.push({ eventSeq: seq, source, ...job, nextAttemptAt: now, createdAt: now, updatedAt: now });
      }
      for (let start = 0; start < jobs.length; start += GRADING_JOBS_PER_INSERT) await tx.insert(gradingJobsTable).values(jobs.slice(start, start + GRADING_JOBS_PER_INSERT));
      return seqs;
    });
  }

  return {
    async insertRows(rows: EventRowBatch, gradings: PlannedGrading[][] = [], now = Date.now()): Promise<(number | null)[]> {
      return insertRows(rows, gradings, now);
    },

    /** insertRows for whole events (seeds, tests, imports). */
    async insertBatch(events: NewEvent[], gradings: PlannedGrading[][] = [], now = Date.now()): Promise<(number | null)[]> {
      return insertRows(toEventRowBatch(events), gradings, now);
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
