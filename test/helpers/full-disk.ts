import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

// A disk that fills up, for the storage tests. The real thing when the environment allows
// it: a small tmpfs (needs root), filled with a file until ENOSPC. Otherwise a fault-
// injecting layer: better-sqlite3's statements fail with SQLITE_FULL, exactly as SQLite
// reports a full disk. `kind` says which one ran, and the test prints it.

export interface FullDisk {
  kind: 'tmpfs' | 'fault-injection';
  dir: string;
  fill(): void;
  free(): void;
  remove(): void;
}

function fillFile(path: string) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    // The last, smaller writes fill the remaining bytes.
    for (let size = chunk.length / 2; size >= 1; size = Math.floor(size / 2)) {
      try {
        for (;;) writeSync(fd, chunk.subarray(0, size));
      } catch {
        /* the next smaller size */
      }
    }
  } finally {
    closeSync(fd);
  }
}

function tryMountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function injectFullDiskFaults(): { on(): void; off(): void; restore(): void } {
  const probe = new Database(':memory:');
  const statementPrototype = Object.getPrototypeOf(probe.prepare('SELECT 1')) as { run: (...args: unknown[]) => unknown };
  probe.close();
  const run = statementPrototype.run;
  let full = false;
  statementPrototype.run = function (this: { reader: boolean }, ...args: unknown[]) {
    if (full) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    return run.apply(this, args);
  };
  return {
    on: () => (full = true),
    off: () => (full = false),
    restore: () => (statementPrototype.run = run),
  };
}

export function createFullDisk(baseDir: string, size = '8m'): FullDisk {
  const dir = join(baseDir, 'disk');
  mkdirSync(dir, { recursive: true });
  const filler = join(dir, 'filler.bin');
  if (tryMountTmpfs(dir, size)) {
    return {
      kind: 'tmpfs',
      dir,
      fill: () => fillFile(filler),
      free: () => rmSync(filler, { force: true }),
      remove: () => execFileSync('umount', ['-l', dir], { stdio: 'ignore' }),
    };
  }
  const faults = injectFullDiskFaults();
  return { kind: 'fault-injection', dir, fill: faults.on, free: faults.off, remove: faults.restore };
}
