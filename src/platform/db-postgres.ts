import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { createTransactionContext } from './db-transactions.ts';
import { readErrorCodes } from './errors.ts';
import type { Db } from './db.types.ts';

// PostgreSQL for several Vigil instances on one database, through drizzle's node-postgres
// driver and a `pg` pool: the driver drizzle documents first, pooled connections that each
// carry their own transaction, and LISTEN/NOTIFY on a dedicated client. Repositories run the
// same builders as on SQLite (see db.types.ts).

export interface PostgresOptions {
  url: string;
  /** Connections in the pool; each open transaction holds one. */
  poolSize: number;
  /** Server-side limit per statement, so a runaway query cannot hold locks for ever. */
  statementTimeoutMs: number;
}

export interface PostgresDatabase {
  dialect: 'postgres';
  db: Db;
  pool: pg.Pool;
  /** The URL without its password, for logs and /healthz. */
  displayUrl: string;
  close(): Promise<void>;
}

// Epoch milliseconds are bigint columns and counts are bigint results; both fit a JS number
// (2^53 ms is 285,000 years), and the repositories expect numbers as SQLite gives them.
// Set on pg's shared type table because drizzle's node-postgres driver passes its own per-query
// parsers that fall back to it (a pool-level `types` option would be bypassed).
const INT8_OID = 20;
const NUMERIC_OID = 1700;
pg.types.setTypeParser(INT8_OID, Number);
pg.types.setTypeParser(NUMERIC_OID, Number);

/** Errors PostgreSQL asks the client to retry: the transaction lost a deadlock or a serialization race. */
const RETRYABLE_CODES = new Set(['40P01', '40001']);
const TRANSACTION_ATTEMPTS = 3;

/** PostgreSQL's SQLSTATE of an error, looking through drizzle's "Failed query" wrapper (its `cause`). */
export function readPostgresCode(error: unknown): string {
  return readErrorCodes(error)[0] ?? '';
}

export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export function openPostgres(options: PostgresOptions, onPoolError: (error: Error) => void = () => {}): PostgresDatabase {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
    application_name: 'vigil',
  });
  // An idle client whose server went away emits here; without a listener it would crash the process.
  pool.on('error', onPoolError);
  const raw = drizzle({ client: pool });
  return {
    dialect: 'postgres',
    db: createPostgresDb(raw),
    pool,
    displayUrl: redactDatabaseUrl(options.url),
    close: () => pool.end(),
  };
}

type PgHandle = NodePgDatabase | Parameters<Parameters<NodePgDatabase['transaction']>[0]>[0];

function createPostgresDb(raw: NodePgDatabase): Db {
  const context = createTransactionContext<PgHandle>();

  async function transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const scope = context.current();
    if (scope) return scope.handle.transaction((savepoint) => context.run({ handle: savepoint, depth: scope.depth + 1 }, () => work(db)));
    for (let attempt = 1; ; attempt++) {
      try {
        return await raw.transaction((tx) => context.run({ handle: tx, depth: 1 }, () => work(db)));
      } catch (error) {
        if (attempt >= TRANSACTION_ATTEMPTS || !RETRYABLE_CODES.has(readPostgresCode(error))) throw error;
      }
    }
  }

  const db: Db = new Proxy(raw as unknown as Db, {
    get(_target, property) {
      if (property === 'dialect') return 'postgres';
      if (property === 'transaction') return transaction;
      const handle = context.current()?.handle ?? raw;
      const value = Reflect.get(handle, property, handle) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(handle) : value;
    },
  });
  return db;
}
