import { describe, expect, it } from 'vitest';
import { findApplicableBoost, isInBoostSlice, type BoostCandidate } from './boosts.models.ts';
import { encodeStopBoostValue, parseStopBoostValue } from './monitoring.actions.ts';

const candidate: BoostCandidate = {
  flags: [{ check: 'pii' }],
  graderScores: [{ grader: 'tone' }],
  modelVersion: '2024-08-06',
  promptVersion: null,
  output: "I'm sorry, but I can't help with that.",
};

describe('sampling boost slices', () => {
  it('match the events of the drifted slice only', () => {
    expect(['all', 'refusal', 'grader:tone', 'detector:pii', 'model_version:2024-08-06'].map((slice) => isInBoostSlice(slice, candidate))).toEqual([true, true, true, true, true]);
    expect(['grader:brand', 'detector:secrets', 'model_version:2024-07-18', 'prompt_version:p1', 'unknown'].map((slice) => isInBoostSlice(slice, candidate))).toEqual([
      false, false, false, false, false,
    ]);
    expect(isInBoostSlice('refusal', { ...candidate, output: undefined })).toBe(false);
  });

  it('pick the strongest boost that applies', () => {
    const boosts = [
      { id: 1, slice: 'grader:brand', rate: 0.9 },
      { id: 2, slice: 'grader:tone', rate: 0.25 },
      { id: 3, slice: 'all', rate: 0.5 },
    ];
    expect(findApplicableBoost(boosts, candidate)?.id).toBe(3);
    expect(findApplicableBoost(boosts.slice(0, 2), candidate)?.id).toBe(2);
    expect(findApplicableBoost([], candidate)).toBeNull();
  });
});

describe('Stop button value', () => {
  it('round-trips the boost id and refuses anything else', () => {
    expect(parseStopBoostValue(encodeStopBoostValue(42))).toEqual({ kind: 'stop_boost', boostId: 42 });
    for (const bad of ['stop_boost|0', 'stop_boost|x', 'approve|1', 42, `stop_boost|${'9'.repeat(20)}`]) expect(() => parseStopBoostValue(bad)).toThrow();
  });
});
