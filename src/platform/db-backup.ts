import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createErrorFactory } from './errors.ts';

// Backups of the SQLite database while Vigil runs, and restores while it does not.
// Copying vigil.db with cp while Vigil writes gives a torn file (the latest commits sit in
// vigil.db-wal); SQLite's online backup API copies a consistent snapshot page by page
// instead, restarting if a writer changes a page it already copied. A restore replaces the
// file under a stopped Vigil only: a running one would keep writing to the old file and its
// write-ahead log, and the two would corrupt each other.

export const createBackupExistsError = createErrorFactory({
  code: 'backup.file_exists',
  statusCode: 409,
  message: (file: string) => `${file} already exists; choose a new file name (a backup never overwrites one).`,
});
const createNotAVigilDatabaseError = createErrorFactory({
  code: 'backup.not_a_vigil_database',
  statusCode: 400,
  message: (file: string, why: string) => `${file} is not a Vigil database backup: ${why}.`,
});
export const createDatabaseInUseError = createErrorFactory({
  code: 'backup.database_in_use',
  statusCode: 409,
  message: (where: string) => `${where} is open in another process (is Vigil running?); stop Vigil, then restore.`,
});
export const createRestoreNeedsConfirmationError = createErrorFactory({
  code: 'backup.confirm_overwrite',
  statusCode: 400,
  message: (file: string) => `${file} exists and would be replaced; run again with --yes to replace it.`,
});

/** better-sqlite3 caps a step at 2^31 − 1 pages; 0 would copy nothing and loop for ever. */
const ALL_REMAINING_PAGES = 0x7fffffff;

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
}

/** Copies the open database to `file` with SQLite's online backup API; Vigil keeps running and writing. */
export async function backupDatabase(sqlite: Database.Database, file: string): Promise<BackupResult> {
  const target = resolve(file);
  if (existsSync(target)) throw createBackupExistsError(file);
  // After the first step, everything left in one step: a step holds a read snapshot, so the copy
  // finishes however busily Vigil writes (step by step, every write restarted it).
  const { totalPages } = await sqlite.backup(target, { progress: () => ALL_REMAINING_PAGES });
  // The copy stands alone: its write-ahead log, if any, is folded in so one file is the backup.
  const copy = new Database(target);
  try {
    copy.pragma('wal_checkpoint(TRUNCATE)');
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  return { file: target, bytes: statSync(target).size, pages: totalPages };
}

/** Checks that a file is an intact SQLite database with Vigil's migrations table. */
export function checkVigilBackup(file: string): void {
  if (!existsSync(file)) throw createNotAVigilDatabaseError(file, 'no such file');
  let copy: Database.Database | undefined;
  try {
    copy = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw createNotAVigilDatabaseError(file, `integrity check failed (${String(integrity)})`);
    const migrations = copy.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get() as { n: number };
    if (migrations.n === 0) throw createNotAVigilDatabaseError(file, 'it has no migrations table');
  } catch (error) {
    if (error instanceof Database.SqliteError) throw createNotAVigilDatabaseError(file, error.message);
    throw error;
  } finally {
    copy?.close();
  }
}

/**
 * Whether another connection has the database open. Every connection to a WAL database holds
 * a shared lock on it, so an exclusive lock, tried without waiting, succeeds only when none
 * does. Closing the probe also folds a crashed process's leftover write-ahead log in.
 */
export function isDatabaseInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const probe = new Database(file, { timeout: 0 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('COMMIT');
    return false;
  } catch (error) {
    if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) return true;
    throw error;
  } finally {
    probe.close();
  }
}

/** Replaces the database at `to` with the backup `from`; refuses while any process has `to` open. */
export async function restoreDatabase(options: { from: string; to: string; overwrite: boolean }): Promise<BackupResult> {
  const from = resolve(options.from);
  const to = resolve(options.to);
  checkVigilBackup(from);
  if (existsSync(to) && !options.overwrite) throw createRestoreNeedsConfirmationError(options.to);
  if (isDatabaseInUse(to)) throw createDatabaseInUseError(options.to);
  const staging = `${to}.restoring`;
  rmSync(staging, { force: true });
  const source = new Database(from, { readonly: true });
  let pages: number;
  try {
    pages = (await source.backup(staging)).totalPages;
  } finally {
    source.close();
  }
  // Checked again just before the swap: Vigil may have started while the copy was made.
  if (isDatabaseInUse(to)) {
    rmSync(staging, { force: true });
    throw createDatabaseInUseError(options.to);
  }
  // A write-ahead log left beside the old file would be replayed onto the restored one.
  for (const suffix of ['-wal', '-shm']) rmSync(`${to}${suffix}`, { force: true });
  renameSync(staging, to);
  return { file: to, bytes: statSync(to).size, pages };
}
