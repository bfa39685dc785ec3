import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../helpers/temp-dir.ts';
import { createTestApiKey, makeEvent, postEvents } from '../helpers/test-vigil.ts';
import { killVigilProcesses, runVigilCli, startVigilProcess } from '../helpers/vigil-process.ts';

// `vigil backup FILE` against a Vigil process that keeps ingesting, and `vigil restore`
// refused while that process has the database open, then accepted once it has stopped.

const dir = createTempDir('vigil-backup-');
const configPath = join(dir.path, 'vigil.config.yaml');
writeFileSync(configPath, 'sources:\n  support-bot:\n    description: backup tests\n');
const databasePath = join(dir.path, 'vigil.db');
const env = { DATABASE_URL: databasePath, VIGIL_CONFIG: configPath };

afterAll(() => {
  killVigilProcesses();
  dir.remove();
});

function readBackup(file: string) {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: sqlite.pragma('integrity_check', { simple: true }),
      ids: new Set(sqlite.prepare('SELECT id FROM events').pluck().all() as string[]),
    };
  } finally {
    sqlite.close();
  }
}

describe('vigil backup and vigil restore', () => {
  it('backs up a consistent copy while Vigil ingests, refuses to restore under it, and restores once it stopped', async () => {
    const vigil = await startVigilProcess({ env });
    const key = await createTestApiKey(databasePath);
    const batch = (prefix: string, n: number) => ({
      events: Array.from({ length: 50 }, (_, i) => makeEvent({ id: `${prefix}-${n}-${i}`, output: `answer ${i} `.padEnd(2_000, 'lorem ') })),
    });
    for (let n = 0; n < 4; n++) expect((await postEvents(vigil.url, key, batch('before', n))).status).toBe(202);

    // Ingest keeps going while the backup runs.
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n++) expect((await postEvents(vigil.url, key, batch('during', n))).status).toBe(202);
    })();
    const backupFile = join(dir.path, 'backup-1.db');
    const backup = await runVigilCli(['backup', backupFile], env);
    writing = false;
    await writer;
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`backed up ${databasePath} to ${backupFile}`);
    const copy = readBackup(backupFile);
    expect(copy.integrity).toBe('ok');
    for (let n = 0; n < 4; n++) for (let i = 0; i < 50; i++) expect(copy.ids.has(`before-${n}-${i}`)).toBe(true);
    // Batches are transactions: a batch is in the copy whole or not at all.
    const duringBatches = new Set([...copy.ids].filter((id) => id.startsWith('during-')).map((id) => id.split('-')[1]));
    for (const n of duringBatches) expect([...copy.ids].filter((id) => id.startsWith(`during-${n}-`))).toHaveLength(50);

    const again = await runVigilCli(['backup', backupFile], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    expect((await postEvents(vigil.url, key, batch('after', 0))).status).toBe(202);
    const refused = await runVigilCli(['restore', backupFile, '--yes'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is open in another process (is Vigil running?)');
    expect((await fetch(`${vigil.url}/v1/events/after-0-0`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);

    await vigil.stop();
    const unconfirmed = await runVigilCli(['restore', backupFile], env);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('--yes');
    const restored = await runVigilCli(['restore', backupFile, '--yes'], env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);

    const restarted = await startVigilProcess({ env });
    const read = (id: string) => fetch(`${restarted.url}/v1/events/${id}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await read('before-3-49')).status).toBe(200);
    expect((await read('after-0-0')).status).toBe(404);
    await restarted.stop();
  }, 90_000);

  it('refuses to restore a file that is not a Vigil database', async () => {
    const junk = join(dir.path, 'junk.db');
    writeFileSync(junk, 'not a database at all, just text'.repeat(200));
    const result = await runVigilCli(['restore', junk, '--yes'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not a Vigil database backup');
  });
});
