import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullDisk, type FullDisk } from '../helpers/full-disk.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { makeEvent, postEvents, startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// @store sqlite-only: a full disk under the SQLite file (PostgreSQL disk space is the database server's)

// A full disk is the operator's problem, not the client's: ingest answers 503 with a
// storage code and Retry-After (the client's retry loses nothing), /healthz says what
// failed and how much space is left, and once space is freed Vigil recovers by itself.

describe('a full disk', () => {
  const base = createTempDir();
  let disk: FullDisk;
  let vigil: TestVigil;
  let key: string;

  beforeAll(async () => {
    disk = createFullDisk(base.path);
    // Which disk ran is part of the result: a real tmpfs, or SQLITE_FULL injected when mounting is not allowed here.
    process.stdout.write(
      disk.kind === 'tmpfs'
        ? 'storage-full: a real 8 MiB tmpfs filled to ENOSPC\n'
        : 'storage-full: cannot mount a tmpfs in this environment (not root?); using the fault-injecting SQLite layer instead\n',
    );
    vigil = await startTestVigil({ env: { DATABASE_URL: `${disk.dir}/vigil.db` } });
    key = await vigil.createKey();
  });
  afterAll(async () => {
    await vigil.app.stop();
    disk.remove();
    await vigil.stop();
    base.remove();
  });

  // Larger than the write-ahead log already on disk, so SQLite must grow a file to store it.
  const bigBatch = (prefix: string) => ({
    events: Array.from({ length: 100 }, (_, index) => makeEvent({ id: `${prefix}-${index}`, output: `${index} ${'long answer '.repeat(500)}` })),
  });

  it('answers 503 storage_full with Retry-After, stores nothing, reports it in /healthz and recovers once space is freed', async () => {
    expect((await postEvents(vigil.url, key, bigBatch('before'))).status).toBe(202);

    disk.fill();
    const response = await fetch(`${vigil.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(bigBatch('full')),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    const answer = (await response.json()) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe('storage_full');
    expect(answer.error.message).toContain('nothing was stored');

    const health = (await (await fetch(`${vigil.url}/healthz`)).json()) as Record<string, any>;
    expect(health.status).toBe('degraded');
    expect(health.storage).toMatchObject({ status: 'degraded', last_write_failure: { code: 'SQLITE_FULL' } });
    expect(typeof health.storage.free_bytes).toBe('number');
    if (disk.kind === 'tmpfs') expect(health.storage.free_bytes).toBeLessThan(64 * 1024);

    disk.free();
    const retried = await postEvents(vigil.url, key, bigBatch('full'));
    expect(retried).toMatchObject({ status: 202, body: { accepted: 100, duplicates: 0 } });
    const read = await fetch(`${vigil.url}/v1/events/full-99`, { headers: { authorization: `Bearer ${key}` } });
    expect(read.status).toBe(200);
  });
});
