import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { selectRows, type Db } from '../../platform/db.ts';
import { toPgTable } from '../../platform/db-pg-schema.ts';
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

// Rows per SQLite INSERT statement: 100 × 18 columns stays far below SQLite's 32,766 bound
// parameters, and longer statements were not faster (scratch measure: 16 µs per event at 100 or
// 500 rows, 44 µs one row at a time). PostgreSQL takes the whole batch as column arrays.
const ROWS_PER_INSERT = 100;
const GRADING_JOBS_PER_INSERT = 500;

function checkRowColumns() {
  const columns = new Set(Object.values(getTableColumns(eventsTable)).map((column) => column.name));
  const missing = EVENT_ROW_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length > 0) throw new Error(`EVENT_ROW_COLUMNS names no column of the events table: ${missing.join(', ')}`);
}

const insertColumns = sql.raw(EVENT_ROW_COLUMNS.map((name) => `"${name}"`).join(', '));

/** PostgreSQL's type of each row column (from the table's PostgreSQL twin, so the two cannot disagree). */
const pgColumnTypes = (() => {
  const columns = Object.values(getTableColumns(toPgTable(eventsTable)));
  return EVENT_ROW_COLUMNS.map((name) => columns.find((column) => column.name === name)?.getSQLType() ?? 'text');
})();

/**
 * PostgreSQL's insert: one array per column, read back into rows by `unnest`. Eighteen bound
 * parameters whatever the batch size, where a multi-row VALUES list binds one per value and
 * building it cost the main thread more than the insert itself. Duplicates, in the table or
 * earlier in the same batch, are skipped as with VALUES.
 */
function insertRowsPostgres(db: Db, values: RowValue[]): Promise<InsertedRow[]> {
  const columns = EVENT_ROW_COLUMNS.map((): RowValue[] => []);
  for (let i = 0; i < values.length; i++) columns[i % EVENT_ROW_WIDTH]!.push(values[i]!);
  const arrays = sql.join(
    columns.map((column, index) => sql`${sql.param(column)}::${sql.raw(pgColumnTypes[index]!)}[]`),
    sql`, `,
  );
  return selectRows<InsertedRow>(db, sql`INSERT INTO ${eventsTable} (${insertColumns}) SELECT * FROM unnest(${arrays}) ON CONFLICT DO NOTHING RETURNING seq, id, source`);
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
      if (insertSqliteChunk) {
        for (let start = 0; start < rows.values.length; start += ROWS_PER_INSERT * EVENT_ROW_WIDTH) {
          for (const row of insertSqliteChunk(rows.values.slice(start, start + ROWS_PER_INSERT * EVENT_ROW_WIDTH))) inserted.set(`${row.source}\u0000${row.id}`, row.seq);
        }
      } else if (rows.count > 0) {
        for (const row of await insertRowsPostgres(tx, rows.values)) inserted.set(`${row.source}\u0000${row.id}`, row.seq);
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
