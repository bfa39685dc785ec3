import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createTaskRunsRepository, DEFAULT_TASK_LEASE_MS, runOncePerPeriod } from './task-runs.repository.ts';

const TASK = 'digest:support-bot';
const WEEK = '2026-W47';
const T0 = Date.parse('2026-11-23T08:00:00Z');
const LEASE = 15 * 60_000;

describe('task run claims', () => {
  let database: TestDb;
  afterEach(() => database?.close());

  const open = async (options: { leaseMs?: number } = { leaseMs: LEASE }) => {
    database = await createTestDb();
    return createTaskRunsRepository({ db: database.db, ...options });
  };

  it('refuses a running claim until its lease ends, then lets one process claim it again', async () => {
    const runs = await open();
    expect(await runs.claim(TASK, WEEK, T0)).toBe(true);
    expect(await runs.claim(TASK, WEEK, T0 + LEASE - 1)).toBe(false);
    expect(await runs.claim(TASK, WEEK, T0 + LEASE)).toBe(true);
    expect(await runs.claim(TASK, WEEK, T0 + LEASE + 1)).toBe(false);
    expect(await runs.find(TASK, WEEK)).toMatchObject({ status: 'running', claimedAt: T0 + LEASE, error: null });
  });

  it('refuses a done run forever', async () => {
    const runs = await open();
    await runs.claim(TASK, WEEK, T0);
    await runs.finish(TASK, WEEK, T0 + 1);
    expect(await runs.claim(TASK, WEEK, T0 + 365 * 24 * 3_600_000)).toBe(false);
    expect((await runs.find(TASK, WEEK))?.status).toBe('done');
  });

  it('lets a failed run be claimed again at once, clearing its error', async () => {
    const runs = await open();
    await runs.claim(TASK, WEEK, T0);
    await runs.finish(TASK, WEEK, T0 + 1, 'channel_not_found');
    expect(await runs.find(TASK, WEEK)).toMatchObject({ status: 'failed', error: 'channel_not_found', finishedAt: T0 + 1 });
    expect(await runs.claim(TASK, WEEK, T0 + 2)).toBe(true);
    expect(await runs.find(TASK, WEEK)).toMatchObject({ status: 'running', claimedAt: T0 + 2, error: null, finishedAt: null });
  });

  it('gives a new or failed run to exactly one of several claims made at once (on PostgreSQL, on separate connections)', async () => {
    const runs = await open();
    const first = await Promise.all([0, 1, 2, 3].map(() => runs.claim(TASK, WEEK, T0)));
    expect(first.filter(Boolean)).toHaveLength(1);
    await runs.finish(TASK, WEEK, T0 + 1, 'channel_not_found');
    const retried = await Promise.all([0, 1, 2, 3].map(() => runs.claim(TASK, WEEK, T0 + 2)));
    expect(retried.filter(Boolean)).toHaveLength(1);
  });

  it('keeps claims of other periods and tasks apart', async () => {
    const runs = await open();
    expect(await runs.claim(TASK, WEEK, T0)).toBe(true);
    expect(await runs.claim(TASK, '2026-W48', T0)).toBe(true);
    expect(await runs.claim('digest:other-bot', WEEK, T0)).toBe(true);
  });

  it('leases for 45 minutes by default', async () => {
    const runs = await open({});
    await runs.claim(TASK, WEEK, T0);
    expect(DEFAULT_TASK_LEASE_MS).toBe(45 * 60_000);
    expect(await runs.claim(TASK, WEEK, T0 + 44 * 60_000)).toBe(false);
    expect(await runs.claim(TASK, WEEK, T0 + 45 * 60_000)).toBe(true);
  });
});

describe('runOncePerPeriod with leases', () => {
  let database: TestDb;
  afterEach(() => database?.close());

  it('runs the work owed by a process that died mid-run once its lease ends, and only then', async () => {
    database = await createTestDb();
    const runs = createTaskRunsRepository({ db: database.db, leaseMs: LEASE });
    // The crashed process: claimed, never finished.
    await runs.claim(TASK, WEEK, T0);
    let ran = 0;
    const work = async () => void ran++;
    expect(await runOncePerPeriod(runs, TASK, WEEK, () => T0 + 60_000, work)).toBe('skipped');
    expect(await runOncePerPeriod(runs, TASK, WEEK, () => T0 + LEASE, work)).toBe('ran');
    expect(await runOncePerPeriod(runs, TASK, WEEK, () => T0 + 2 * LEASE, work)).toBe('skipped');
    expect(ran).toBe(1);
    expect((await runs.find(TASK, WEEK))?.status).toBe('done');
  });

  it('does not let a run that outlived its lease overwrite the outcome of the run that took over', async () => {
    database = await createTestDb();
    const runs = createTaskRunsRepository({ db: database.db, leaseMs: LEASE });
    let now = T0;
    let releaseSlow!: () => void;
    let slowStarted!: () => void;
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    const slowWork = () => new Promise<void>((resolve) => ((releaseSlow = resolve), slowStarted()));
    const slow = runOncePerPeriod(runs, TASK, WEEK, () => now, slowWork);
    // The slow run holds its claim before the lease ends (on PostgreSQL the two claims would otherwise race).
    await started;
    now = T0 + LEASE;
    await expect(runOncePerPeriod(runs, TASK, WEEK, () => now, async () => Promise.reject(new Error('upload failed')))).rejects.toThrow('upload failed');
    releaseSlow();
    expect(await slow).toBe('ran');
    // The slow run finished after the takeover failed: the row still says failed, so the next catch-up retries.
    expect(await runs.find(TASK, WEEK)).toMatchObject({ status: 'failed', error: 'upload failed', claimedAt: T0 + LEASE });
  });
});
