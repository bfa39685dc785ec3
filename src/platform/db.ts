import { statSync } from 'node:fs';
import type { SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { openSqlite, sqlitePathOf, type SqliteDatabase } from './db-sqlite.ts';
import { openPostgres, type PostgresDatabase } from './db-postgres.ts';
import type { Db } from './db.types.ts';
import { DEFAULT_POOL_SIZE, type Env } from './config.ts';

// The store: SQLite (one file, the zero-set-up default) or PostgreSQL (several instances), chosen
// by DATABASE_URL. Everything above this file sees one `Db` (db.types.ts).

export type { Db, DbExecutor, Dialect } from './db.types.ts';
export type { SqliteDatabase } from './db-sqlite.ts';
export type { PostgresDatabase } from './db-postgres.ts';
export { MIGRATIONS_FOLDERS, runMigrations, readMigrationStatus, type MigrationStatus } from './db-migrations.ts';

export type VigilDatabase = SqliteDatabase | PostgresDatabase;

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

export interface OpenDatabaseOptions {
  url: string;
  /** SQLite: FULL syncs the WAL on every commit (the default). */
  synchronous?: 'full' | 'normal';
  /** PostgreSQL: connections in the pool. */
  poolSize?: number;
  /** PostgreSQL: server-side limit per statement. */
  statementTimeoutMs?: number;
  onPoolError?: (error: Error) => void;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export function databaseOptionsFrom(env: Pick<Env, 'DATABASE_URL' | 'DATABASE_SYNCHRONOUS' | 'DATABASE_POOL_SIZE' | 'DATABASE_STATEMENT_TIMEOUT_MS'>): OpenDatabaseOptions {
  return { url: env.DATABASE_URL, synchronous: env.DATABASE_SYNCHRONOUS, poolSize: env.DATABASE_POOL_SIZE, statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS };
}

export function openDatabase(options: OpenDatabaseOptions): VigilDatabase {
  if (!isPostgresUrl(options.url)) return openSqlite(options);
  return openPostgres(
    { url: options.url, poolSize: options.poolSize ?? DEFAULT_POOL_SIZE, statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS },
    options.onPoolError,
  );
}

/** Where the data is, for logs: the SQLite file or the PostgreSQL URL without its password. */
export function describeDatabase(database: VigilDatabase): string {
  return database.dialect === 'sqlite' ? database.path : database.displayUrl;
}

/** Rows of a raw SQL query (a view or a function drizzle has no builder for), on either store. */
export async function selectRows<T>(db: Db, query: SQL): Promise<T[]> {
  if (db.dialect === 'sqlite') return (db as unknown as BetterSQLite3Database).all<T>(query);
  return (await (db as unknown as NodePgDatabase).execute(query)).rows as T[];
}

/** Runs a raw SQL statement on either store and returns the rows it changed. */
export async function executeStatement(db: Db, query: SQL): Promise<number> {
  // Through a transaction on SQLite, so the write waits its turn like any other (db-sqlite.ts).
  if (db.dialect === 'sqlite') return db.transaction(async (tx) => (tx as unknown as BetterSQLite3Database).run(query).changes);
  return (await (db as unknown as NodePgDatabase).execute(query)).rowCount ?? 0;
}

/** Rows changed by an awaited insert, update or delete without `returning` (SQLite's `changes`, pg's `rowCount`). */
export function affectedRows(result: unknown): number {
  const { changes, rowCount } = result as { changes?: number; rowCount?: number | null };
  return changes ?? rowCount ?? 0;
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

export { sqlitePathOf };
