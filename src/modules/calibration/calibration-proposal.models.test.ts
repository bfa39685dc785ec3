import { describe, expect, it } from 'vitest';
import { computeCurve } from './calibration.models.ts';
import { buildPrChartPoints, checkProposalApplicable, decideAutoApply, PROPOSAL_TTL_MS, type ThresholdFigureSet } from './calibration-proposal.models.ts';

const mark = (threshold: number, precision: number | null, recall: number | null): ThresholdFigureSet => ({
  threshold,
  precision,
  recall,
  precisionInterval: null,
  recallInterval: null,
  unweightedPrecision: null,
  unweightedRecall: null,
  flagsPerDay: null,
  reviewItemsPerDay: null,
});

describe('decideAutoApply', () => {
  it('applies nothing while auto-apply is off', () => {
    expect(decideAutoApply({ enabled: false, max_change_per_day: 0.05 }, 0.01, [])).toEqual({ apply: false, reason: 'auto-apply is off for this source' });
  });

  it('applies a change within what is left of the daily bound, in either direction', () => {
    expect(decideAutoApply({ enabled: true, max_change_per_day: 0.05 }, -0.02, [0.03])).toEqual({ apply: true });
  });

  it('leaves a change that would exceed the daily bound to an approver', () => {
    expect(decideAutoApply({ enabled: true, max_change_per_day: 0.05 }, 0.03, [-0.03])).toEqual({
      apply: false,
      reason: 'a change of 0.03 exceeds what auto-apply may still move today (0.02 of 0.05)',
    });
  });
});

describe('checkProposalApplicable', () => {
  const proposal = { status: 'open' as const, createdAt: 1_000, graderVersion: 'v1', currentThreshold: 0.6 };
  const live = { now: 2_000, threshold: 0.6, graderVersion: 'v1' };

  it('accepts an open, fresh proposal made against the live threshold and grader version', () => {
    expect(checkProposalApplicable(proposal, live)).toEqual({ ok: true });
  });

  it('fails closed on a decided, expired, re-versioned or overtaken proposal', () => {
    expect(checkProposalApplicable({ ...proposal, status: 'dismissed' }, live)).toMatchObject({ ok: false, code: 'not_open' });
    expect(checkProposalApplicable(proposal, { ...live, now: 1_001 + PROPOSAL_TTL_MS })).toMatchObject({ ok: false, code: 'expired' });
    expect(checkProposalApplicable(proposal, { ...live, graderVersion: 'v2' })).toMatchObject({ ok: false, code: 'version_changed' });
    expect(checkProposalApplicable(proposal, { ...live, threshold: 0.55 })).toMatchObject({
      ok: false,
      code: 'threshold_changed',
      message: 'The live threshold is now 0.55, not 0.6 as on this card; ask for a fresh proposal.',
    });
  });
});

describe('buildPrChartPoints', () => {
  it('draws both curves, highest threshold first, and marks the current and proposed thresholds', () => {
    const curve = computeCurve([
      { score: 0.9, violation: true, weight: 1 },
      { score: 0.5, violation: false, weight: 1 },
      { score: 0.3, violation: true, weight: 4 },
    ]);
    expect(buildPrChartPoints(curve, { current: mark(0.9, 1, 0.2), proposed: mark(0.3, 5 / 6, 1) })).toEqual([
      { x: 0.2, y: 1, series: 'live traffic' },
      { x: 0.2, y: 0.5, series: 'live traffic' },
      { x: 1, y: 0.8333, series: 'live traffic' },
      { x: 0.5, y: 1, series: 'review queue' },
      { x: 0.5, y: 0.5, series: 'review queue' },
      { x: 1, y: 0.6667, series: 'review queue' },
      { x: 0.2, y: 1, series: 'current 0.90' },
      { x: 1, y: 0.8333, series: 'proposed 0.30' },
    ]);
  });

  it('keeps at most the requested number of points per curve, always with the last one', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => ({ score: i / 1000, violation: i % 3 === 0, weight: 1 }));
    const points = buildPrChartPoints(computeCurve(labels), { current: mark(0.5, null, null), proposed: mark(0.4, null, null) }, 50);
    const weighted = points.filter((point) => point.series === 'live traffic');
    expect(weighted.length).toBeLessThanOrEqual(51);
    expect(weighted.at(-1)).toEqual({ x: 1, y: 0.334, series: 'live traffic' });
  });
});
