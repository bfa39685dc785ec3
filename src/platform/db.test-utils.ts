import { openDatabase, runMigrations, type VigilDatabase } from './db.ts';

// Repository and usecase tests run on a real SQLite engine, in memory, with the
// committed migrations applied: the same schema production uses, no network, no file.

export type TestDb = Pick<VigilDatabase, 'db' | 'sqlite' | 'close'>;

/**
 * Opens a migrated in-memory database. `seed` inserts the typed rows a test starts
 * from (`db.insert(sourcesTable).values(…).run()`); it is synchronous, as better-sqlite3 is.
 */
export function createTestDb(seed?: (database: TestDb) => void): TestDb {
  const { db, sqlite, close } = openDatabase({ url: ':memory:' });
  runMigrations(sqlite);
  const database = { db, sqlite, close };
  seed?.(database);
  return database;
}
