import { describe, expect, it } from 'vitest';
import { decideConsensus, isItemOpenForVerdicts } from './review-items.models.ts';

describe('decideConsensus', () => {
  it('keeps the item in review until the required number of reviewers has decided', () => {
    expect(decideConsensus([], 1)).toEqual({ state: 'in_review', outcome: null });
    expect(decideConsensus(['approve'], 2)).toEqual({ state: 'in_review', outcome: null });
  });

  it('finalises with the shared outcome when every decision agrees', () => {
    expect(decideConsensus(['approve'], 1)).toEqual({ state: 'final', outcome: 'approved' });
    expect(decideConsensus(['reject', 'reject'], 2)).toEqual({ state: 'final', outcome: 'rejected' });
  });

  it('asks for adjudication when the decisions disagree, and settles once a changed mind makes them agree', () => {
    expect(decideConsensus(['approve', 'reject'], 2)).toEqual({ state: 'needs_adjudication', outcome: null });
    expect(decideConsensus(['reject', 'reject'], 2)).toEqual({ state: 'final', outcome: 'rejected' });
  });

  it('counts extra verdicts: a third reviewer who disagrees reopens nothing but blocks unanimity', () => {
    expect(decideConsensus(['approve', 'approve', 'reject'], 2)).toEqual({ state: 'needs_adjudication', outcome: null });
  });

  it('treats a required count below one as one', () => {
    expect(decideConsensus([], 0)).toEqual({ state: 'in_review', outcome: null });
  });
});

describe('isItemOpenForVerdicts', () => {
  it('accepts verdicts only while the card collects them', () => {
    expect(['queued', 'in_review', 'needs_adjudication', 'final', 'expired'].map((state) => isItemOpenForVerdicts(state as never))).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
  });
});
