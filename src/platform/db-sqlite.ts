import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Mutex } from 'async-mutex';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { ConfigError } from './config.ts';
import { createTransactionContext } from './db-transactions.ts';
import type { Db } from './db.types.ts';

// SQLite is the embedded default: WAL so readers never block the writer, a busy timeout so a
// second process waits for the write lock instead of failing, and foreign keys on (SQLite
// leaves them off unless asked).
//
// One connection serves the whole process, so an open transaction is the connection's: a write
// from another request would land inside it (and be rolled back with it). Transactions and
// writes outside them therefore take turns through one async lock; reads never wait.

export interface SqliteDatabase {
  dialect: 'sqlite';
  db: Db;
  sqlite: Database.Database;
  path: string;
  close(): Promise<void>;
}

/** A database that cannot be opened is a configuration problem: it names DATABASE_URL and stops the start (exit 78). */
export const databaseUrlError = (problem: string) => new ConfigError(`Invalid environment: DATABASE_URL: ${problem}`);

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

export function sqlitePathOf(url: string): string {
  return url.replace(/^(sqlite|file):(\/\/)?/, '');
}

export function openSqlite(options: { url: string; synchronous?: 'full' | 'normal' }): SqliteDatabase {
  const path = sqlitePathOf(options.url);
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
  const connection = sqlite;
  return { dialect: 'sqlite', db: createSqliteDb(drizzle({ client: connection }), connection, path), sqlite: connection, path, close: async () => void connection.close() };
}

const WRITE_BUILDERS = new Set<PropertyKey>(['insert', 'update', 'delete']);

/** Wraps a query builder so that awaiting it runs the statement under `lock` (and every builder it returns, too). */
function gateBuilder<T extends object>(builder: T, lock: Mutex): T {
  return new Proxy(builder, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'then') {
        return (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) =>
          lock.runExclusive(() => new Promise((res, rej) => (value as PromiseLike<unknown>['then']).call(target, res, rej))).then(onFulfilled, onRejected);
      }
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function' ? gateBuilder(result, lock) : result;
      };
    },
  });
}

/**
 * One lock per database file in this process: two connections to one file in one process (a
 * second app in a test, a CLI helper) would otherwise block the thread in BEGIN IMMEDIATE
 * while the other's transaction waits for its turn on that same thread.
 */
const locksByFile = new Map<string, Mutex>();
const lockFor = (path: string) => {
  if (path === ':memory:') return new Mutex();
  const file = resolve(path);
  let lock = locksByFile.get(file);
  if (!lock) locksByFile.set(file, (lock = new Mutex()));
  return lock;
};

function createSqliteDb(raw: BetterSQLite3Database, connection: Database.Database, path: string): Db {
  const lock = lockFor(path);
  const context = createTransactionContext<BetterSQLite3Database>();
  let savepoints = 0;

  async function transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const scope = context.current();
    if (scope) {
      const name = `vigil_sp_${++savepoints}`;
      connection.exec(`SAVEPOINT ${name}`);
      try {
        const result = await context.run({ handle: raw, depth: scope.depth + 1 }, () => work(db));
        connection.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        connection.exec(`ROLLBACK TO ${name}`);
        connection.exec(`RELEASE ${name}`);
        throw error;
      }
    }
    return lock.runExclusive(() =>
      context.run({ handle: raw, depth: 1 }, async () => {
        // IMMEDIATE takes the write lock before the first read, so two processes never act on the same stale read.
        connection.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(db);
          connection.exec('COMMIT');
          return result;
        } catch (error) {
          if (connection.inTransaction) connection.exec('ROLLBACK');
          throw error;
        }
      }),
    );
  }

  const db: Db = new Proxy(raw as unknown as Db, {
    get(target, property) {
      if (property === 'dialect') return 'sqlite';
      if (property === 'transaction') return transaction;
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (WRITE_BUILDERS.has(property) && !context.current()) {
        return (...args: unknown[]) => gateBuilder((value as (...a: unknown[]) => object).apply(target, args), lock);
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return db;
}
