import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { runCronTask } from '../../platform/cron.ts';
import { openDatabase, type VigilDatabase } from '../../platform/db.ts';
import { createTestDatabaseUrl, createTestDb, testStore, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { readPngSize } from '../../shared/charts.ts';
import { createFakeClock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { createTaskRunsRepository, runOncePerPeriod } from '../tasks/task-runs.repository.ts';
import { createSlackDigestSender } from './digest-delivery.usecases.ts';
import type { DigestConfig } from './digest.config.ts';
import { buildDigestCatchUpTask, buildDigestTasks, catchUpDigests } from './digest.tasks.ts';
import { createSeededLoaders, seedDigestWeek, SOURCE, TIME_ZONE, type SeedDb } from './digest.test-utils.ts';
import { runDigestIfDue, type DigestContext } from './digest.usecases.ts';

// The W47 digest is due on Monday 23 November 2026 at 09:00 in Paris (08:00Z).
const MONDAY_9 = Date.parse('2026-11-23T08:00:00Z');
const CONFIG: DigestConfig = { channel: 'C0DIGEST', managers: ['U0MGR1', 'U0MGR2'], schedule: '0 9 * * 1' };
const TINY_PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

function createFakeSlack(options: { failUploadsTo?: Set<string> } = {}) {
  const uploads: { channel_id: string; filename: string; file: Buffer }[] = [];
  const opened: string[] = [];
  const client = {
    conversations: {
      open: async ({ users }: { users: string }) => {
        opened.push(users);
        return { ok: true, channel: { id: `D${users.slice(1)}` } };
      },
    },
    files: {
      uploadV2: async (args: { channel_id: string; filename: string; file: Buffer }) => {
        if (options.failUploadsTo?.delete(args.channel_id)) throw new Error('upload failed');
        uploads.push(args);
        return { ok: true };
      },
    },
  } as unknown as SlackClient;
  return { client, uploads, opened };
}

function createContext(database: SeedDb, slack = createFakeSlack(), now = MONDAY_9) {
  const clock = createFakeClock(now);
  const ctx: DigestContext = {
    loaders: createSeededLoaders(database),
    sender: createSlackDigestSender({ db: database.db, client: slack.client, clock }),
    taskRuns: createTaskRunsRepository({ db: database.db }),
    clock,
    timeZone: TIME_ZONE,
    sources: { [SOURCE]: CONFIG },
    renderChart: async () => TINY_PNG,
  };
  return { ctx, clock, slack };
}

const listPosts = async (database: SeedDb) =>
  (await database.db.select().from(outboxTable).orderBy(asc(outboxTable.seq))).map((row) => ({ method: row.method, channel: row.payload.channel, dedupeKey: row.dedupeKey }));

const EXPECTED_POSTS = ['C0DIGEST', 'D0MGR1', 'D0MGR2'].map((channel) => ({
  method: 'chat.postMessage',
  channel,
  dedupeKey: `digest:${SOURCE}:2026-W47:${channel}`,
}));

describe('digest schedule, exactly once', () => {
  let database: TestDb;
  afterEach(() => database?.close());

  it('sends last week once at Monday 09:00 local, to the channel and each manager by DM, and not again after a restart', async () => {
    database = await createTestDb(seedDigestWeek);
    const { ctx, clock, slack } = createContext(database);
    await runOncePerPeriod(ctx.taskRuns, `digest:${SOURCE}`, '2026-W46', clock.now, async () => {});

    clock.set(MONDAY_9 - 60_000);
    expect(await runDigestIfDue(ctx, SOURCE, clock.now())).toEqual({ status: 'skipped', week: '2026-W46', reason: 'already_sent' });
    clock.set(MONDAY_9);
    expect(await runDigestIfDue(ctx, SOURCE, clock.now())).toEqual({ status: 'sent', week: '2026-W47', channels: ['C0DIGEST', 'D0MGR1', 'D0MGR2'] });
    clock.set(MONDAY_9 + 30 * 60_000);
    expect(await runDigestIfDue(ctx, SOURCE, clock.now())).toEqual({ status: 'skipped', week: '2026-W47', reason: 'already_sent' });

    const restarted = createContext(database, createFakeSlack(), MONDAY_9 + 3_600_000);
    expect(await catchUpDigests(restarted.ctx, restarted.clock.now())).toEqual({ [SOURCE]: { status: 'skipped', week: '2026-W47', reason: 'already_sent' } });

    expect(await listPosts(database)).toEqual(EXPECTED_POSTS);
    expect(slack.opened).toEqual(['U0MGR1', 'U0MGR2']);
    expect(slack.uploads.map((upload) => [upload.channel_id, upload.filename])).toEqual([
      ['C0DIGEST', 'vigil-support-bot-2026-W47.png'],
      ['D0MGR1', 'vigil-support-bot-2026-W47.png'],
      ['D0MGR2', 'vigil-support-bot-2026-W47.png'],
    ]);
    expect(restarted.slack.uploads).toEqual([]);
  });

  it('catches up at start after being down at the scheduled time, once', async () => {
    database = await createTestDb(seedDigestWeek);
    const tuesday = MONDAY_9 + 25 * 3_600_000;
    const { ctx, clock, slack } = createContext(database, createFakeSlack(), tuesday);
    const task = buildDigestCatchUpTask(ctx);
    const deps = { clock, logger: createLogger({ level: 'silent' }) };
    expect(await runCronTask(task, deps)).toBe('ok');
    expect(await runCronTask(task, deps)).toBe('ok');
    expect(await listPosts(database)).toEqual(EXPECTED_POSTS);
    expect(slack.uploads).toHaveLength(3);
    expect((await ctx.taskRuns.find(`digest:${SOURCE}`, '2026-W47'))?.status).toBe('done');
  });

  it('retries a run that failed half-way without posting or uploading anything twice', async () => {
    database = await createTestDb(seedDigestWeek);
    const slack = createFakeSlack({ failUploadsTo: new Set(['D0MGR1']) });
    const { ctx, clock } = createContext(database, slack);
    await expect(runDigestIfDue(ctx, SOURCE, clock.now())).rejects.toThrow('upload failed');
    expect((await ctx.taskRuns.find(`digest:${SOURCE}`, '2026-W47'))?.status).toBe('failed');
    clock.advance(3_600_000);
    expect(await catchUpDigests(ctx, clock.now())).toMatchObject({ [SOURCE]: { status: 'sent', week: '2026-W47' } });
    expect(await listPosts(database)).toEqual(EXPECTED_POSTS);
    expect(slack.uploads.map((upload) => upload.channel_id)).toEqual(['C0DIGEST', 'D0MGR1', 'D0MGR2']);
  });

  it('uploads the trend chart as a valid PNG', async () => {
    database = await createTestDb(seedDigestWeek);
    const { ctx, clock, slack } = createContext(database);
    delete ctx.renderChart;
    await runDigestIfDue({ ...ctx, sources: { [SOURCE]: { ...CONFIG, managers: [] } } }, SOURCE, clock.now());
    expect(slack.uploads).toHaveLength(1);
    const size = readPngSize(slack.uploads[0]!.file);
    expect(size).not.toBeNull();
    expect(size!.width).toBeGreaterThan(500);
    expect(size!.height).toBeGreaterThan(200);
  });

  it('refuses to upload the chart to a user id instead of a conversation id', async () => {
    database = await createTestDb();
    const sender = createSlackDigestSender({ db: database.db, client: createFakeSlack().client, clock: createFakeClock(0) });
    await expect(sender.uploadChart('U0MGR1', TINY_PNG, { filename: 'x.png', title: 't', comment: 'c' })).rejects.toThrow(/not the user id/);
  });
});

// Two Vigil instances on one PostgreSQL database, as two pools in this process. On SQLite the
// same race needs two real processes (test/e2e/schedules.e2e.test.ts): two connections to one
// file in one process would deadlock, since the second BEGIN IMMEDIATE waits for the lock in a
// synchronous busy loop that keeps the first transaction's awaited statements from running.
describe.runIf(testStore() === 'postgres')('digest schedule, two instances on one PostgreSQL database', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function openTwo(): Promise<[VigilDatabase, VigilDatabase]> {
    const { url, drop } = await createTestDatabaseUrl();
    cleanups.push(drop);
    const first = openDatabase({ url });
    cleanups.push(() => first.close());
    const second = openDatabase({ url });
    cleanups.push(() => second.close());
    return [first, second];
  }

  it('runs a once-per-period task in only one of two concurrent processes', async () => {
    const [a, b] = await openTwo();
    const ran: string[] = [];
    const work = (who: string) => async () => {
      ran.push(who);
      await new Promise((resolve) => setTimeout(resolve, 30));
    };
    const results = await Promise.all([
      runOncePerPeriod(createTaskRunsRepository({ db: a.db }), 'digest:support-bot', '2026-W47', () => MONDAY_9, work('a')),
      runOncePerPeriod(createTaskRunsRepository({ db: b.db }), 'digest:support-bot', '2026-W47', () => MONDAY_9, work('b')),
    ]);
    expect(results.sort()).toEqual(['ran', 'skipped']);
    expect(ran).toHaveLength(1);
  });

  it('sends the digest once when two processes reach Monday 09:00 together', async () => {
    const [a, b] = await openTwo();
    await seedDigestWeek(a);
    const first = createContext(a);
    const second = createContext(b);
    const results = await Promise.all([runDigestIfDue(first.ctx, SOURCE, MONDAY_9), runDigestIfDue(second.ctx, SOURCE, MONDAY_9)]);
    expect(results.map((result) => result.status).sort()).toEqual(['sent', 'skipped']);
    expect(await listPosts(a)).toEqual(EXPECTED_POSTS);
    expect(first.slack.uploads.length + second.slack.uploads.length).toBe(3);
  });
});

describe('buildDigestTasks', () => {
  it('schedules each source with recipients at its own time in VIGIL_TIMEZONE, plus the hourly catch-up', async () => {
    const database = await createTestDb();
    const { ctx } = createContext(database);
    ctx.sources = { [SOURCE]: { ...CONFIG, schedule: '30 8 * * 2' }, silent: { managers: [], schedule: '0 9 * * 1' } };
    const tasks = buildDigestTasks(ctx);
    expect(tasks.map(({ name, schedule, timezone }) => ({ name, schedule, timezone }))).toEqual([
      { name: `digest:${SOURCE}`, schedule: '30 8 * * 2', timezone: TIME_ZONE },
      { name: 'digest:catch-up', schedule: '7 * * * *', timezone: TIME_ZONE },
    ]);
    await database.close();
  });

  it('keeps catching up the other sources when one fails, then reports the failure', async () => {
    const database = await createTestDb(seedDigestWeek);
    const { ctx, clock } = createContext(database);
    ctx.sources = { 'a-broken': { ...CONFIG, managers: ['U0BROKEN'] }, [SOURCE]: CONFIG };
    const open = ctx.sender.openDirectMessage;
    ctx.sender = { ...ctx.sender, openDirectMessage: async (user) => (user === 'U0BROKEN' ? Promise.reject(new Error('user_not_found')) : open(user)) };
    await expect(catchUpDigests(ctx, clock.now())).rejects.toThrow(AggregateError);
    expect((await ctx.taskRuns.find(`digest:${SOURCE}`, '2026-W47'))?.status).toBe('done');
    expect((await ctx.taskRuns.find('digest:a-broken', '2026-W47'))?.status).toBe('failed');
    await database.close();
  });
});
