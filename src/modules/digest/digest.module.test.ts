import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { createFakeClock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { createIncidentsDigestRepository } from '../incidents/incidents-digest.repository.ts';
import { incidentsTable } from '../incidents/incidents.table.ts';
import { createDigestProbesLoader } from '../monitoring/monitoring.module.ts';
import { createProbesRepository } from '../monitoring/probes.repository.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { sourcesFileSchema } from '../sources/sources.config.ts';
import { createTaskRunsRepository, DEFAULT_TASK_LEASE_MS } from '../tasks/task-runs.repository.ts';
import { createDigestModule, type DigestModuleOptions } from './digest.module.ts';
import { seedDigestWeek, SOURCE, TIME_ZONE, W47, type SeedDb } from './digest.test-utils.ts';

// The module as the composition root builds it, on a seeded database, a fake clock and a
// recording Slack client: the W47 digest was due on Monday 23 November 2026 at 09:00 in
// Paris, and Vigil comes back on Tuesday.

const MONDAY_9 = Date.parse('2026-11-23T08:00:00Z');
const TUESDAY = MONDAY_9 + 25 * 3_600_000;
const HOUR = 3_600_000;

const SOURCES = sourcesFileSchema.parse({
  sources: {
    [SOURCE]: {
      digest: { channel: 'C0DIGEST', managers: ['U0MGR1', 'U0MGR2'] },
      review: { reviewers: ['S0REVIEWERS'], approvers: ['U0APPROVER'] },
    },
    'other-bot': null,
  },
});

const PROBED_MONITORING = sourcesFileSchema.parse({
  sources: { [SOURCE]: { monitoring: { probes: { target: { kind: 'openai_chat', base_url: 'https://app.example', model: 'support-model' } } } } },
}).sources[SOURCE]!.monitoring;

function createFakeSlack(options: { failOpen?: boolean } = {}) {
  const opened: string[] = [];
  const uploads: { channel_id: string; filename: string; file: Buffer }[] = [];
  const client = {
    conversations: {
      open: async ({ users }: { users: string }) => {
        if (options.failOpen) throw new Error('An API error occurred: ratelimited');
        opened.push(users);
        return { ok: true, channel: { id: `D${users.slice(1)}` } };
      },
    },
    files: {
      uploadV2: async (args: { channel_id: string; filename: string; file: Buffer }) => {
        uploads.push(args);
        return { ok: true };
      },
    },
    usergroups: { users: { list: async ({ usergroup }: { usergroup: string }) => ({ ok: true, users: usergroup === 'S0REVIEWERS' ? ['U0REVIEWER'] : [] }) } },
  } as unknown as Pick<SlackClient, 'conversations' | 'files' | 'usergroups'>;
  return { client, opened, uploads };
}

async function seedWeekWithIncident(database: SeedDb): Promise<void> {
  await seedDigestWeek(database);
  const openedAt = W47.start + 40 * HOUR;
  await database.db
    .insert(incidentsTable)
    .values({
      id: 'inc_01',
      source: SOURCE,
      severity: 'SEV2',
      title: 'Refund policy leaked',
      summary: 'not shown',
      status: 'resolved',
      reporter: 'U0REVIEWER',
      channelName: 'inc-refund',
      invitees: [],
      paging: 'none',
      openedAt,
      acknowledgedAt: openedAt + 5 * 60_000,
      resolvedAt: openedAt + HOUR,
      updatedAt: openedAt + HOUR,
    });
}

function createLogLines() {
  const lines: { msg: string }[] = [];
  return { lines, logger: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } }) };
}

function startModule(database: SeedDb, overrides: Partial<DigestModuleOptions> = {}) {
  const slack = createFakeSlack();
  const log = createLogLines();
  const notified = { count: 0 };
  const module = createDigestModule({
    db: database.db,
    sources: SOURCES,
    timeZone: TIME_ZONE,
    clock: createFakeClock(TUESDAY),
    logger: log.logger,
    slackClient: slack.client,
    notifyOutbox: () => void notified.count++,
    extraLoaders: { loadIncidents: createIncidentsDigestRepository({ db: database.db }).loadIncidents },
    ...overrides,
  });
  return { module, slack, notified, log };
}

const listOutbox = (database: SeedDb) => database.db.select().from(outboxTable).orderBy(asc(outboxTable.seq));
const listPosts = async (database: SeedDb) => (await listOutbox(database)).map((row) => [row.method, row.payload.channel]);

