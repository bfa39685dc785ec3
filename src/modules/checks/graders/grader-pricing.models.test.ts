import { describe, expect, it } from 'vitest';
import { estimateCostUsd, findModelPrice } from './grader-pricing.models.ts';

describe('estimateCostUsd', () => {
  it('prices input and output tokens per million', () => {
    expect(estimateCostUsd('gpt-4o-mini', { promptTokens: 1_000_000, completionTokens: 0 })).toBeCloseTo(0.15, 10);
    expect(estimateCostUsd('gpt-4o', { promptTokens: 2_000, completionTokens: 500 })).toBeCloseTo(0.01, 10);
    expect(estimateCostUsd('gpt-4.1-nano', { promptTokens: 0, completionTokens: 1_000_000 })).toBeCloseTo(0.4, 10);
  });

  it('prices a dated snapshot like its alias, without confusing gpt-4o-mini with gpt-4o', () => {
    expect(findModelPrice('gpt-4o-mini-2024-07-18')).toEqual(findModelPrice('gpt-4o-mini'));
    expect(findModelPrice('gpt-4o-2024-08-06')).toEqual(findModelPrice('gpt-4o'));
    expect(findModelPrice('o4-mini-2025-04-16')).toEqual({ inputPerMTok: 1.1, outputPerMTok: 4.4 });
  });

  it('returns null for a model it has no price for', () => {
    expect(estimateCostUsd('llama-3.1-70b-instruct', { promptTokens: 10, completionTokens: 10 })).toBeNull();
    expect(estimateCostUsd('gpt-4o-mini-tts', { promptTokens: 10, completionTokens: 10 })).toBeNull();
  });

  it('costs nothing for zero tokens', () => {
    expect(estimateCostUsd('gpt-4.1', { promptTokens: 0, completionTokens: 0 })).toBe(0);
  });
});
