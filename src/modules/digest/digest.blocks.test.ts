import { describe, expect, it } from 'vitest';
import { assertWithinLimits, measureTextBudget } from '../../shared/slack-limits.ts';
import { buildDigestMessage, renderDigestText } from './digest.blocks.ts';
import { formatChange, formatDateRange, formatDuration, formatPercent } from './digest-format.blocks.ts';
import { summarizeWeek, type WeekData } from './digest.models.ts';
import { CALIBRATION_W47, INCIDENTS_W47, MINUTE, PROBES_W47, REVIEW_W46, REVIEW_W47, SOURCE, W46, W47 } from './digest.test-utils.ts';

const changes = {
  versions: [{ version: 3, kind: 'change', actor: 'slack:U0REV1', reason: 'calibrated', at: W47.start }],
  thresholds: [{ grader: 'tone', from: 0.7, to: 0.6, version: 3, actor: 'slack:U0REV1', at: W47.start }],
  rollbacks: [{ version: 6, fromRelease: 'r2', toRelease: 'r1', actor: 'api:key_1', reason: 'bad <!channel> release', at: W47.start }],
  killSwitches: [{ on: true, version: 4, actor: 'slack:U0REV2', reason: 'leak', at: W47.start }],
};

const current: WeekData = {
  source: SOURCE,
  period: W47,
  events: { events: 1200, checked: 1190, flagged: 48, flagsByCheck: { pii: 30, tone: 12 } },
  graders: [{ grader: 'tone', graded: 1100, failed: 3 }],
  changes,
  review: REVIEW_W47,
  calibration: CALIBRATION_W47,
  incidents: INCIDENTS_W47,
  probes: PROBES_W47,
};
const previous: WeekData = { ...current, period: W46, events: { events: 1000, checked: 1000, flagged: 60, flagsByCheck: {} }, review: REVIEW_W46, incidents: [] };

