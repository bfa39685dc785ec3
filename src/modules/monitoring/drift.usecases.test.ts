import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { readPngSize } from '../../shared/charts.ts';
import { assertWithinLimits } from '../../shared/slack-limits.ts';
import { createBoostsRepository } from './boosts.repository.ts';
import { activeBoosts, stopSamplingBoost } from './boosts.usecases.ts';
import { createDriftRepository } from './drift.repository.ts';
import { runDriftCheck, type DriftJobDeps, type PostAlertCard } from './drift.usecases.ts';
import type { SlackMessage } from './drift.blocks.ts';
import { driftConfigSchema } from './monitoring.config.ts';
import { MONITORING_ACTIONS, parseStopBoostValue } from './monitoring.actions.ts';
import { createNormalSample } from './drift.test-utils.ts';
import { piiFlag, seedEvents, seedSource } from './monitoring.test-utils.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const config = driftConfigSchema.parse({});
// Reference traffic sits in [now − 7 d, now − 2 d], inside the reference window of this run and of the next hourly runs.
const REFERENCE = { from: NOW - 7 * 24 * HOUR, to: NOW - 2 * 24 * HOUR, count: 400 };
const CURRENT = { from: NOW - 20 * HOUR, to: NOW - HOUR, count: 200 };

interface Posted {
  source: string;
  message: SlackMessage;
  png: Buffer | null;
  ref: { alertId: number; metric: string };
}

