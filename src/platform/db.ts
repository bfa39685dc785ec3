import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { ConfigError } from './config.ts';

// SQLite is the embedded default: WAL so readers never block the writer, a busy
// timeout so a second process waits for the write lock instead of failing, and
// foreign keys on (SQLite leaves them off unless asked).

/** With the driver's connection, for the few hot-path statements that bind arrays of values as they are. */
export type Db = BetterSQLite3Database & { $client: Database.Database };
/** The database or an open transaction: what repository helpers that join a caller's transaction accept. */
export type DbExecutor = BaseSQLiteDatabase<'sync', Database.RunResult>;

export interface VigilDatabase {
  db: Db;
  sqlite: Database.Database;
  path: string;
  close(): void;
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');
const MIGRATIONS_TABLE = '__drizzle_migrations';

/** A database that cannot be opened is a configuration problem: it names DATABASE_URL and stops the start (exit 78). */
const databaseUrlError = (problem: string) => new ConfigError(`Invalid environment: DATABASE_URL: ${problem}`);

/**
 * Creates the missing directories above the database file, one by one. `mkdirSync(…, { recursive })`
 * says "EEXIST" when a parent is a file, and loops forever under /proc (Node 20).
 */
function createParentDirectories(file: string): void {
  const missing: string[] = [];
  let dir = dirname(file);
  while (!existsSync(dir) && dirname(dir) !== dir) {
    missing.unshift(dir);
    dir = dirname(dir);
  }
  if (!statSync(dir).isDirectory()) throw databaseUrlError(`${dir} is a file, not a directory (database ${file})`);
  for (const directory of missing) {
    try {
      mkdirSync(directory);
    } catch (error) {
      throw databaseUrlError(`cannot create the directory ${directory} (${(error as NodeJS.ErrnoException).code ?? String(error)}) for the database ${file}`);
    }
  }
}

export function openDatabase(options: { url: string; synchronous?: 'full' | 'normal' }): VigilDatabase {
  const path = options.url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (path !== ':memory:') createParentDirectories(resolve(path));
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    // FULL syncs the WAL on every commit, so an event acknowledged with 202 survives a power cut.
    sqlite.pragma(`synchronous = ${(options.synchronous ?? 'full').toUpperCase()}`);
  } catch (error) {
    sqlite?.close();
    const isDirectory = existsSync(path) && statSync(path).isDirectory();
    throw databaseUrlError(`cannot open ${path} as a SQLite database: ${isDirectory ? 'it is a directory' : (error as Error).message}`);
  }
  return { db: drizzle({ client: sqlite }), sqlite, path, close: () => sqlite.close() };
}

/**
 * Applies drizzle-kit's migrations. drizzle's own migrator reads the last applied
 * migration before it takes the write lock, so two processes starting together can
 * both apply the same one; here the read happens inside BEGIN IMMEDIATE.
 */
export function runMigrations(sqlite: Database.Database, folder = MIGRATIONS_FOLDER): { applied: number } {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  sqlite.exec(`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const apply = sqlite.transaction(() => {
    const last = sqlite.prepare(`SELECT max(created_at) AS at FROM "${MIGRATIONS_TABLE}"`).get() as { at: number | null };
    const pending = migrations.filter((m) => last.at === null || Number(last.at) < m.folderMillis);
    const record = sqlite.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES (?, ?)`);
    for (const migration of pending) {
      for (const statement of migration.sql) if (statement.trim()) sqlite.exec(statement);
      record.run(migration.hash, migration.folderMillis);
    }
    return pending.length;
  });
  return { applied: apply.immediate() };
}

export interface MigrationStatus {
  applied: number;
  pending: number;
}

export function readMigrationStatus(sqlite: Database.Database, folder = MIGRATIONS_FOLDER): MigrationStatus {
  const known = readMigrationFiles({ migrationsFolder: folder });
  const row = sqlite
    .prepare(`SELECT count(*) AS n, max(created_at) AS at FROM "${MIGRATIONS_TABLE}"`)
    .get() as { n: number; at: number | null };
  const pending = known.filter((m) => row.at === null || Number(row.at) < m.folderMillis).length;
  return { applied: row.n, pending };
}

/** Size of the database file plus its write-ahead log, for /metrics. */
export function readDatabaseSizeBytes(path: string): number {
  if (path === ':memory:') return 0;
  const sizeOf = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  return sizeOf(path) + sizeOf(`${path}-wal`);
}
