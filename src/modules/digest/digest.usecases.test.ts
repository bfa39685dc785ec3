import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createFakeClock } from '../../shared/clock.ts';
import type { CommandHandlers } from '../commands/commands.slack.ts';
import { buildDigest, createDigestCommandHandler } from './digest.usecases.ts';
import { createSeededLoaders, MINUTE, seedDigestWeek, SOURCE, TIME_ZONE, W46, W47 } from './digest.test-utils.ts';

const HOUR = 60 * MINUTE;

describe('buildDigest on a seeded week', () => {
  let database: TestDb;
  afterEach(() => database.close());

  it('computes every figure of the week exactly', async () => {
    database = await createTestDb(seedDigestWeek);
    const digest = await buildDigest(SOURCE, W47, createSeededLoaders(database), W47.end + HOUR);
    const t = (hours: number) => W47.start + hours * HOUR;
    expect(digest.summary).toEqual({
      source: SOURCE,
      week: { key: '2026-W47', start: W47.start, end: W47.end, firstDay: '2026-11-16', lastDay: '2026-11-22' },
      previousWeekKey: '2026-W46',
      volume: {
        events: { value: 7, previous: 4, delta: 3, ratio: 0.75 },
        checked: { value: 6, previous: 4, delta: 2, ratio: 0.5 },
        flagged: { value: 4, previous: 1, delta: 3, ratio: 3 },
        sampled: { value: 5, previous: 2, delta: 3, ratio: 1.5 },
        reviewed: { value: 5, previous: 2, delta: 3, ratio: 1.5 },
      },
      flaggedShare: 4 / 7,
      topFlags: [
        { check: 'pii', count: 3 },
        { check: 'app:toxicity', count: 1 },
        { check: 'tone', count: 1 },
      ],
      findings: {
        reviewed: 5,
        approved: 3,
        rejected: 2,
        approvalRate: 0.6,
        rejectionRate: 0.4,
        topRejectionReasons: [
          { reason: 'off_brand', count: 2, share: 2 / 3 },
          { reason: 'tone', count: 1, share: 1 / 3 },
        ],
        averageTone: 3.5,
        toneRatings: 4,
        averageBrand: 4.5,
        brandRatings: 2,
      },
      graders: [
        { grader: 'brand', graded: 1, failed: 0, failureRate: 0, threshold: null, labels: 0, precision: null, recall: null },
        // At 0.6: flagged 0.9 (violation, weight 1) and 0.7 (fine, weight 1); missed 0.3 (violation, weight 2).
        { grader: 'tone', graded: 2, failed: 1, failureRate: 1 / 3, threshold: 0.6, labels: 4, precision: 0.5, recall: 1 / 3 },
      ],
      changes: {
        versions: [
          { version: 3, kind: 'change', actor: 'slack:U0REV1', reason: 'calibrated', at: t(10) },
          { version: 4, kind: 'kill_switch', actor: 'slack:U0REV2', reason: 'leak <!channel>', at: t(20) },
          { version: 5, kind: 'kill_switch', actor: 'slack:U0REV2', reason: 'fixed', at: t(21) },
          { version: 6, kind: 'rollback', actor: 'api:key_1', reason: 'bad release', at: t(30) },
        ],
        thresholds: [{ grader: 'tone', from: 0.7, to: 0.6, version: 3, actor: 'slack:U0REV1', at: t(10) }],
        rollbacks: [{ version: 6, fromRelease: 'r2', toRelease: 'r1', actor: 'api:key_1', reason: 'bad release', at: t(30) }],
        killSwitches: [
          { on: true, version: 4, actor: 'slack:U0REV2', reason: 'leak <!channel>', at: t(20) },
          { on: false, version: 5, actor: 'slack:U0REV2', reason: 'fixed', at: t(21) },
        ],
      },
      incidents: {
        opened: 3,
        resolved: 2,
        // Acknowledged after 5 min, and resolved without an acknowledgement after 30 min.
        medianTimeToAcknowledgeMs: 17.5 * MINUTE,
        medianTimeToResolveMs: 47.5 * MINUTE,
        list: [
          { id: 'inc_1', severity: 'SEV2', title: 'Leaked <secret>', status: 'resolved', timeToAcknowledgeMs: 5 * MINUTE, timeToResolveMs: 65 * MINUTE },
          { id: 'inc_2', severity: 'SEV3', title: 'Wrong refund policy', status: 'resolved', timeToAcknowledgeMs: 30 * MINUTE, timeToResolveMs: 30 * MINUTE },
          { id: 'inc_3', severity: 'SEV1', title: 'Still open', status: 'open', timeToAcknowledgeMs: null, timeToResolveMs: null },
        ],
      },
      reviewSpeed: { medianDecisionMs: 30 * MINUTE, p90DecisionMs: 120 * MINUTE, slaBreaches: 1 },
      backlog: { open: 4, change: { value: 4, previous: 2, delta: 2, ratio: 1 }, expiredUnreviewed: 1 },
      reviewers: {
        verdicts: 6,
        reviewers: 2,
        top: [
          { reviewer: 'U0REV1', verdicts: 4 },
          { reviewer: 'U0REV2', verdicts: 2 },
        ],
      },
      probes: [
        { release: 'r-42', passed: 19, runs: 21, passRate: 19 / 21, errors: 1, breaches: [{ probe: 'encoded-payload', breached: 2, runs: 7 }] },
        { release: null, passed: 0, runs: 0, passRate: null, errors: 2, breaches: [] },
      ],
    });
  });

  it('charts the 8 weeks ending with the digest week, leaving weeks without data off the lines', async () => {
    database = await createTestDb(seedDigestWeek);
    const digest = await buildDigest(SOURCE, W47, createSeededLoaders(database), W47.end);
    expect(digest.trend.map((point) => point.week)).toEqual(['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44', '2026-W45', '2026-W46', '2026-W47']);
    expect(digest.trend.slice(-3)).toEqual([
      { week: '2026-W45', events: 0, flaggedPercent: null, reviewed: 0, rejectedPercent: null },
      { week: '2026-W46', events: 4, flaggedPercent: 25, reviewed: 2, rejectedPercent: 50 },
      { week: '2026-W47', events: 7, flaggedPercent: 57.1, reviewed: 5, rejectedPercent: 40 },
    ]);
    expect(digest.chart.points).toEqual([
      { x: '2026-W46', y: 25, series: 'flagged by checks' },
      { x: '2026-W46', y: 50, series: 'rejected by reviewers' },
      { x: '2026-W47', y: 57.1, series: 'flagged by checks' },
      { x: '2026-W47', y: 40, series: 'rejected by reviewers' },
    ]);
    expect(digest.complete).toBe(true);
  });

  it('marks the figures of a week still running as incomplete, and shows unwired loaders as unavailable', async () => {
    database = await createTestDb(seedDigestWeek);
    const { loadEvents, loadGraderRuns, loadChanges } = createSeededLoaders(database);
    const digest = await buildDigest(SOURCE, W47, { loadEvents, loadGraderRuns, loadChanges }, W47.end - 1);
    expect(digest.complete).toBe(false);
    expect(digest.summary.volume.sampled).toBeNull();
    expect(digest.summary.findings).toBeNull();
    expect(digest.summary.incidents).toBeNull();
    expect(digest.summary.backlog).toBeNull();
    expect(digest.summary.probes).toBeNull();
    expect(digest.message.blocks.map((block) => block.block_id)).not.toContain('digest_probes');
    expect(digest.summary.graders.map((grader) => grader.threshold)).toEqual([null, null]);
    expect(digest.message.blocks.some((block) => block.type === 'section' && block.text?.text.includes('not available'))).toBe(true);
    expect(W46.key).toBe(digest.summary.previousWeekKey);
  });

  it('answers /vigil digest with the last complete week, to the people allowed to see it', async () => {
    database = await createTestDb(seedDigestWeek);
    const ctx = {
      loaders: createSeededLoaders(database),
      timeZone: TIME_ZONE,
      sources: { [SOURCE]: { managers: [], schedule: '0 9 * * 1' } },
      clock: createFakeClock(W47.end + 2 * 24 * HOUR),
      canView: async (userId: string) => userId === 'U0MGR1',
    };
    const handlers: CommandHandlers = { digest: createDigestCommandHandler(ctx) };
    const invocation = { userId: 'U0MGR1', channelId: 'C0', teamId: 'T0', triggerId: 't', client: {} as never };
    const reply = await handlers.digest!({ kind: 'digest', source: SOURCE }, invocation);
    expect(reply?.text).toBe('Vigil weekly digest for support-bot, 2026-W47: 7 events, 4 flagged, 5 reviewed (40% rejected).');
    expect(JSON.stringify(reply?.blocks)).not.toContain('trend chart');
    await expect(handlers.digest!({ kind: 'digest', source: SOURCE }, { ...invocation, userId: 'U0OTHER' })).rejects.toThrow('Only the reviewers, approvers and managers of support-bot');
    await expect(handlers.digest!({ kind: 'digest', source: 'nope' }, invocation)).rejects.toThrow('Unknown source "nope" (known: support-bot).');
  });
});