describe('buildDigestMessage', () => {
  it('builds one screen: header, period, ten key figures with changes, four sections, the probes and a footer, within Block Kit limits', () => {
    const message = buildDigestMessage(summarizeWeek(current, previous));
    assertWithinLimits(message);
    expect(message.blocks.map((block) => block.block_id)).toEqual([
      'digest_header', 'digest_period', 'digest_figures', 'digest_divider', 'digest_findings', 'digest_probes', 'digest_changes', 'digest_reaction', 'digest_backlog',
      'digest_footer',
    ]);
    const figures = message.blocks[2]!;
    expect(figures.type === 'section' && figures.fields?.map((field) => field.text)).toEqual([
      '*Events*\n1,200  ▲ 20%',
      '*Checked*\n1,190  ▲ 19%',
      '*Flagged*\n48 (4%)  ▼ 20%',
      '*Sampled for review*\n5  ▲ 150%',
      '*Reviewed*\n5  ▲ 150%',
      '*Approved · rejected*\n60% · 40%',
      '*Average tone*\n3.5 / 5 (4 ratings)',
      '*Average brand*\n4.5 / 5 (2 ratings)',
      '*Backlog*\n4  ▲ 2',
      '*Incidents*\n3 opened, 2 resolved',
    ]);
    expect(message.text).toBe('Vigil weekly digest for support-bot, 2026-W47: 1,200 events, 48 flagged, 5 reviewed (40% rejected).');
  });

  it('writes the sections with escaped user text and mentions for Slack actors', () => {
    const texts = buildDigestMessage(summarizeWeek(current, previous)).blocks.flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));
    expect(texts[0]).toBe(
      [
        '*What humans found*',
        '2 of 5 reviewed items rejected (40%).',
        'Top rejection reasons: off_brand 2 (66.7%), tone 1 (33.3%).',
        'Most flagged: Personal data 30, Tone 12.',
        'Graders (estimates from this week’s verdicts):',
        '• tone: 1,100 graded, 3 failed · 4 labels — too few to judge',
      ].join('\n'),
    );
    expect(texts[1]).toBe('*Probes*\n• r-42: 19/21 passed (90.5%) · got through: `encoded-payload` 2× · 1 errored\n• _unknown release_: no run completed · 2 errored');
    expect(texts[2]).toBe(
      [
        '*What was changed*\n1 guardrail version.',
        '• tone threshold 0.7 → 0.6 (v3, <@U0REV1>)',
        '• Rolled back r2 → r1 (v6, api:key_1): bad &lt;!channel&gt; release',
        '• Kill switch *on* (v4, <@U0REV2>): leak',
      ].join('\n'),
    );
    expect(texts[3]).toContain('3 incidents: median 18 min to acknowledge, 48 min to resolve.');
    expect(texts[3]).toContain('• SEV2 Leaked &lt;secret&gt; · resolved in 1 h 5 min');
    expect(texts[3]).toContain('• SEV1 Still open · open, not acknowledged yet');
    expect(texts[3]).toContain('Review decisions: median 30 min, 90th percentile 2 h; 1 SLA breach.');
    expect(texts[4]).toBe(
      '*Backlog and reviewers*\n4 items waiting at the end of the week; 1 expired unreviewed.\n6 verdicts from 2 reviewers: <@U0REV1> 4, <@U0REV2> 2.',
    );
  });

  it('says in words why a figure is missing instead of "n/a", and judges graders only with enough labels', () => {
    const quiet: WeekData = {
      ...current,
      review: { ...REVIEW_W47, approved: 0, rejected: 0, rejectionReasons: {}, tone: { sum: 0, count: 0 }, brand: { sum: 0, count: 0 } },
      graders: [
        { grader: 'tone', graded: 10, failed: 0 },
        { grader: 'brand', graded: 10, failed: 0 },
      ],
      calibration: [{ grader: 'brand', threshold: 0.5, labels: [] }],
    };
    const message = buildDigestMessage(summarizeWeek(quiet, previous));
    const fieldTexts = message.blocks.flatMap((block) => (block.type === 'section' && block.fields ? block.fields.map((field) => field.text) : []));
    expect(fieldTexts).toEqual(expect.arrayContaining(['*Approved · rejected*\n_no verdicts this week_', '*Average tone*\n_no ratings this week_', '*Average brand*\n_no ratings this week_']));
    const findings = message.blocks.flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []))[0]!;
    expect(findings).toContain('• tone: 10 graded, 0 failed · no reviewed items yet, so no precision or recall');
    expect(message.text).not.toContain('n/a');
    expect(JSON.stringify(message.blocks)).not.toContain('n/a');
  });

  it('stays within limits for a week with long texts and long lists', () => {
    const long = 'x'.repeat(5000);
    const many = <T>(count: number, make: (i: number) => T) => Array.from({ length: count }, (_, i) => make(i));
    const huge: WeekData = {
      ...current,
      events: { events: 1e9, checked: 1e9, flagged: 5e8, flagsByCheck: Object.fromEntries(many(200, (i) => [`${long}${i}`, i + 1])) },
      graders: many(60, (i) => ({ grader: `g${i}${long}`, graded: 1e6, failed: 1e3 })),
      changes: {
        versions: many(300, (i) => ({ version: i, kind: 'change', actor: `slack:U${i}`, reason: long, at: 0 })),
        thresholds: many(300, (i) => ({ grader: long, from: 0.1, to: 0.2, version: i, actor: `cli:${long}`, at: 0 })),
        rollbacks: many(50, (i) => ({ version: i, fromRelease: long, toRelease: long, actor: 'system', reason: long, at: 0 })),
        killSwitches: many(50, (i) => ({ on: i % 2 === 0, version: i, actor: 'system', reason: long, at: 0 })),
      },
      review: { ...REVIEW_W47, rejectionReasons: Object.fromEntries(many(100, (i) => [`${long}${i}`, i])), verdictsByReviewer: Object.fromEntries(many(500, (i) => [`U${i}`, i])) },
      incidents: many(200, (i) => ({ id: `inc_${i}`, severity: long, title: long, openedAt: 0, acknowledgedAt: 60_000, resolvedAt: null })),
      probes: many(3000, (i) => ({ release: `${long}${i % 300}`, probe: `${long}${i}`, passed: 1e6, breached: 1e6, errors: 1e6 })),
    };
    const message = buildDigestMessage(summarizeWeek(huge, previous), { chartNote: long.slice(0, 200) });
    expect(() => assertWithinLimits(message)).not.toThrow();
    expect(measureTextBudget(message.blocks)).toBeLessThan(8000);
  });

  it('says "not available" for the parts whose loaders are not wired', () => {
    const bare: WeekData = { ...current, review: null, calibration: null, incidents: null };
    const text = renderDigestText(buildDigestMessage(summarizeWeek(bare, { ...previous, review: null })));
    expect(text).toContain('Reviewed: _not available yet_');
    expect(text).toContain('Review figures are _not available yet_.');
    expect(text).toContain('Incident figures are _not available yet_.');
  });
});

