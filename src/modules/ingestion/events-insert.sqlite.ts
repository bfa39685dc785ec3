import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../platform/db.ts';
import { getTableName } from 'drizzle-orm';
import { EVENT_ROW_COLUMNS, EVENT_ROW_WIDTH, type RowValue } from './event-rows.models.ts';
import { eventsTable } from './events.table.ts';

// The ingest hot path on SQLite: a multi-row INSERT prepared once per chunk size and bound to
// the flat values the detector workers hand back, run synchronously on the one connection that
// the batch's transaction holds (db-sqlite.ts). PostgreSQL takes the portable path in
// events.repository.ts.

export interface InsertedRow {
  seq: number;
  id: string;
  source: string;
}

function chunkInsertSql(rows: number): string {
  const tuple = `(${EVENT_ROW_COLUMNS.map(() => '?').join(', ')})`;
  return (
    `INSERT INTO "${getTableName(eventsTable)}" (${EVENT_ROW_COLUMNS.map((name) => `"${name}"`).join(', ')}) ` +
    `VALUES ${Array.from({ length: rows }, () => tuple).join(', ')} ON CONFLICT DO NOTHING RETURNING seq, id, source`
  );
}

export function prepareSqliteChunkInsert(db: Db): (values: RowValue[]) => InsertedRow[] {
  const connection = (db as unknown as { $client: Database.Database }).$client;
  const statements = new Map<number, Statement<[RowValue[]], InsertedRow>>();
  return (values) => {
    const rows = values.length / EVENT_ROW_WIDTH;
    let statement = statements.get(rows);
    if (!statement) {
      statement = connection.prepare<[RowValue[]], InsertedRow>(chunkInsertSql(rows));
      statements.set(rows, statement);
    }
    return statement.all(values);
  };
}
