import Database from 'better-sqlite3';
import pg from 'pg';
import { isPostgresUrl, sqlitePathOf } from '../../src/platform/db.ts';
import '../../src/platform/db-postgres.ts';

// Reads a test's database directly, as an operator would with sqlite3 or psql, on either store.
// Tests write SQLite's dialect: `?` placeholders and camelCase aliases, which are rewritten for
// PostgreSQL (`$1`, and quoted aliases, since PostgreSQL folds unquoted names to lower case).

export async function queryDatabase<T = Record<string, unknown>>(url: string, sql: string, ...params: unknown[]): Promise<T[]> {
  if (!isPostgresUrl(url)) {
    const sqlite = new Database(sqlitePathOf(url), { readonly: true });
    try {
      return sqlite.prepare(sql).all(...params) as T[];
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
