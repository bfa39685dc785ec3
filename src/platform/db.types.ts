import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The query builder every repository writes against, on either store. Tables are defined once
 * (drizzle's sqlite-core, `*.table.ts`); PostgreSQL runs the same builders through drizzle's
 * node-postgres driver, which reads the same table objects. So the types are SQLite's, and
 * what differs is left out: no synchronous `.all()`/`.get()`/`.run()` (await the builder
 * instead; the lint forbids them outside `*.sqlite.ts`), and `transaction` is asynchronous.
 */
export type Db = Omit<BetterSQLite3Database, 'transaction' | 'run' | 'all' | 'get' | 'values' | 'batch' | '$client'> & {
  readonly dialect: Dialect;
  /**
   * Runs `work` in one transaction: all of it commits or none. Every query of its async
   * context joins it (through `tx` or the repository's `db`); a nested call is a savepoint.
   * SQLite takes the write lock first (BEGIN IMMEDIATE); PostgreSQL runs READ COMMITTED with
   * the row locks the statements take.
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
};

/** The database or an open transaction: the same type, since queries join the caller's transaction. */
export type DbExecutor = Db;
