import { describe, expect, it } from 'vitest';
import { isStorageFullCode, readStorageErrorCode } from './storage-health.ts';

// A failing store answers 503 with a storage code (server.ts); these are the errors that count,
// from either store, found through drizzle's "Failed query" wrapper.

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('readStorageErrorCode', () => {
  it('finds SQLite and PostgreSQL storage failures, also as the cause of a wrapped error', () => {
    expect(readStorageErrorCode(withCode('SQLITE_FULL'))).toBe('SQLITE_FULL');
    expect(readStorageErrorCode(new Error('Failed query: insert …', { cause: withCode('53100') }))).toBe('53100');
    expect(readStorageErrorCode(withCode('57P01'))).toBe('57P01');
    expect(readStorageErrorCode(withCode('08006'))).toBe('08006');
    expect(readStorageErrorCode(withCode('ECONNREFUSED'))).toBe('ECONNREFUSED');
  });

  it('leaves out errors that are not about the store being full or unreachable', () => {
    expect(readStorageErrorCode(withCode('23505'))).toBeNull(); // unique violation: a bug, not an outage
    expect(readStorageErrorCode(withCode('SQLITE_CONSTRAINT'))).toBeNull();
    expect(readStorageErrorCode(new Error('plain'))).toBeNull();
  });

  it('calls a full disk full on either store', () => {
    expect(['SQLITE_FULL', 'ENOSPC', '53100'].map(isStorageFullCode)).toEqual([true, true, true]);
    expect(['57P01', 'SQLITE_IOERR_WRITE'].map(isStorageFullCode)).toEqual([false, false]);
  });
});