describe('the digest module', () => {
  let database: TestDb;
  afterEach(() => database?.close());

  it('sends the digest owed during downtime once at start, and nothing on the next restart', async () => {
    database = await createTestDb(seedWeekWithIncident);
    const first = startModule(database);
    expect(await first.module.catchUp(TUESDAY)).toBe('ok');
    expect(await listPosts(database)).toEqual([
      ['chat.postMessage', 'C0DIGEST'],
      ['chat.postMessage', 'D0MGR1'],
      ['chat.postMessage', 'D0MGR2'],
    ]);
    expect(first.notified.count).toBe(3);
    expect(first.slack.uploads.map((upload) => [upload.channel_id, upload.filename])).toEqual([
      ['C0DIGEST', 'vigil-support-bot-2026-W47.png'],
      ['D0MGR1', 'vigil-support-bot-2026-W47.png'],
      ['D0MGR2', 'vigil-support-bot-2026-W47.png'],
    ]);
    const posted = JSON.stringify((await listOutbox(database))[0]?.payload);
    expect(posted).toContain('Refund policy leaked');

    const restarted = startModule(database, { clock: createFakeClock(TUESDAY + HOUR) });
    expect(await restarted.module.catchUp(TUESDAY + HOUR)).toBe('ok');
    expect(await listPosts(database)).toHaveLength(3);
    expect(restarted.slack.opened).toEqual([]);
    expect(restarted.slack.uploads).toEqual([]);
  });

  it('logs a failed catch-up instead of rejecting, and sends at the next one', async () => {
    database = await createTestDb(seedWeekWithIncident);
    const failing = startModule(database, { slackClient: createFakeSlack({ failOpen: true }).client });
    expect(await failing.module.catchUp(TUESDAY)).toBe('failed');
    expect(failing.log.lines.map((line) => line.msg)).toContain('task failed');

    const next = startModule(database, { clock: createFakeClock(TUESDAY + HOUR) });
    expect(await next.module.catchUp(TUESDAY + HOUR)).toBe('ok');
    expect(await listPosts(database)).toHaveLength(3);
  });

  it('sends the digest of a process that died mid-run once its claim is stale, not while it may still be running', async () => {
    database = await createTestDb(seedWeekWithIncident);
    const taskRuns = createTaskRunsRepository({ db: database.db });
    await taskRuns.claim(`digest:${SOURCE}`, W47.key, TUESDAY - 10 * 60_000);
    const clock = createFakeClock(TUESDAY);
    const { module } = startModule(database, { clock });
    expect(await module.catchUp(clock.now())).toBe('ok');
    expect(await listPosts(database)).toEqual([]);

    clock.set(TUESDAY - 10 * 60_000 + DEFAULT_TASK_LEASE_MS);
    expect(await module.catchUp(clock.now())).toBe('ok');
    expect(await listPosts(database)).toHaveLength(3);
    expect((await taskRuns.find(`digest:${SOURCE}`, W47.key))?.status).toBe('done');
  });

  it('schedules each source with recipients and the hourly catch-up', async () => {
    database = await createTestDb();
    expect(startModule(database).module.tasks.map((task) => [task.name, task.schedule, task.timezone])).toEqual([
      [`digest:${SOURCE}`, '0 9 * * 1', TIME_ZONE],
      ['digest:catch-up', '7 * * * *', TIME_ZONE],
    ]);
  });

  it('schedules nothing and sends nothing while Slack is off, and says why in the log', async () => {
    database = await createTestDb(seedWeekWithIncident);
    const { module, log } = startModule(database, { slackClient: null });
    expect(module.tasks).toEqual([]);
    expect(await module.catchUp(TUESDAY)).toBe('skipped');
    expect(await listPosts(database)).toEqual([]);
    expect(log.lines.map((line) => line.msg)).toEqual(['weekly digests are not scheduled: Slack is off (`vigil digest --dry-run` still prints them)']);
  });

  it('answers /vigil digest with the last complete week to its managers, approvers and reviewers (also through a user group)', async () => {
    database = await createTestDb(seedWeekWithIncident);
    const { module } = startModule(database);
    for (const userId of ['U0MGR1', 'U0APPROVER', 'U0REVIEWER']) {
      const reply = await module.handleDigestCommand(SOURCE, userId);
      expect(reply.text).toBe('Vigil weekly digest for support-bot, 2026-W47: 7 events, 4 flagged.');
      expect(reply.blocks[0]).toEqual({ type: 'header', block_id: 'digest_header', text: { type: 'plain_text', text: 'Weekly digest · support-bot · 2026-W47', emoji: true } });
      expect(JSON.stringify(reply.blocks)).toContain('Refund policy leaked');
    }
    expect(await listPosts(database)).toEqual([]);
  });

  it('shows the probe pass rates of a source that runs probes, and no probe section for one that does not', async () => {
    database = await createTestDb(seedWeekWithIncident);
    const probed = { ...SOURCES, sources: { ...SOURCES.sources, [SOURCE]: { ...SOURCES.sources[SOURCE]!, monitoring: PROBED_MONITORING } } };
    const loadProbes = createDigestProbesLoader({ db: database.db, sources: probed.sources });
    const at = W47.start + HOUR;
    const run = (runId: string, probe: string, passed: boolean) =>
      ({ runId, source: SOURCE, probe, category: 'injection', release: 'r-42', passed, reason: null, error: null, latencyMs: 5, eventId: null, startedAt: at });
    await createProbesRepository({ db: database.db }).insertRuns([run('p1', 'encoded-payload', false), run('p1', 'prompt-leak', true), run('p2', 'prompt-leak', true)]);

    const { module } = startModule(database, { sources: probed, extraLoaders: { loadProbes } });
    const reply = await module.handleDigestCommand(SOURCE, 'U0MGR1');
    expect(reply.blocks.find((block) => block.block_id === 'digest_probes')).toMatchObject({
      text: { text: '*Probes*\n• r-42: 2/3 passed (66.7%) · got through: `encoded-payload` 1×' },
    });
    expect(await loadProbes('other-bot', W47)).toBeNull();
    const withoutProbes = startModule(database, { extraLoaders: { loadProbes: createDigestProbesLoader({ db: database.db, sources: SOURCES.sources }) } });
    const unprobed = await withoutProbes.module.handleDigestCommand(SOURCE, 'U0MGR1');
    expect(unprobed.blocks.map((block) => block.block_id)).not.toContain('digest_probes');
  });

  it('refuses the digest to anyone else, and names the known sources for an unknown one', async () => {
    database = await createTestDb(seedWeekWithIncident);
    const { module } = startModule(database);
    await expect(module.handleDigestCommand(SOURCE, 'U0STRANGER')).rejects.toThrow('Only the reviewers, approvers and managers of support-bot can see its digest.');
    await expect(module.handleDigestCommand('nope', 'U0MGR1')).rejects.toThrow('Unknown source "nope" (known: support-bot, other-bot).');
  });
});
