import pg from 'pg';
import { openDatabase, runMigrations } from '../src/platform/db.ts';
import { withAdmin, withDatabase } from '../src/platform/db.test-utils.ts';
import type { BenchEvent } from './events.fixtures.ts';

// The PostgreSQL side of `npm run bench:ingest -- --database postgres`: a fresh database per run
// (dropped after), and the ceiling Vigil is compared with there: the same rows inserted straight
// with `pg`, one multi-row INSERT … ON CONFLICT DO NOTHING per batch, each in its own transaction.

export const BENCH_POSTGRES_URL = process.env.VIGIL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const admin = <T>(work: (client: pg.Client) => Promise<T>) => withAdmin(BENCH_POSTGRES_URL, work);

/** A fresh, migrated database; `drop` removes it. */
export async function createBenchDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vigil_bench_${label}_${process.pid}`;
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = withDatabase(BENCH_POSTGRES_URL, name);
  const database = openDatabase({ url, poolSize: 1 });
  try {
    await runMigrations(database);
  } finally {
    await database.close();
  }
  return { url, drop: () => admin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))) };
}

const COLUMNS = ['id', 'source', 'input', 'output', 'model', 'model_version', 'prompt_version', 'release', 'session_id', 'occurred_at', 'received_at', 'metadata'];

export async function measureRawPostgres(events: BenchEvent[], batch: number, source: string): Promise<{ seconds: number }> {
  const database = await createBenchDatabase('raw');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('INSERT INTO sources (name, created_at, updated_at) VALUES ($1, 0, 0)', [source]);
    const started = performance.now();
    for (let i = 0; i < events.length; i += batch) {
      const rows = events.slice(i, i + batch);
      const now = Date.now();
      const values = rows.flatMap((e) => [e.id, e.source, e.input, e.output, e.model, e.model_version, e.prompt_version, e.release, e.session_id, now, now, JSON.stringify(e.metadata)]);
      const tuples = rows.map((_, row) => `(${COLUMNS.map((_, column) => `$${row * COLUMNS.length + column + 1}`).join(', ')})`);
      await client.query('BEGIN');
      await client.query(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, values);
      await client.query('COMMIT');
    }
    return { seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
    await database.drop();
  }
}
