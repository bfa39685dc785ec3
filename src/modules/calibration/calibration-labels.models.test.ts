import { describe, expect, it } from 'vitest';
import { computeMedian, deriveGraderLabel, type LabelVerdict } from './calibration-labels.models.ts';

const verdict = (overrides: Partial<LabelVerdict>): LabelVerdict => ({
  reviewerId: 'U1',
  decision: 'approve',
  dimension: null,
  reasonCategory: null,
  note: null,
  tone: null,
  brand: null,
  ...overrides,
});

describe('deriveGraderLabel', () => {
  it('counts a rejection without a dimension as a violation of every grader', () => {
    const item = { outcome: 'rejected' as const, verdicts: [verdict({ decision: 'reject', reasonCategory: 'unsafe', note: 'tells users to skip the safety check' })] };
    expect(deriveGraderLabel(item, 'tone')).toEqual({ violation: true, basis: 'reject', reason: 'unsafe — tells users to skip the safety check' });
    expect(deriveGraderLabel(item, 'injection').violation).toBe(true);
  });

  it("maps a rejection's dimension to the grader of that dimension only", () => {
    const item = { outcome: 'rejected' as const, verdicts: [verdict({ decision: 'reject', dimension: 'brand', reasonCategory: 'off_brand' })] };
    expect(deriveGraderLabel(item, 'brand')).toEqual({ violation: true, basis: 'reject_dimension', reason: 'off_brand' });
    expect(deriveGraderLabel(item, 'tone')).toEqual({ violation: false, basis: 'reject_other_dimension', reason: 'rejected for brand' });
  });

  it('makes a median rating of 2 or less a violation of that dimension, even on an approved item', () => {
    const item = { outcome: 'approved' as const, verdicts: [verdict({ tone: 1 }), verdict({ reviewerId: 'U2', tone: 3 }), verdict({ reviewerId: 'U3', tone: 2 })] };
    expect(deriveGraderLabel(item, 'tone')).toEqual({ violation: true, basis: 'rating', reason: 'median tone rating 2 of 5' });
    expect(deriveGraderLabel(item, 'brand')).toEqual({ violation: false, basis: 'approve', reason: null });
  });

  it('lets a good rating stand beside the decision: rejected for tone is still a tone violation', () => {
    const item = { outcome: 'rejected' as const, verdicts: [verdict({ decision: 'reject', dimension: 'tone', tone: 4 })] };
    expect(deriveGraderLabel(item, 'tone').violation).toBe(true);
    const approved = { outcome: 'approved' as const, verdicts: [verdict({ tone: 2 }), verdict({ reviewerId: 'U2', tone: 3 })] };
    expect(deriveGraderLabel(approved, 'tone').violation).toBe(false);
  });

  it('follows an adjudicated outcome even when a reviewer approved', () => {
    const item = { outcome: 'rejected' as const, verdicts: [verdict({ decision: 'approve' }), verdict({ reviewerId: 'U2', decision: 'reject', dimension: 'policy' })] };
    expect(deriveGraderLabel(item, 'policy').basis).toBe('reject_dimension');
  });
});

describe('computeMedian', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(computeMedian([5, 1, 3])).toBe(3);
    expect(computeMedian([4, 1, 2, 5])).toBe(3);
  });
});
