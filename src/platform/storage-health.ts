import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readErrorCodes } from './errors.ts';

// A full or failing disk is an operator's problem, not a client's bug: requests that hit
// it answer 503 with a storage code and Retry-After (the client retries; nothing was
// half-stored, since every write is one transaction), and /healthz says what failed and
// how much space is left. SQLite recovers by itself once space is freed, so the
// "degraded" state is only as long as failures keep coming.

export const STORAGE_RETRY_AFTER_SECONDS = 30;
/** How long /healthz keeps saying "degraded" after the last failed write. */
const RECENT_FAILURE_MS = 60_000;

export interface StorageFailure {
  at: string;
  code: string;
}

/**
 * PostgreSQL's side of the same failures: its disk is full (53100), it is out of memory or
 * connections (53200, 53300), shutting down or starting (57P01, 57P03), or the connection to it
 * failed (class 08, and the socket errors of a server that is not there).
 */
const POSTGRES_STORAGE_CODES = new Set(['53100', '53200', '53300', '57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']);

/** Codes that mean "out of space" (503 storage_full); any other storage code is storage_unavailable. */
export const isStorageFullCode = (code: string) => code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100';

const isStorageCode = (code: string) =>
  code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY' || code === 'ENOSPC' || POSTGRES_STORAGE_CODES.has(code) || code.startsWith('08');

/** The code of a storage failure (full disk, I/O error, read-only file, unreachable PostgreSQL), looking through wrappers, or null. */
export function readStorageErrorCode(error: unknown): string | null {
  return readErrorCodes(error).find(isStorageCode) ?? null;
}

/** Free bytes for an unprivileged writer on the file system that holds `path`, or null (in-memory, unreadable). */
export function readFreeBytes(path: string): number | null {
  if (path === ':memory:') return null;
  try {
    const stats = statfsSync(dirname(resolve(path)));
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

export interface StorageHealth {
  recordWriteFailure(code: string): void;
  check(): { status: 'ok' | 'degraded'; free_bytes: number | null; last_write_failure: StorageFailure | null };
}

/** `databasePath` is null on PostgreSQL: the disk is the database server's, not this machine's. */
export function createStorageHealth(options: { databasePath: string | null; now?: () => number }): StorageHealth {
  const now = options.now ?? Date.now;
  let lastFailure: { at: number; code: string } | null = null;
  return {
    recordWriteFailure(code) {
      lastFailure = { at: now(), code };
    },
    check() {
      const recent = lastFailure !== null && now() - lastFailure.at < RECENT_FAILURE_MS;
      return {
        status: recent ? 'degraded' : 'ok',
        free_bytes: options.databasePath === null ? null : readFreeBytes(options.databasePath),
        last_write_failure: lastFailure && { at: new Date(lastFailure.at).toISOString(), code: lastFailure.code },
      };
    },
  };
}