describe('drift job', () => {
  let database: TestDb;
  let posted: Posted[];
  let deps: DriftJobDeps;

  beforeEach(async () => {
    database = await createTestDb((db) => seedSource(db));
    posted = [];
    const postAlertCard: PostAlertCard = async (source, message, png, ref) => void posted.push({ source, message, png, ref });
    deps = {
      driftRepository: createDriftRepository({ db: database.db }),
      boostsRepository: createBoostsRepository({ db: database.db }),
      postAlertCard,
      renderChart: async () => Buffer.from('png'),
    };
  });
  afterEach(() => database.close());

  const seedSteady = async (range: { from: number; to: number; count: number }, seed: number) => {
    const tones = createNormalSample(seed, range.count, 0.2, 0.08);
    await seedEvents(database, range, (i) => ({ tone: tones[i], flags: i % 50 === 0 ? [piiFlag] : [], modelVersion: '2024-07-18' }));
  };

  it('raises no alert when both windows come from the same distribution', async () => {
    await seedSteady(REFERENCE, 1);
    await seedSteady(CURRENT, 2);
    const report = await runDriftCheck(deps, { source: 'support-bot', config, now: NOW });
    expect(report.outcomes.map((o) => o.metric)).toEqual(['grader:tone', 'detector:pii:flag_rate', 'output_length', 'refusal_rate', 'model_version']);
    expect(report.outcomes.every((o) => o.result?.status === 'no_drift' && o.action === 'none')).toBe(true);
    expect(posted).toHaveLength(0);
    expect(await deps.driftRepository.listAlerts('support-bot')).toEqual([]);
  });

  it('alerts once on a shifted grader score distribution and a jump in a detector flag rate, and boosts both slices', async () => {
    await seedSteady(REFERENCE, 1);
    const shifted = createNormalSample(3, CURRENT.count, 0.45, 0.08);
    await seedEvents(database, CURRENT, (i) => ({ tone: shifted[i], flags: i % 5 === 0 ? [piiFlag] : [], modelVersion: '2024-07-18' }));
    deps.renderChart = undefined;

    const report = await runDriftCheck(deps, { source: 'support-bot', config, now: NOW });
    const byMetric = Object.fromEntries(report.outcomes.map((o) => [o.metric, o]));
    expect(byMetric['grader:tone']).toMatchObject({ action: 'alert', result: { test: 'ks', status: 'drift' } });
    expect(byMetric['grader:tone']!.result!.statistic).toBeLessThan(1e-10);
    expect(byMetric['detector:pii:flag_rate']).toMatchObject({ action: 'alert', result: { test: 'z', status: 'drift' } });
    expect(byMetric['output_length']!.action).toBe('none');
    expect(posted.map((p) => p.ref.metric).sort()).toEqual(['detector:pii:flag_rate', 'grader:tone']);

    const boosts = await activeBoosts(deps, 'support-bot', NOW);
    expect(boosts.map((b) => [b.slice, b.rate, b.until])).toEqual([
      ['grader:tone', 0.25, NOW + 24 * HOUR],
      ['detector:pii', 0.25, NOW + 24 * HOUR],
    ]);
    for (const card of posted) {
      assertWithinLimits(card.message);
      expect(readPngSize(card.png!)).not.toBeNull();
      const section = card.message.blocks.find((block) => block.block_id?.endsWith('.boost'));
      expect(section).toMatchObject({ accessory: { action_id: MONITORING_ACTIONS.stopBoost } });
      const value = (section as { accessory: { value: string } }).accessory.value;
      expect(boosts.map((b) => b.id)).toContain(parseStopBoostValue(value).boostId);
    }

    const updated: number[] = [];
    deps.updateAlertCard = async (_source, alertId, message) => {
      assertWithinLimits(message);
      updated.push(alertId);
    };
    const next = await runDriftCheck(deps, { source: 'support-bot', config, now: NOW + HOUR });
    expect(updated.sort()).toEqual(posted.map((p) => p.ref.alertId).sort());
    expect(next.outcomes.find((o) => o.metric === 'grader:tone')).toMatchObject({ action: 'update', alertId: byMetric['grader:tone']!.alertId });
    expect(posted).toHaveLength(2);
    expect(await deps.driftRepository.listOpenAlerts('support-bot')).toHaveLength(2);
    expect(await activeBoosts(deps, 'support-bot', NOW + HOUR)).toHaveLength(2);
  });

  it('raises no alert from a window too small to mean anything, however different', async () => {
    await seedSteady(REFERENCE, 1);
    await seedEvents(database, { ...CURRENT, count: 20 }, () => ({ tone: 0.95, flags: [piiFlag], output: "I'm sorry, but I can't help with that." }));
    const report = await runDriftCheck(deps, { source: 'support-bot', config, now: NOW });
    expect(report.outcomes.map((o) => o.result?.status)).toEqual(report.outcomes.map(() => 'insufficient_data'));
    expect(posted).toHaveLength(0);
  });

  it('ignores probe traffic, which is synthetic', async () => {
    await seedSteady(REFERENCE, 1);
    await seedSteady(CURRENT, 2);
    await seedEvents(database, CURRENT, () => ({ origin: 'probe', output: "I can't help with that.", flags: [piiFlag] }));
    const report = await runDriftCheck(deps, { source: 'support-bot', config, now: NOW });
    expect(report.outcomes.find((o) => o.metric === 'refusal_rate')!.result!.sizes).toEqual({ reference: 400, current: 200 });
    expect(posted).toHaveLength(0);
  });

  it('detects a jump in the refusal rate and a new model version, boosting that version', async () => {
    await seedSteady(REFERENCE, 1);
    await seedEvents(database, CURRENT, (i) => ({
      output: i % 4 === 0 ? "I'm sorry, but I can't help with that." : 'Your refund is on its way.',
      modelVersion: i % 2 === 0 ? '2024-08-06' : '2024-07-18',
    }));
    const report = await runDriftCheck(deps, { source: 'support-bot', config, now: NOW });
    const alerted = report.outcomes.filter((o) => o.action === 'alert').map((o) => o.metric);
    expect(alerted).toEqual(expect.arrayContaining(['refusal_rate', 'model_version']));
    const slices = (await activeBoosts(deps, 'support-bot', NOW)).map((b) => b.slice);
    expect(slices).toEqual(expect.arrayContaining(['refusal', 'model_version:2024-08-06']));
  });

  it('posts on a later run an alert whose card could not be posted, without alerting twice', async () => {
    await seedSteady(REFERENCE, 1);
    await seedEvents(database, CURRENT, (i) => ({ tone: 0.9, flags: i % 50 === 0 ? [piiFlag] : [], modelVersion: '2024-07-18' }));
    const working = deps.postAlertCard;
    deps.postAlertCard = async () => {
      throw new Error('outbox unavailable');
    };
    const first = await runDriftCheck(deps, { source: 'support-bot', config, now: NOW });
    expect(first.outcomes.find((o) => o.metric === 'grader:tone')).toMatchObject({ action: 'none', error: 'outbox unavailable' });
    deps.postAlertCard = working;
    await runDriftCheck(deps, { source: 'support-bot', config, now: NOW + HOUR });
    expect(posted.map((p) => p.ref.metric)).toEqual(['grader:tone']);
    const [alert] = await deps.driftRepository.listAlerts('support-bot');
    expect(alert!.postedAt).toBe(NOW + HOUR);
  });

  it('lets only an approver stop the boost, once, and rebuilds the card without the Stop button', async () => {
    await seedSteady(REFERENCE, 1);
    await seedEvents(database, CURRENT, (i) => ({ tone: 0.9, flags: i % 50 === 0 ? [piiFlag] : [], modelVersion: '2024-07-18' }));
    await runDriftCheck(deps, { source: 'support-bot', config, now: NOW });
    const [boost] = await activeBoosts(deps, 'support-bot', NOW);
    const canStop = (source: string, actor: string) => source === 'support-bot' && actor.startsWith('U0APPROVER');
    expect(await stopSamplingBoost(deps, { boostId: boost!.id, actor: 'U0REVIEWER', now: NOW + HOUR, canStop })).toMatchObject({ status: 'forbidden', message: null });
    expect(await activeBoosts(deps, 'support-bot', NOW + HOUR)).toHaveLength(1);
    const stopped = await stopSamplingBoost(deps, { boostId: boost!.id, actor: 'U0APPROVER', now: NOW + 2 * HOUR, canStop });
    expect(stopped.status).toBe('stopped');
    assertWithinLimits(stopped.message!);
    const text = JSON.stringify(stopped.message!.blocks);
    expect(text).toContain('stopped by <@U0APPROVER>');
    expect(text).not.toContain(MONITORING_ACTIONS.stopBoost);
    expect(await activeBoosts(deps, 'support-bot', NOW + 2 * HOUR)).toEqual([]);
    expect((await stopSamplingBoost(deps, { boostId: boost!.id, actor: 'U0APPROVER2', now: NOW + 3 * HOUR, canStop })).status).toBe('already_stopped');
    expect((await stopSamplingBoost(deps, { boostId: 9999, actor: 'U0APPROVER', now: NOW, canStop })).status).toBe('not_found');
  });
});
