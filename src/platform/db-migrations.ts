import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import type { SqliteDatabase } from './db-sqlite.ts';
import type { PostgresDatabase } from './db-postgres.ts';

// drizzle-kit generates one folder per dialect from the one schema (migrations/sqlite from the
// `*.table.ts` files, migrations/postgres from their PostgreSQL form, db-pg-schema.ts). drizzle's
// own migrators read the last applied migration before taking any lock, so several processes
// starting together could each apply the same one; here the read happens under the lock:
// BEGIN IMMEDIATE on SQLite, a transaction-scoped advisory lock on PostgreSQL.

const MIGRATIONS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');
export const MIGRATIONS_FOLDERS = { sqlite: resolve(MIGRATIONS_ROOT, 'sqlite'), postgres: resolve(MIGRATIONS_ROOT, 'postgres') } as const;
const MIGRATIONS_TABLE = '__drizzle_migrations';
/** Any constant both sides agree on; 'vigil' + 'migrations' in ASCII, kept under 2^31. */
const MIGRATION_LOCK_KEY = 0x76_6d_69_67;

export interface MigrationStatus {
  applied: number;
  pending: number;
}

type Database = SqliteDatabase | PostgresDatabase;

const pendingAfter = (migrations: MigrationMeta[], lastAppliedAt: number | null) =>
  migrations.filter((m) => lastAppliedAt === null || lastAppliedAt < m.folderMillis);

export async function runMigrations(database: Database, folder = MIGRATIONS_FOLDERS[database.dialect]): Promise<{ applied: number }> {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  return database.dialect === 'sqlite' ? runSqliteMigrations(database, migrations) : runPostgresMigrations(database, migrations);
}

const readLastAppliedAt = (sqlite: SqliteDatabase['sqlite']): number | null => {
  const last = sqlite.prepare(`SELECT max(created_at) AS at FROM "${MIGRATIONS_TABLE}"`).get() as { at: number | null };
  return last.at === null ? null : Number(last.at);
};

function runSqliteMigrations({ sqlite }: SqliteDatabase, migrations: MigrationMeta[]): { applied: number } {
  // Up to date (every start but the first after an upgrade): no write lock taken, so a CLI
  // command never queues behind a busy server just to learn there is nothing to apply.
  const hasTable = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MIGRATIONS_TABLE) !== undefined;
  if (hasTable && pendingAfter(migrations, readLastAppliedAt(sqlite)).length === 0) return { applied: 0 };
  sqlite.exec(`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const apply = sqlite.transaction(() => {
    const pending = pendingAfter(migrations, readLastAppliedAt(sqlite));
    const record = sqlite.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES (?, ?)`);
    for (const migration of pending) {
      for (const statement of migration.sql) if (statement.trim()) sqlite.exec(statement);
      record.run(migration.hash, migration.folderMillis);
    }
    return pending.length;
  });
  return { applied: apply.immediate() };
}

async function runPostgresMigrations({ pool }: PostgresDatabase, migrations: MigrationMeta[]): Promise<{ applied: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
    const last = await client.query<{ at: string | null }>(`SELECT max(created_at)::text AS at FROM "${MIGRATIONS_TABLE}"`);
    const lastAt = last.rows[0]?.at;
    const pending = pendingAfter(migrations, lastAt == null ? null : Number(lastAt));
    for (const migration of pending) {
      for (const statement of migration.sql) if (statement.trim()) await client.query(statement);
      await client.query(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES ($1, $2)`, [migration.hash, migration.folderMillis]);
    }
    await client.query('COMMIT');
    return { applied: pending.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export async function readMigrationStatus(database: Database, folder = MIGRATIONS_FOLDERS[database.dialect]): Promise<MigrationStatus> {
  const known = readMigrationFiles({ migrationsFolder: folder });
  const query = `SELECT count(*) AS n, max(created_at) AS at FROM "${MIGRATIONS_TABLE}"`;
  const row =
    database.dialect === 'sqlite'
      ? (database.sqlite.prepare(query).get() as { n: number; at: number | null })
      : (await database.pool.query<{ n: string; at: string | null }>(query)).rows[0]!;
  const at = row.at === null ? null : Number(row.at);
  return { applied: Number(row.n), pending: pendingAfter(known, at).length };
}
