import { describe, expect, it } from 'vitest';
import { BOOST_CACHE_MS, createBoostLookup } from './boost-lookup.usecases.ts';

const NOW = 1_800_000_000_000;
const toneBoost = { id: 1, slice: 'grader:tone', metric: 'grader:tone', rate: 0.25, until: NOW + 10_000 };
const toneCandidate = { flags: [], graderScores: [{ grader: 'tone' }] };

function createCountingLookup() {
  const reads: string[] = [];
  const lookup = createBoostLookup({ boostsRepository: { readActiveBoosts: (source: string) => (reads.push(source), source === 'support-bot' ? [toneBoost] : []) } as never });
  return { lookup, reads };
}

describe('createBoostLookup', () => {
  it('reads the active boosts of a source once per cache period, however many candidates ask', () => {
    const { lookup, reads } = createCountingLookup();
    for (let i = 0; i < 100; i += 1) expect(lookup.boostFor('support-bot', toneCandidate, NOW + i)?.id).toBe(1);
    expect(lookup.boostFor('support-bot', { flags: [], graderScores: [] }, NOW)).toBeNull();
    expect(reads).toEqual(['support-bot']);
    lookup.boostFor('support-bot', toneCandidate, NOW + BOOST_CACHE_MS);
    expect(reads).toEqual(['support-bot', 'support-bot']);
  });

  it('reads again after a boost of the source changed, and never applies a cached boost past its end', () => {
    const { lookup, reads } = createCountingLookup();
    lookup.boostFor('support-bot', toneCandidate, NOW);
    lookup.forget('support-bot');
    lookup.boostFor('support-bot', toneCandidate, NOW);
    expect(reads).toHaveLength(2);
    expect(lookup.boostFor('support-bot', toneCandidate, toneBoost.until)).toBeNull();
  });
});
