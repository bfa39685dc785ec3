import { readFileSync } from 'node:fs';
import pg from 'pg';

// Which stores the suite runs on. SQLite always; PostgreSQL when VIGIL_TEST_POSTGRES_URL (default
// postgres://postgres@127.0.0.1:5432/postgres, the server `.ci/run` starts) answers. A missing
// PostgreSQL is said plainly, never passed off as a green run on both stores.

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function findTestPostgres(url = process.env.VIGIL_TEST_POSTGRES_URL ?? DEFAULT_TEST_POSTGRES_URL): Promise<string | null> {
  if (process.env.VIGIL_TEST_POSTGRES === 'off') return null;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

// Tests that never touch the store (pure models, blocks, parsers) run once; the PostgreSQL project
// takes every test that opens a database or starts Vigil, except those that are about SQLite itself.
// (`create…TestContext(` are the shared fixtures that open a database themselves.)
const TOUCHES_THE_STORE = /createTestDb|startTestVigil|startSlackTestVigil|createTestDatabaseUrl|openDatabase\(|create\w+TestContext\(/;
// A file says `@store sqlite-only` (and why) when it tests SQLite itself, `@store independent` when
// nothing it checks depends on the store (HTTP edges), `@store postgres-only` for several instances.
const NOT_ON_POSTGRES = /@store (sqlite-only|independent)/;
const POSTGRES_ONLY = /@store postgres-only/;

/** Files that need PostgreSQL, left out of the SQLite project. */
export function selectPostgresOnlyTests(files: string[]): string[] {
  return files.filter((file) => POSTGRES_ONLY.test(readFileSync(file, 'utf8')));
}

export function selectPostgresTests(files: string[]): string[] {
  return files.filter((file) => {
    const text = readFileSync(file, 'utf8');
    return (TOUCHES_THE_STORE.test(text) || POSTGRES_ONLY.test(text)) && !NOT_ON_POSTGRES.test(text);
  });
}
