import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../shared/random.ts';
import { bootstrapPrecisionRecall, groupBootstrapCells, samplePoisson } from './calibration-bootstrap.models.ts';
import {
  computeEffectiveSize,
  computeKishEffectiveSize,
  computeNormalQuantile,
  computeSortedQuantile,
  computeWeightedWilsonInterval,
  computeZ,
  wilsonInterval,
} from './calibration-intervals.models.ts';
import type { IntervalMethod, LabelledScore } from './calibration.models.ts';
import { evaluateThreshold } from './calibration.models.ts';

describe('wilsonInterval', () => {
  // Newcombe, "Two-sided confidence intervals for the single proportion: comparison of
  // seven methods", Statistics in Medicine 17 (1998) 857–872, method 3 (score, no continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('matches Newcombe’s worked example %i/%i', (successes, n, lower, upper) => {
    const interval = wilsonInterval(successes, n);
    expect(interval.lower).toBeCloseTo(lower, 4);
    expect(interval.upper).toBeCloseTo(upper, 4);
  });

  it('returns the whole unit interval when there is no observation', () => {
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
  });

  it('narrows as the z value shrinks', () => {
    const wide = wilsonInterval(30, 100, computeZ(0.99));
    const narrow = wilsonInterval(30, 100, computeZ(0.8));
    expect(narrow.lower).toBeGreaterThan(wide.lower);
    expect(narrow.upper).toBeLessThan(wide.upper);
  });
});

