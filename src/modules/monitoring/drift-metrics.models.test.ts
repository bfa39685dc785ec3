import { describe, expect, it } from 'vitest';
import { buildDriftChartOptions } from './drift-chart.models.ts';
import { buildDriftMetrics, createEmptyWindowData, describeWindowFigures, findRisingCategory, formatNumber, formatPercent } from './drift-metrics.models.ts';
import { resolveDriftWindows } from './drift-windows.models.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

describe('buildDriftMetrics', () => {
  it('builds one metric per grader and detector seen in either window, plus length, refusals and versions', () => {
    const reference = { ...createEmptyWindowData(), events: 10, refusals: 1, outputLengths: [10, 20], graderScores: { tone: [0.1] }, detectorFlags: { pii: 2 }, modelVersions: { a: 10 } };
    const current = { ...createEmptyWindowData(), events: 5, refusals: 2, outputLengths: [30], graderScores: { brand: [0.4] }, detectorFlags: { secrets: 1 }, modelVersions: { a: 2, b: 3 } };
    const metrics = buildDriftMetrics(reference, current);
    expect(metrics.map((m) => [m.name, m.slice, m.windows.kind])).toEqual([
      ['grader:brand', 'grader:brand', 'numeric'],
      ['grader:tone', 'grader:tone', 'numeric'],
      ['detector:pii:flag_rate', 'detector:pii', 'rate'],
      ['detector:secrets:flag_rate', 'detector:secrets', 'rate'],
      ['output_length', 'all', 'numeric'],
      ['refusal_rate', 'refusal', 'rate'],
      ['model_version', 'model_version:b', 'categorical'],
    ]);
    expect(metrics[2]!.windows).toEqual({ kind: 'rate', reference: { positives: 2, total: 10 }, current: { positives: 0, total: 5 } });
    expect(metrics[6]!.windows).toMatchObject({ reference: Array(10).fill('a'), current: ['a', 'a', 'b', 'b', 'b'] });
  });

  it('boosts the version whose share grew most', () => {
    expect(findRisingCategory({ old: 90, mid: 10 }, { old: 20, mid: 30, new: 50 })).toBe('new');
    expect(findRisingCategory({ old: 50, mid: 50 }, { old: 10, mid: 90 })).toBe('mid');
  });
});

describe('figures', () => {
  it('describes rates, numbers and categories for the card', () => {
    expect(describeWindowFigures({ kind: 'rate', reference: { positives: 8, total: 400 }, current: { positives: 40, total: 200 } })).toEqual({
      reference: '2.0% (8 of 400)',
      current: '20% (40 of 200)',
    });
    expect(describeWindowFigures({ kind: 'numeric', reference: [1, 2, 3, 4], current: [10] })).toEqual({ reference: 'mean 2.5 · median 2.5', current: 'mean 10 · median 10' });
    expect(describeWindowFigures({ kind: 'categorical', reference: ['a', 'a', 'b', 'c', 'd'], current: [] })).toEqual({
      reference: 'a 40%, b 20%, c 20% (+1 more)',
      current: 'no values',
    });
    expect([formatNumber(0.000123), formatNumber(12345.6), formatNumber(0.123456), formatPercent(0.005)]).toEqual(['1.2e-4', '12,346', '0.123', '0.5%']);
  });

  it('charts a rate as two bars and scores as shares per value of each window', () => {
    expect(buildDriftChartOptions('refusal_rate', { kind: 'rate', reference: { positives: 1, total: 100 }, current: { positives: 10, total: 100 } }).points).toEqual([
      { x: 'before (reference)', y: 1 },
      { x: 'after (current)', y: 10 },
    ]);
    const scores = buildDriftChartOptions('grader:tone', { kind: 'numeric', reference: [0, 0, 0.5, 1], current: [1, 1] });
    expect(scores.points).toEqual([
      { x: 0, y: 50, series: 'before (reference)' },
      { x: 0, y: 0, series: 'after (current)' },
      { x: 0.5, y: 25, series: 'before (reference)' },
      { x: 0.5, y: 0, series: 'after (current)' },
      { x: 1, y: 25, series: 'before (reference)' },
      { x: 1, y: 100, series: 'after (current)' },
    ]);
    const lengths = buildDriftChartOptions('output_length', { kind: 'numeric', reference: Array.from({ length: 300 }, (_, i) => i), current: Array.from({ length: 300 }, (_, i) => i + 100) });
    const before = lengths.points.filter((p) => p.series === 'before (reference)');
    expect(before.length).toBeGreaterThan(5);
    expect(before.reduce((sum, p) => sum + p.y, 0)).toBeCloseTo(100, 9);
  });
});

describe('resolveDriftWindows', () => {
  const config = { window_hours: 24 };

  it('compares the last 24 hours with the 7 days before them', () => {
    expect(resolveDriftWindows({ ...config, reference: 'previous_7_days' }, NOW, null)).toEqual({
      current: { from: NOW - 24 * HOUR, to: NOW },
      reference: { from: NOW - 8 * 24 * HOUR, to: NOW - 24 * HOUR, label: 'previous 7 days' },
    });
  });

  it('compares with the traffic since the current release went live, or falls back without a release', () => {
    const release = { release: 'r42', firstSeenAt: NOW - 72 * HOUR };
    expect(resolveDriftWindows({ ...config, reference: 'since_release' }, NOW, release).reference).toEqual({ from: NOW - 72 * HOUR, to: NOW - 24 * HOUR, label: 'since release r42' });
    expect(resolveDriftWindows({ ...config, reference: 'since_release' }, NOW, { release: 'r43', firstSeenAt: NOW - HOUR }).reference).toMatchObject({ from: NOW - 24 * HOUR, to: NOW - 24 * HOUR });
    expect(resolveDriftWindows({ ...config, reference: 'since_release' }, NOW, null).reference.label).toBe('previous 7 days (no release reported)');
  });
});
