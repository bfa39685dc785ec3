import { describe, expect, it } from 'vitest';
import { BOOST_CACHE_MS, createBoostLookup } from './boost-lookup.usecases.ts';

const NOW = 1_800_000_000_000;
const toneBoost = { id: 1, slice: 'grader:tone', metric: 'grader:tone', rate: 0.25, until: NOW + 10_000 };
const toneCandidate = { flags: [], graderScores: [{ grader: 'tone' }] };

function createCountingLookup(options: { failFirst?: boolean } = {}) {
  const reads: string[] = [];
  const listActiveBoosts = async (source: string) => {
    reads.push(source);
    if (options.failFirst && reads.length === 1) throw new Error('connection reset');
    return source === 'support-bot' ? [toneBoost] : [];
  };
  const lookup = createBoostLookup({ boostsRepository: { listActiveBoosts } as never });
  return { lookup, reads };
}

describe('createBoostLookup', () => {
  it('reads the active boosts of a source once per cache period, however many candidates ask, even at once', async () => {
    const { lookup, reads } = createCountingLookup();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => lookup.boostFor('support-bot', toneCandidate, NOW + i)));
    expect(answers.map((answer) => answer?.id)).toEqual(Array(100).fill(1));
    expect(await lookup.boostFor('support-bot', { flags: [], graderScores: [] }, NOW)).toBeNull();
    expect(reads).toEqual(['support-bot']);
    await lookup.boostFor('support-bot', toneCandidate, NOW + BOOST_CACHE_MS);
    expect(reads).toEqual(['support-bot', 'support-bot']);
  });

  it('reads again after a boost of the source changed, and never applies a cached boost past its end', async () => {
    const { lookup, reads } = createCountingLookup();
    await lookup.boostFor('support-bot', toneCandidate, NOW);
    lookup.forget('support-bot');
    await lookup.boostFor('support-bot', toneCandidate, NOW);
    expect(reads).toHaveLength(2);
    expect(await lookup.boostFor('support-bot', toneCandidate, toneBoost.until)).toBeNull();
  });

  it('does not keep a failed read: the next candidate asks the store again', async () => {
    const { lookup, reads } = createCountingLookup({ failFirst: true });
    await expect(lookup.boostFor('support-bot', toneCandidate, NOW)).rejects.toThrow('connection reset');
    expect((await lookup.boostFor('support-bot', toneCandidate, NOW + 1))?.id).toBe(1);
    expect(reads).toHaveLength(2);
  });
});
