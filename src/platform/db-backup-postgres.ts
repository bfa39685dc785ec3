import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createErrorFactory } from './errors.ts';
import { createBackupExistsError, createDatabaseInUseError, createRestoreNeedsConfirmationError, type BackupResult } from './db-backup.ts';

// Backups of a PostgreSQL store: pg_dump's custom format (a consistent snapshot taken in one
// transaction while Vigil keeps writing) and pg_restore, both from the PostgreSQL client tools
// (Debian: postgresql-client), matching what any PostgreSQL operator already runs. Managed
// databases usually add their own point-in-time recovery; this is the portable floor.

const run = promisify(execFile);


const createToolMissingError = createErrorFactory({
  code: 'backup.pg_tool_missing',
  statusCode: 500,
  message: (tool: string) => `${tool} is not installed; install the PostgreSQL client tools (Debian: apt-get install postgresql-client).`,
});
async function runTool(tool: string, args: string[]): Promise<void> {
  try {
    await run(tool, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw createToolMissingError(tool);
    throw new Error(`${tool} failed: ${(failure.stderr ?? failure.message).trim()}`);
  }
}

export async function backupPostgres(url: string, file: string): Promise<BackupResult> {
  const target = resolve(file);
  if (existsSync(target)) throw createBackupExistsError(file);
  await runTool('pg_dump', ['--format=custom', '--no-owner', '--file', target, '--dbname', url]);
  return { file: target, bytes: statSync(target).size, pages: 0 };
}

/** Vigil's own connections to the database, other than this one (they name themselves `vigil`). */
async function countVigilConnections(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'vigil' AND pid <> pg_backend_pid()",
    );
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

export async function restorePostgres(options: { from: string; url: string; overwrite: boolean }): Promise<BackupResult> {
  const from = resolve(options.from);
  if (!existsSync(from)) throw new Error(`${options.from} does not exist`);
  if (!options.overwrite) throw createRestoreNeedsConfirmationError(options.url.replace(/:[^:@/]*@/, ':***@'));
  const open = await countVigilConnections(options.url);
  if (open > 0) throw createDatabaseInUseError(`the PostgreSQL database (${open} Vigil connection(s))`);
  // --single-transaction: a restore that fails half way leaves the database as it was.
  await runTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--dbname', options.url, from]);
  return { file: from, bytes: statSync(from).size, pages: 0 };
}
