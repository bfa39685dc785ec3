import { describe, expect, it } from 'vitest';
import { computeFlaggedShare, computeReviewShare, describeTrafficAt, lowerBound, type ReviewLoadPolicy } from './calibration-load.models.ts';

const scores = Float64Array.from([0.05, 0.2, 0.45, 0.5, 0.55, 0.7, 0.9, 0.95]);
const policy: ReviewLoadPolicy = { flagsAlwaysReviewed: true, band: { width: 0.1, rate: 0.5 }, baselineRate: 0.1 };

describe('review load of a threshold', () => {
  it('finds the first score at or above a value', () => {
    expect(lowerBound(scores, 0.5)).toBe(3);
    expect(lowerBound(scores, 0.51)).toBe(4);
    expect(lowerBound(scores, 2)).toBe(8);
  });

  it('shares the scores at or above the threshold', () => {
    expect(computeFlaggedShare(scores, 0.5)).toBe(5 / 8);
    expect(computeFlaggedShare(new Float64Array(), 0.5)).toBe(0);
  });

  it('reviews every flag, the band below the threshold at the band rate ∪ baseline, the rest at the baseline', () => {
    // At 0.6: flags 0.7, 0.9, 0.95 (3 × 1); band [0.5, 0.6): 0.5 and 0.55 (2 × 0.55); rest 0.05, 0.2, 0.45 (3 × 0.1).
    expect(computeReviewShare(scores, 0.6, policy)).toBeCloseTo((3 + 2 * 0.55 + 3 * 0.1) / 8, 12);
  });

  it('samples flags like any other event when grader flags are below min_severity', () => {
    const sampled = { ...policy, flagsAlwaysReviewed: false };
    // At 0.6: band [0.5, 0.7]: 0.5, 0.55, 0.7 (3 × 0.55); 0.9, 0.95 and the three low ones at the baseline.
    expect(computeReviewShare(scores, 0.6, sampled)).toBeCloseTo((3 * 0.55 + 5 * 0.1) / 8, 12);
  });

  it('treats a score exactly at the band edge as inside it, as the sampler does', () => {
    // 0.5 − 0.4 is 0.09999…: the edge must still count.
    expect(computeReviewShare(Float64Array.from([0.4]), 0.5, policy)).toBeCloseTo(0.55, 12);
  });

  it('turns shares into figures per day over the traffic window', () => {
    expect(describeTrafficAt(scores, 2, 0.9, policy)).toMatchObject({ threshold: 0.9, flaggedShare: 0.25, flagsPerDay: 1 });
  });
});
