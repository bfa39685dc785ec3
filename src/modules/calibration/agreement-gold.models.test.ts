import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../shared/random.ts';
import { countGoldToAdd, isSettledAnswer, resolveRequiredVerdicts, selectGoldItems, type GoldCandidate } from './agreement-gold.models.ts';

const candidate = (itemId: string, outcome: GoldCandidate['outcome'], overrides: Partial<GoldCandidate> = {}): GoldCandidate => ({
  itemId,
  outcome,
  decisionMode: 'adjudication',
  agreeingVerdicts: 0,
  timesUsed: 0,
  ...overrides,
});

describe('gold items', () => {
  it('knows an answer when an approver settled it or two reviewers agreed', () => {
    expect(isSettledAnswer({ decisionMode: 'adjudication', agreeingVerdicts: 0 })).toBe(true);
    expect(isSettledAnswer({ decisionMode: 'consensus', agreeingVerdicts: 2 })).toBe(true);
    expect(isSettledAnswer({ decisionMode: 'consensus', agreeingVerdicts: 1 })).toBe(false);
  });

  it('adds n·s/(1 − s) gold items on average, so gold is s of all items', () => {
    const rng = createSeededRandom(1);
    let total = 0;
    for (let hour = 0; hour < 2000; hour++) total += countGoldToAdd(7, 0.05, rng);
    expect(total / 2000).toBeCloseTo((7 * 0.05) / 0.95, 1);
    expect(countGoldToAdd(0, 0.5, rng)).toBe(0);
    expect(countGoldToAdd(9, 0.1, () => 0.99)).toBe(1);
  });

  it('picks settled items only, least used first, alternating rejected and approved answers', () => {
    const candidates = [
      candidate('r1', 'rejected', { timesUsed: 2 }),
      candidate('r2', 'rejected'),
      candidate('r3', 'rejected', { decisionMode: 'consensus', agreeingVerdicts: 1 }),
      candidate('a1', 'approved'),
      candidate('a2', 'approved', { timesUsed: 1 }),
    ];
    const picked = selectGoldItems(candidates, 4, () => 0.9).map((c) => c.itemId);
    expect(picked).toEqual(['r2', 'a1', 'r1', 'a2']);
    expect(selectGoldItems(candidates, 10, createSeededRandom(4))).toHaveLength(4);
  });
});

describe('resolveRequiredVerdicts', () => {
  it('asks a second reviewer on the overlap share of single-reviewer items only', () => {
    expect(resolveRequiredVerdicts(1, 0.1, () => 0.05)).toBe(2);
    expect(resolveRequiredVerdicts(1, 0.1, () => 0.5)).toBe(1);
    expect(resolveRequiredVerdicts(3, 1, () => 0)).toBe(3);
    expect(resolveRequiredVerdicts(1, 0, () => 0)).toBe(1);
  });
});