describe('computeZ and computeNormalQuantile', () => {
  it('give the standard normal quantiles of common confidence levels', () => {
    expect(computeZ(0.95)).toBeCloseTo(1.959964, 6);
    expect(computeZ(0.9)).toBeCloseTo(1.644854, 6);
    expect(computeZ(0.99)).toBeCloseTo(2.575829, 6);
    expect(computeNormalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
    expect(computeNormalQuantile(0.5)).toBe(0);
  });

  it('refuses levels outside (0, 1)', () => {
    expect(() => computeZ(1)).toThrow(RangeError);
    expect(() => computeNormalQuantile(0)).toThrow(RangeError);
  });
});

describe('effective sample size', () => {
  it('equals the number of items when all weights are equal', () => {
    // 12 successes and 28 failures, every weight 5.
    const split = { successWeight: 60, successWeightSq: 300, failureWeight: 140, failureWeightSq: 700 };
    expect(computeEffectiveSize(split)).toBeCloseTo(40, 10);
    expect(computeKishEffectiveSize(200, 1000)).toBeCloseTo(40, 10);
  });

  it('uses the linearisation variance, not Kish’s formula, when the weights depend on the outcome', () => {
    // 50 successes of weight 1, 50 failures of weight 10: p = 50/550. The successes are
    // measured exactly, so the estimate is tighter than Kish's 550²/5050 ≈ 59.9 suggests.
    const split = { successWeight: 50, successWeightSq: 50, failureWeight: 500, failureWeightSq: 5000 };
    const p = 50 / 550;
    const variance = ((1 - p) ** 2 * 50 + p ** 2 * 5000) / 550 ** 2;
    expect(computeEffectiveSize(split)).toBeCloseTo((p * (1 - p)) / variance, 8);
    expect(computeEffectiveSize(split)).toBeCloseTo(302.5, 8);
    expect(computeKishEffectiveSize(550, 5050)).toBeCloseTo(59.9, 1);
  });

  it('falls back to Kish’s formula when every item is a success', () => {
    const split = { successWeight: 30, successWeightSq: 300, failureWeight: 0, failureWeightSq: 0 };
    expect(computeEffectiveSize(split)).toBeCloseTo(3, 10);
    const interval = computeWeightedWilsonInterval(split, computeZ(0.95));
    expect(interval.upper).toBe(1);
    expect(interval.lower).toBeCloseTo(wilsonInterval(3, 3).lower, 8);
  });
});

describe('computeSortedQuantile', () => {
  it('interpolates between order statistics', () => {
    expect(computeSortedQuantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(computeSortedQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(computeSortedQuantile([10, 20], 0.025)).toBeCloseTo(10.25, 10);
  });
});

describe('samplePoisson', () => {
  it.each([0.7, 4, 25, 5000])('has mean and variance close to lambda = %s', (lambda) => {
    const rng = createSeededRandom(7);
    const draws = Array.from({ length: 20_000 }, () => samplePoisson(lambda, rng));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1);
    expect(draws.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
    expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / draws.length));
    expect(variance / lambda).toBeGreaterThan(0.95);
    expect(variance / lambda).toBeLessThan(1.05);
  });
});

describe('bootstrapPrecisionRecall', () => {
  it('groups each confusion cell by weight and spreads the resamples around the point estimate', () => {
    const score = [0.9, 0.9, 0.2, 0.9, 0.2];
    const violation = [1, 1, 1, 0, 0];
    const weight = [1, 1, 10, 1, 10];
    const cells = groupBootstrapCells(score, violation, weight, 0.5);
    expect(cells.tp).toEqual({ counts: [2], sums: [2] });
    expect(cells.fp).toEqual({ counts: [1], sums: [1] });
    expect(cells.fn).toEqual({ counts: [1], sums: [10] });
    const result = bootstrapPrecisionRecall(cells, { rng: createSeededRandom(3), resamples: 500, confidence: 0.9 });
    expect(result.resamples).toBe(500);
    expect(result.precision.lower).toBeLessThan(2 / 3);
    expect(result.precision.upper).toBeGreaterThanOrEqual(2 / 3);
    expect(result.recall.lower).toBeLessThan(2 / 12);
  });
});

// A superpopulation with ten score levels: share of traffic and chance of a violation per
// level. Items at score ≥ 0.6 are always reviewed; the rest with probability 0.1 (weight 10).
const LEVELS = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
const SHARE = [0.3, 0.2, 0.15, 0.1, 0.08, 0.06, 0.04, 0.03, 0.02, 0.02];
const P_VIOLATION = [0.01, 0.02, 0.04, 0.08, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95];

function computeTruth(threshold: number): { precision: number; recall: number } {
  let flaggedViolations = 0;
  let flagged = 0;
  let violations = 0;
  LEVELS.forEach((score, j) => {
    violations += SHARE[j]! * P_VIOLATION[j]!;
    if (score >= threshold) {
      flaggedViolations += SHARE[j]! * P_VIOLATION[j]!;
      flagged += SHARE[j]!;
    }
  });
  return { precision: flaggedViolations / flagged, recall: flaggedViolations / violations };
}

function drawSample(events: number, rng: () => number): LabelledScore[] {
  const sample: LabelledScore[] = [];
  for (let e = 0; e < events; e++) {
    let u = rng();
    let j = 0;
    while (j < LEVELS.length - 1 && u > SHARE[j]!) u -= SHARE[j++]!;
    const score = LEVELS[j]!;
    const violation = rng() < P_VIOLATION[j]!;
    const inclusion = score >= 0.6 ? 1 : 0.1;
    if (rng() < inclusion) sample.push({ score, violation, weight: 1 / inclusion });
  }
  return sample;
}

function measureCoverage(runs: number, seed: number, interval: (rng: () => number) => IntervalMethod) {
  const threshold = 0.45;
  const truth = computeTruth(threshold);
  const rng = createSeededRandom(seed);
  let precision = 0;
  let recall = 0;
  let unweightedPrecisionError = 0;
  for (let r = 0; r < runs; r++) {
    const evaluation = evaluateThreshold(drawSample(3000, rng), threshold, { interval: interval(rng) });
    const { precision: p, recall: q } = evaluation.intervals;
    if (p.lower <= truth.precision && truth.precision <= p.upper) precision += 1;
    if (q.lower <= truth.recall && truth.recall <= q.upper) recall += 1;
    unweightedPrecisionError += evaluation.unweighted.precision - truth.precision;
  }
  return { precision: precision / runs, recall: recall / runs, unweightedBias: unweightedPrecisionError / runs };
}

describe('interval coverage on stratified samples (simulation)', () => {
  it('covers the live-traffic precision and recall in at least 90% of runs with Wilson intervals', () => {
    const coverage = measureCoverage(300, 11, () => ({ method: 'wilson' }));
    expect(coverage.precision).toBeGreaterThanOrEqual(0.9);
    expect(coverage.recall).toBeGreaterThanOrEqual(0.9);
    // Why weights matter: the review queue over-represents flagged items, so its raw precision is too high.
    expect(coverage.unweightedBias).toBeGreaterThan(0.1);
  });

  it('covers them in at least 90% of runs with the Poisson bootstrap', () => {
    const coverage = measureCoverage(200, 12, (rng) => ({ method: 'bootstrap', rng, resamples: 300 }));
    expect(coverage.precision).toBeGreaterThanOrEqual(0.9);
    expect(coverage.recall).toBeGreaterThanOrEqual(0.9);
  });
});
