import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS_FOLDERS, openDatabase, runMigrations, type VigilDatabase } from './db.ts';

// Repository and usecase tests run on a real engine with the committed migrations applied: the
// same schema production uses. SQLite by default, in memory. With VIGIL_TEST_POSTGRES_URL set
// (`npm test` sets it when PostgreSQL answers, see test/setup/stores.ts) the `postgres` vitest
// project runs the same tests on PostgreSQL: each test database is a copy of a migrated template,
// created in ~50 ms and dropped on close.

export type TestDb = VigilDatabase;

export const testStore = (): 'sqlite' | 'postgres' => (process.env.VIGIL_TEST_POSTGRES_URL ? 'postgres' : 'sqlite');

/** Opens a migrated database for one test; `seed` inserts the typed rows the test starts from. */
export async function createTestDb(seed?: (database: TestDb) => unknown): Promise<TestDb> {
  const database = testStore() === 'postgres' ? await createPostgresTestDb(process.env.VIGIL_TEST_POSTGRES_URL!) : openDatabase({ url: ':memory:' });
  if (database.dialect === 'sqlite') await runMigrations(database);
  await seed?.(database);
  return database;
}

/** A URL for a fresh, migrated, empty database (for tests that start Vigil as a child process); `drop` removes it. */
export async function createTestDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.VIGIL_TEST_POSTGRES_URL!;
  const name = await cloneTemplate(admin);
  return { url: withDatabase(admin, name), drop: () => dropDatabase(admin, name) };
}

/** A URL for a fresh database with no schema at all (for the migration race); `drop` removes it. */
export async function createEmptyTestDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.VIGIL_TEST_POSTGRES_URL!;
  const name = `vigil_test_${testRunId()}_${process.pid}_${++cloned}_empty`;
  await withAdmin(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  return { url: withDatabase(admin, name), drop: () => dropDatabase(admin, name) };
}

/** The same server URL, naming another database. */
export const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

/**
 * Every database of one test run carries the run's id (set by vitest.config.ts), so the run's
 * teardown drops exactly its own (test/setup/postgres-databases.ts), even beside another run.
 * Without one (a test file run by hand), the id is a hash of the migrations.
 */
export function testRunId(): string {
  if (process.env.VIGIL_TEST_RUN_ID) return process.env.VIGIL_TEST_RUN_ID;
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDERS.postgres).filter((f) => f.endsWith('.sql')).sort()) hash.update(readFileSync(join(MIGRATIONS_FOLDERS.postgres, file)));
  return hash.digest('hex').slice(0, 12);
}

const templateName = () => `vigil_template_${testRunId()}`;

let templateReady: Promise<string> | undefined;
let cloned = 0;

/** Runs `work` on a one-off client (CREATE / DROP DATABASE cannot run inside a pooled transaction). */
export async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function ensureTemplate(admin: string): Promise<string> {
  templateReady ??= withAdmin(admin, async (client) => {
    const template = templateName();
    // Several vitest workers start together: one builds the template, the others wait for it.
    await client.query('SELECT pg_advisory_lock(4242)');
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount === 0) {
        const building = `${template}_building`;
        await client.query(`DROP DATABASE IF EXISTS ${building}`);
        await client.query(`CREATE DATABASE ${building}`);
        const database = openDatabase({ url: withDatabase(admin, building), poolSize: 1 });
        try {
          await runMigrations(database);
        } finally {
          await database.close();
        }
        await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
      }
      return template;
    } finally {
      await client.query('SELECT pg_advisory_unlock(4242)');
    }
  });
  return templateReady;
}

async function cloneTemplate(admin: string): Promise<string> {
  const template = await ensureTemplate(admin);
  const name = `vigil_test_${testRunId()}_${process.pid}_${++cloned}`;
  await withAdmin(admin, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return name;
}

async function dropDatabase(admin: string, name: string): Promise<void> {
  await withAdmin(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

async function createPostgresTestDb(admin: string): Promise<TestDb> {
  const name = await cloneTemplate(admin);
  const database = openDatabase({ url: withDatabase(admin, name), poolSize: 4 });
  const close = database.close;
  return Object.assign(database, {
    close: async () => {
      await close();
      await dropDatabase(admin, name);
    },
  });
}
