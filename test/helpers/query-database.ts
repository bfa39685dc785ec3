import Database from 'better-sqlite3';
import pg from 'pg';
import { isPostgresUrl, sqlitePathOf } from '../../src/platform/db.ts';
import '../../src/platform/db-postgres.ts';

// Reads a test's database directly, as an operator would with sqlite3 or psql, on either store.
// Tests write SQLite's dialect: `?` placeholders and camelCase aliases, which are rewritten for
// PostgreSQL (`$1`, and quoted aliases, since PostgreSQL folds unquoted names to lower case).

export function queryDatabase<T = Record<string, unknown>>(url: string, sql: string, ...params: unknown[]): Promise<T[]> {
  return runOnDatabase<T>(url, 'read', sql, params);
}

/** A write beside the running Vigil (SQLite waits for its write lock). */
export async function writeDatabase(url: string, sql: string, ...params: unknown[]): Promise<void> {
  await runOnDatabase(url, 'write', sql, params);
}

async function runOnDatabase<T>(url: string, mode: 'read' | 'write', sql: string, params: unknown[]): Promise<T[]> {
  if (!isPostgresUrl(url)) {
    const sqlite = new Database(sqlitePathOf(url), { readonly: mode === 'read' });
    try {
      sqlite.pragma('busy_timeout = 5000');
      const statement = sqlite.prepare(sql);
      if (mode === 'read') return statement.all(...params) as T[];
      statement.run(...params);
      return [];
    } finally {
      sqlite.close();
    }
  }
  let index = 0;
  const postgresSql = sql.replace(/\?/g, () => `$${++index}`).replace(/\bAS\s+([a-z]\w*[A-Z]\w*)/gi, (_m, alias: string) => `AS "${alias}"`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(postgresSql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
