import { sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { Db } from '../../platform/db.ts';
import { eventsTable } from './events.table.ts';
import type { NewEvent } from './ingestion.models.ts';

// The ingest hot path on SQLite: one INSERT prepared once and run per event, synchronously, on
// the one connection, which the batch's transaction holds (db-sqlite.ts). Building a multi-row
// statement per batch instead (the portable path in events.repository.ts) measured 1,800-2,700
// events/s against 2,800-3,500 for this one (60,000 events in batches of 500, a WAL file with
// synchronous=FULL, load average 21-25 on 2 cores). PostgreSQL has no synchronous prepared
// statement, so this file is SQLite's alone.

/** Inserts the events in order inside the caller's transaction; a row's seq, or null for a duplicate. */
export type SqliteEventInsert = (events: readonly NewEvent[]) => (number | null)[];

export function prepareSqliteEventInsert(db: Db): SqliteEventInsert {
  const insertEvent = (db as unknown as BetterSQLite3Database)
    .insert(eventsTable)
    .values({
      id: sql.placeholder('id'),
      source: sql.placeholder('source'),
      input: sql.placeholder('input'),
      output: sql.placeholder('output'),
      model: sql.placeholder('model'),
      modelVersion: sql.placeholder('modelVersion'),
      promptVersion: sql.placeholder('promptVersion'),
      release: sql.placeholder('release'),
      sessionId: sql.placeholder('sessionId'),
      userId: sql.placeholder('userId'),
      occurredAt: sql.placeholder('occurredAt'),
      receivedAt: sql.placeholder('receivedAt'),
      metadata: sql.placeholder('metadata'),
      appFlags: sql.placeholder('appFlags'),
      detections: sql.placeholder('detections'),
      flags: sql.placeholder('flags'),
      checksStatus: sql.placeholder('checksStatus'),
      origin: sql.placeholder('origin'),
    })
    .onConflictDoNothing()
    .returning({ seq: eventsTable.seq })
    .prepare();
  return (events) => events.map((event) => insertEvent.get({ ...event })?.seq ?? null);
}