describe('the probes section', () => {
  const probesText = (week: WeekData) => {
    const block = buildDigestMessage(summarizeWeek(week, previous)).blocks.find((b) => b.block_id === 'digest_probes');
    return block?.type === 'section' ? block.text?.text : undefined;
  };

  it('is left out for a source that runs no probes, and says so for a week without probe runs', () => {
    expect(probesText({ ...current, probes: null })).toBeUndefined();
    expect(probesText({ ...current, probes: [] })).toBe('*Probes*\nNo probe runs this week.');
  });

  it('escapes release and probe names, keeps a probe name inside its code span, and cuts long lists', () => {
    const breaches = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((probe, i) => ({ release: 'r-7', probe, passed: 0, breached: 7 - i, errors: 0 }));
    const text = probesText({ ...current, probes: [{ release: '<!channel>', probe: 'x`<@U1>', passed: 1, breached: 1, errors: 0 }, ...breaches] });
    expect(text).toBe(
      [
        '*Probes*',
        '• r-7: 0/28 passed (0%) · got through: `a` 7×, `b` 6×, `c` 5×, `d` 4×, `e` 3×, and 2 more',
        '• &lt;!channel&gt;: 1/2 passed (50%) · got through: `xˋ&lt;@U1&gt;` 1×',
      ].join('\n'),
    );
  });
});

describe('renderDigestText', () => {
  it('prints the same content as plain text, with mentions and entities readable', () => {
    const text = renderDigestText(buildDigestMessage(summarizeWeek(current, previous)));
    expect(text.startsWith('Weekly digest · support-bot · 2026-W47\n======')).toBe(true);
    expect(text).toContain('16–22 Nov 2026 · changes are against 2026-W46');
    expect(text).toContain('Events: 1,200  ▲ 20%');
    expect(text).toContain('• Rolled back r2 → r1 (v6, api:key_1): bad <!channel> release');
    expect(text).toContain('6 verdicts from 2 reviewers: @U0REV1 4, @U0REV2 2.');
    expect(text).toContain('\nProbes\n• r-42: 19/21 passed (90.5%) · got through: `encoded-payload` 2× · 1 errored\n• _unknown release_: no run completed · 2 errored\n');
  });
});

describe('digest formats', () => {
  it('formats changes, percentages, durations and date ranges', () => {
    expect(formatChange({ value: 3, previous: 0, delta: 3, ratio: null })).toBe('▲ new');
    expect(formatChange({ value: 0, previous: 0, delta: 0, ratio: null })).toBe('· same as last week');
    expect(formatChange({ value: 9, previous: 12, delta: -3, ratio: -0.25 })).toBe('▼ 25%');
    expect(formatPercent(1 / 3)).toBe('33.3%');
    expect(formatPercent(null)).toBe('n/a');
    expect([formatDuration(20_000), formatDuration(42 * MINUTE), formatDuration(185 * MINUTE), formatDuration(50 * 60 * MINUTE)]).toEqual(['< 1 min', '42 min', '3 h 5 min', '2 d 2 h']);
    expect(formatDateRange('2026-12-28', '2027-01-03')).toBe('28 Dec 2026 – 3 Jan 2027');
    expect(formatDateRange('2026-11-30', '2026-12-06')).toBe('30 Nov – 6 Dec 2026');
  });
});
