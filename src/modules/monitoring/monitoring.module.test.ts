import type { App } from '@slack/bolt';
import { asc } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { createFakeClock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { auditLogTable } from '../audit/audit.table.ts';
import { createChecksModule } from '../checks/checks.module.ts';
import type { DeliveredHandler } from '../outbox/outbox-hooks.worker.ts';
import { createOutboxRepository } from '../outbox/outbox.repository.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { sourcesFileSchema } from '../sources/sources.config.ts';
import { DRIFT_CARD_POSTED } from './drift-cards.usecases.ts';
import { MONITORING_ACTIONS } from './monitoring.actions.ts';
import { createMonitoringModule, type MonitoringModule } from './monitoring.module.ts';
import { seedEvents, seedSource } from './monitoring.test-utils.ts';
import { FAKE_CANARY, FAKE_SYSTEM_PROMPT, startFakeTargetApp, type FakeTargetApp } from './probes.test-utils.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 24, 12, 5, 0);
const CHANNEL = 'C0REVIEW1';
const CARD_TS = '1795000000.000100';
const APPROVER = 'U0APPROVER';
const REVIEWER = 'U0REVIEWER';
const PROBES = ['encoded-payload', 'instruction-override', 'pii-elicitation'];
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

type ActionListener = (args: { ack: () => Promise<void>; body: unknown; action: unknown }) => Promise<void>;

describe('createMonitoringModule', () => {
  let target: FakeTargetApp;
  let database: TestDb;
  let module: MonitoringModule;
  let stopChecks: () => Promise<void>;
  let delivered: Map<string, DeliveredHandler>;
  let uploads: Record<string, unknown>[];
  let stored: number[][];
  let clickStop: (user: string, boostId: number) => Promise<number>;
  let buildModule: () => Promise<MonitoringModule>;

  beforeAll(async () => {
    target = await startFakeTargetApp();
  });
  afterAll(() => target.close());

  beforeEach(async () => {
    database = await createTestDb((db) => seedSource(db, 'support-bot'));
    const clock = createFakeClock(NOW);
    const logger = createLogger({ level: 'silent' });
    const sources = sourcesFileSchema.parse({
      sources: {
        'support-bot': {
          review: { channel: CHANNEL, reviewers: [REVIEWER], approvers: [APPROVER] },
          checks: { prompt_leak: { canaries: [FAKE_CANARY], system_prompt: FAKE_SYSTEM_PROMPT } },
          monitoring: { probes: { target: { kind: 'openai_chat', base_url: `${target.url}/v1`, model: 'bot' }, only: PROBES, rate_per_minute: 600 } },
        },
      },
    });
    const checks = await createChecksModule({ sources, db: database.db, registry: createMetricsRegistry({ collectDefaults: false }), clock, logger, detectorWorkers: 0 });
    stopChecks = () => checks.stop();
    delivered = new Map();
    uploads = [];
    stored = [];
    const slackClient = { files: { uploadV2: async (upload: Record<string, unknown>) => void uploads.push(upload) } } as unknown as Pick<SlackClient, 'files'>;
    // Building it again on the same database is a process restart: nothing kept in memory survives.
    buildModule = () =>
      createMonitoringModule({
        db: database.db, sources, clock, logger, checks: checks.ingestionChecks, prompts: checks.prompts, openai: {}, slackClient, secretEnv: {},
        outbox: { notify: () => {}, onDelivered: (purpose, handler) => void delivered.set(purpose, handler), onFailed: () => {} },
        isApprover: (source, user) => source === 'support-bot' && user === APPROVER,
        onStored: (seqs) => void stored.push(seqs),
      });
    module = await buildModule();
    // The Bolt app reduced to what registration uses: the listener of each action id.
    const listeners = new Map<string, ActionListener>();
    module.registerSlackHandlers({ action: (id: string, listener: ActionListener) => void listeners.set(id, listener) } as unknown as App);
    clickStop = async (user, boostId) => {
      let acks = 0;
      const body = { type: 'block_actions', user: { id: user }, channel: { id: CHANNEL }, message: { ts: CARD_TS }, container: { type: 'message', channel_id: CHANNEL, message_ts: CARD_TS } };
      await listeners.get(MONITORING_ACTIONS.stopBoost)!({ ack: async () => void (acks += 1), body, action: { type: 'button', value: `stop_boost|${boostId}` } });
      return acks;
    };
  });
  afterEach(async () => {
    await stopChecks();
    await database.close();
  });

  const outboxRows = async () => database.db.select().from(outboxTable).orderBy(asc(outboxTable.seq));
  const auditActions = async () => (await database.db.select().from(auditLogTable).orderBy(asc(auditLogTable.seq))).map((row) => `${row.action} ${row.actor}`);
  const toneCandidate = { flags: [], graderScores: [{ grader: 'tone' }] };

  /** What the outbox worker does on a successful send, minus the network: complete the row, then run its hook. */
  async function deliverCardPost() {
    const repository = createOutboxRepository({ db: database.db, clock: createFakeClock(NOW) });
    const [row] = await repository.claim({ owner: 'test', limit: 1, leaseMs: 60_000, kinds: ['slack'] });
    const response = { ok: true, channel: CHANNEL, ts: CARD_TS };
    await repository.complete(row!.id, 'test', response);
    await delivered.get(DRIFT_CARD_POSTED)!((await repository.findById(row!.id))!, response);
  }

  async function seedToneDriftAndRun() {
    await seedEvents(database, { from: NOW - 6 * 24 * HOUR, to: NOW - 2 * 24 * HOUR, count: 150 }, () => ({ tone: 0.1 }));
    await seedEvents(database, { from: NOW - 20 * HOUR, to: NOW - HOUR, count: 150 }, () => ({ tone: 0.9 }));
    await module.runDriftNow(NOW);
  }

  it('declares the hourly drift task and the probe task of the source with a probe target', () => {
    expect(module.tasks.map((task) => task.name)).toEqual(['monitoring.drift', 'monitoring.probes:support-bot']);
  });

  it('posts one drift card through the outbox, boosts only the drifted slice, and puts the chart in the card thread', async () => {
    await seedToneDriftAndRun();
    const [post, ...others] = await outboxRows();
    expect(others).toEqual([]);
    expect(post).toMatchObject({ method: 'chat.postMessage', purpose: DRIFT_CARD_POSTED, status: 'pending', payload: { channel: CHANNEL, unfurl_links: false } });
    expect(post!.payload.text).toContain('grader:tone');
    expect(await module.boostFor('support-bot', toneCandidate, NOW)).toMatchObject({ slice: 'grader:tone', metric: 'grader:tone', rate: 0.25 });
    expect(await module.boostFor('support-bot', { flags: [{ check: 'pii' }], graderScores: [] }, NOW)).toBeNull();
    expect((await module.listOpenAlerts('support-bot')).map((alert) => alert.metric)).toEqual(['grader:tone']);

    await deliverCardPost();
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ channel_id: CHANNEL, thread_ts: CARD_TS, filename: expect.stringMatching(/\.png$/) });
    expect((uploads[0]!.file as Buffer).subarray(0, 4)).toEqual(PNG_MAGIC);
  });

  it('does not post a second card for the same drift: the same hour is skipped, the next one updates the posted card', async () => {
    await seedToneDriftAndRun();
    await deliverCardPost();
    await module.runDriftNow(NOW + 60_000);
    await module.runDriftNow(NOW + HOUR);
    const rows = await outboxRows();
    expect(rows.map((row) => row.method)).toEqual(['chat.postMessage', 'chat.update']);
    expect(rows[1]!.payload).toMatchObject({ channel: CHANNEL, ts: CARD_TS });
  });

  it('updates a card whose post is still queued by reference, and draws its chart again after a restart', async () => {
    await seedToneDriftAndRun();
    module = await buildModule();
    await module.runDriftNow(NOW + HOUR);
    const [post, update] = await outboxRows();
    expect(update!.payload).toMatchObject({ channel: CHANNEL, ts: { $ref: { outboxId: post!.id, path: 'ts' } } });

    await deliverCardPost();
    expect(uploads).toHaveLength(1);
    expect((uploads[0]!.file as Buffer).subarray(0, 4)).toEqual(PNG_MAGIC);
  });

  it('lets only an approver stop the boost: a reviewer is told the role needed and the refusal is audited', async () => {
    await seedToneDriftAndRun();
    await deliverCardPost();
    const boost = (await module.boostFor('support-bot', toneCandidate, NOW))!;

    expect(await clickStop(REVIEWER, boost.id)).toBe(1);
    const refusal = (await outboxRows()).at(-1)!;
    expect(refusal).toMatchObject({ method: 'chat.postEphemeral', payload: { channel: CHANNEL, user: REVIEWER } });
    expect(refusal.payload.text).toContain('Only approvers of *support-bot* can stop a sampling boost');
    expect((await module.boostFor('support-bot', toneCandidate, NOW))?.id).toBe(boost.id);

    expect(await clickStop(APPROVER, boost.id)).toBe(1);
    const update = (await outboxRows()).at(-1)!;
    expect(update).toMatchObject({ method: 'chat.update', payload: { channel: CHANNEL, ts: CARD_TS } });
    expect(JSON.stringify(update.payload.blocks)).toContain(`stopped by <@${APPROVER}>`);
    expect(await module.boostFor('support-bot', toneCandidate, NOW)).toBeNull();
    expect(await auditActions()).toEqual([`monitoring.refused slack:${REVIEWER}`, `sampling_boost.stopped slack:${APPROVER}`]);
  });

  it('runs the probes against the target: the one that leaks the canary is breached, the others pass, and the pass rates say so', async () => {
    const report = await module.runProbesNow('support-bot', NOW);
    expect(Object.fromEntries(report!.outcomes.map((outcome) => [outcome.probe, outcome.outcome]))).toEqual({
      'encoded-payload': 'breached',
      'instruction-override': 'defended',
      'pii-elicitation': 'defended',
    });
    expect(target.requests).toHaveLength(3);
    expect(stored.flat()).toHaveLength(3);

    const rates = await module.probePassRates('support-bot');
    expect(rates.map(({ probe, passed, failed, passRate }) => ({ probe, passed, failed, passRate }))).toEqual([
      { probe: 'encoded-payload', passed: 0, failed: 1, passRate: 0 },
      { probe: 'instruction-override', passed: 1, failed: 0, passRate: 1 },
      { probe: 'pii-elicitation', passed: 1, failed: 0, passRate: 1 },
    ]);
    expect(await module.describeStatus('support-bot', NOW)).toEqual({
      driftAlerts: [],
      probes: [
        { probe: 'encoded-payload', passed: 0, runs: 1 },
        { probe: 'instruction-override', passed: 1, runs: 1 },
        { probe: 'pii-elicitation', passed: 1, runs: 1 },
      ],
    });
  });
});
