import { describe, expect, it } from 'vitest';
import { samplingConfigSchema } from './sampling.config.ts';
import {
  combineInclusionProbabilities,
  decideSampling,
  resolveReviewersPerItem,
  resolveUncertaintyBand,
  type SamplingCandidate,
  type SamplingContext,
} from './sampling.models.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2025, 5, 2, 12);
const policy = samplingConfigSchema.parse({});

function buildCandidate(overrides: Partial<SamplingCandidate> = {}): SamplingCandidate {
  return {
    eventId: 'evt_1',
    source: 'support-bot',
    occurredAt: NOW,
    outputHash: 'hash_1',
    flags: [],
    graderScores: [],
    graderUnavailable: false,
    ...overrides,
  };
}

/** An rng that returns fixed values and counts its calls, to show when a draw happens. */
function createScriptedRandom(...values: number[]) {
  const rng = Object.assign(() => values[rng.calls++ % values.length] ?? 0, { calls: 0 });
  return rng;
}

const context: SamplingContext = { now: NOW };

describe('decideSampling: certain reasons', () => {
  it('always picks a flag at min_severity, with probability 1 and without drawing', () => {
    const rng = createScriptedRandom(0.999);
    const decision = decideSampling(
      buildCandidate({ flags: [{ check: 'pii', kind: 'email', severity: 'warn', score: 0.9 }] }),
      policy,
      context,
      rng,
    );
    expect(decision).toEqual({
      picked: true,
      reasons: [{ code: 'flag', detail: 'pii/email flag (warn)', probability: 1, check: 'pii' }],
      inclusionProbability: 1,
      priority: 'warn',
    });
    expect(rng.calls).toBe(0);
  });

  it('treats a flag below min_severity as unflagged, yet takes its severity as the priority', () => {
    const strict = { ...policy, min_severity: 'critical' as const };
    const decision = decideSampling(buildCandidate({ flags: [{ check: 'tone', severity: 'warn' }] }), strict, context, createScriptedRandom(0.5));
    expect(decision.picked).toBe(false);
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['baseline']);
    expect(decision.inclusionProbability).toBe(0.01);
    expect(decision.priority).toBe('warn');
  });

  it('always picks an event whose grading failed, at warn priority', () => {
    const decision = decideSampling(buildCandidate({ graderUnavailable: true }), policy, context, createScriptedRandom(0.99));
    expect(decision.picked).toBe(true);
    expect(decision.inclusionProbability).toBe(1);
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['grader_unavailable']);
    expect(decision.priority).toBe('warn');
  });

  it('gives one reason per check and kind, at its highest severity, and the highest flag as priority', () => {
    const decision = decideSampling(
      buildCandidate({
        graderUnavailable: true,
        flags: [
          { check: 'pii', kind: 'email', severity: 'warn' },
          { check: 'pii', kind: 'email', severity: 'critical' },
          { check: 'pii', kind: 'email', severity: 'warn' },
          { check: 'secrets', severity: 'critical' },
        ],
      }),
      policy,
      context,
      createScriptedRandom(0.5),
    );
    expect(decision.reasons.map((reason) => reason.detail)).toEqual([
      'pii/email flag (critical)',
      'secrets flag (critical)',
      'grading failed; an ungraded event is never "passed"',
    ]);
    expect(decision.priority).toBe('critical');
  });

  it('records a grader near its threshold beside a certain reason, but no baseline', () => {
    const decision = decideSampling(
      buildCandidate({ flags: [{ check: 'injection', severity: 'critical' }], graderScores: [{ grader: 'tone', score: 0.45, threshold: 0.5 }] }),
      policy,
      context,
      createScriptedRandom(0.5),
    );
    expect(decision.reasons.map((reason) => [reason.code, reason.probability])).toEqual([
      ['flag', 1],
      ['uncertainty', 0.5],
    ]);
    expect(decision.inclusionProbability).toBe(1);
  });
});

describe('decideSampling: random reasons', () => {
  it('applies the uncertainty band inclusively on both sides of the threshold and not beyond it', () => {
    const scores = [0.4, 0.6, 0.5, 0.39, 0.61].map((score) => ({ grader: 'tone', score, threshold: 0.5 }));
    const applied = scores.map(
      (score) => decideSampling(buildCandidate({ graderScores: [score] }), policy, context, createScriptedRandom(0.9)).reasons[0]?.code,
    );
    expect(applied).toEqual(['uncertainty', 'uncertainty', 'uncertainty', 'baseline', 'baseline']);
  });

  it('uses a per-grader band when one is configured', () => {
    const custom = samplingConfigSchema.parse({ uncertainty_band: { by_grader: { brand: { width: 0.02, rate: 0.9 } } } });
    const candidate = buildCandidate({
      graderScores: [
        { grader: 'brand', score: 0.55, threshold: 0.5 },
        { grader: 'tone', score: 0.55, threshold: 0.5 },
      ],
    });
    const decision = decideSampling(candidate, custom, context, createScriptedRandom(0.9));
    expect(decision.reasons).toEqual([
      { code: 'uncertainty', detail: 'tone score 0.55 within ±0.1 of threshold 0.5', probability: 0.5, check: 'tone' },
      { code: 'baseline', detail: 'random baseline of 0.01', probability: 0.01 },
    ]);
  });

  it('boosts events of a release first seen less than the configured hours ago, once for release and model together', () => {
    const candidate = buildCandidate({ release: 'r42', modelVersion: 'gpt-x-2025-06' });
    const fresh = decideSampling(candidate, policy, { now: NOW, releaseFirstSeenAt: NOW - 2 * HOUR, modelVersionFirstSeenAt: NOW - HOUR }, createScriptedRandom(0.9));
    expect(fresh.reasons[0]).toEqual({
      code: 'release_boost',
      detail: 'release r42 and model version gpt-x-2025-06 first seen less than 24 h ago',
      probability: 0.1,
    });
    expect(fresh.inclusionProbability).toBeCloseTo(1 - 0.9 * 0.99, 12);

    const old = decideSampling(candidate, policy, { now: NOW, releaseFirstSeenAt: NOW - 24 * HOUR, modelVersionFirstSeenAt: NOW - 30 * HOUR }, createScriptedRandom(0.9));
    expect(old.reasons.map((reason) => reason.code)).toEqual(['baseline']);
  });

  it('counts a release the store has not seen before as new', () => {
    const decision = decideSampling(buildCandidate({ release: 'r43' }), policy, context, createScriptedRandom(0.9));
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['release_boost', 'baseline']);
  });

  it('combines independent reasons as 1 − Π(1 − p) and picks when one draw falls below it', () => {
    const candidate = buildCandidate({ release: 'r1', graderScores: [{ grader: 'tone', score: 0.5, threshold: 0.5 }] });
    const expected = 1 - 0.5 * 0.9 * 0.99;
    const below = decideSampling(candidate, policy, context, createScriptedRandom(expected - 1e-9));
    const at = decideSampling(candidate, policy, context, createScriptedRandom(expected));
    expect(below.inclusionProbability).toBeCloseTo(expected, 12);
    expect(below.picked).toBe(true);
    expect(at.picked).toBe(false);
    expect(at.priority).toBe('info');
  });

  it('never picks and never draws when no reason applies', () => {
    const rng = createScriptedRandom(0);
    const decision = decideSampling(buildCandidate(), { ...policy, baseline_rate: 0 }, context, rng);
    expect(decision).toEqual({ picked: false, reasons: [], inclusionProbability: 0, priority: 'info' });
    expect(rng.calls).toBe(0);
  });
});

describe('decideSampling: drift boost', () => {
  const boosted: SamplingContext = { now: NOW, driftBoost: { metric: 'output_length', rate: 0.3 } };

  it('adds the boost as one more random reason and counts it in the inclusion probability', () => {
    const decision = decideSampling(buildCandidate(), policy, boosted, createScriptedRandom(0.99));
    expect(decision.reasons).toEqual([
      { code: 'drift_boost', detail: 'output_length drift, rate 30%', probability: 0.3 },
      { code: 'baseline', detail: 'random baseline of 0.01', probability: 0.01 },
    ]);
    expect(decision.inclusionProbability).toBeCloseTo(1 - 0.7 * 0.99, 12);
  });

  it('picks a boosted event that the baseline alone would have left out', () => {
    const draw = 0.2;
    expect(decideSampling(buildCandidate(), policy, context, createScriptedRandom(draw)).picked).toBe(false);
    expect(decideSampling(buildCandidate(), policy, boosted, createScriptedRandom(draw)).picked).toBe(true);
  });

  it('leaves an event with a certain reason as it was: it is picked anyway', () => {
    const candidate = buildCandidate({ flags: [{ check: 'pii', kind: 'email', severity: 'warn' }] });
    expect(decideSampling(candidate, policy, boosted, createScriptedRandom(0.5))).toEqual(decideSampling(candidate, policy, context, createScriptedRandom(0.5)));
  });

  it('writes a fractional rate as a short percentage', () => {
    const decision = decideSampling(buildCandidate(), policy, { now: NOW, driftBoost: { metric: 'grader:tone', rate: 0.025 } }, createScriptedRandom(0.5));
    expect(decision.reasons[0]!.detail).toBe('grader:tone drift, rate 2.5%');
  });
});

describe('decideSampling: dedupe', () => {
  const duplicate: SamplingContext = { now: NOW, lastSeenOutputAt: NOW - 10 * 60_000, lastQueuedEventId: 'evt_0' };

  it('attaches a selected duplicate to the earlier item and keeps its inclusion probability', () => {
    const decision = decideSampling(buildCandidate(), policy, duplicate, createScriptedRandom(0.001));
    expect(decision).toEqual({
      picked: false,
      reasons: [{ code: 'baseline', detail: 'random baseline of 0.01', probability: 0.01 }],
      inclusionProbability: 0.01,
      priority: 'info',
      dedupedOf: { outputHash: 'hash_1', queuedAt: NOW - 10 * 60_000, eventId: 'evt_0' },
      skipped: { code: 'duplicate_output', detail: 'identical output queued 10 min ago (window 60 min)' },
    });
  });

  it('still draws for a duplicate, and one the draw did not select is just not picked', () => {
    const rng = createScriptedRandom(0.5);
    const decision = decideSampling(buildCandidate(), policy, duplicate, rng);
    expect(rng.calls).toBe(1);
    expect(decision.picked).toBe(false);
    expect(decision.dedupedOf).toBeUndefined();
  });

  it('dedupes certain reasons too, since the identical output already has a card', () => {
    const decision = decideSampling(buildCandidate({ flags: [{ check: 'secrets', severity: 'critical' }] }), policy, duplicate, createScriptedRandom(0));
    expect(decision.picked).toBe(false);
    expect(decision.inclusionProbability).toBe(1);
    expect(decision.dedupedOf?.eventId).toBe('evt_0');
  });

  it('queues the output again once the window has passed, or when dedupe is off', () => {
    const flagged = buildCandidate({ flags: [{ check: 'secrets', severity: 'critical' }] });
    const expired = decideSampling(flagged, policy, { now: NOW, lastSeenOutputAt: NOW - 60 * 60_000 }, createScriptedRandom(0));
    const off = decideSampling(flagged, { ...policy, dedupe_window_minutes: 0 }, duplicate, createScriptedRandom(0));
    expect(expired.picked).toBe(true);
    expect(off.picked).toBe(true);
  });
});

describe('combineInclusionProbabilities and resolvers', () => {
  it('combines independent probabilities and is 1 as soon as one is certain', () => {
    expect(combineInclusionProbabilities([])).toBe(0);
    expect(combineInclusionProbabilities([0.5, 0.5])).toBe(0.75);
    expect(combineInclusionProbabilities([0.2, 1])).toBe(1);
  });

  it('resolves a grader band with partial overrides and reviewers per priority with a default', () => {
    const config = samplingConfigSchema.parse({ uncertainty_band: { by_grader: { tone: { rate: 0.8 } } } });
    expect(resolveUncertaintyBand(config.uncertainty_band, 'tone')).toEqual({ width: 0.1, rate: 0.8 });
    expect(resolveUncertaintyBand(config.uncertainty_band, 'brand')).toEqual({ width: 0.1, rate: 0.5 });
    expect(resolveReviewersPerItem(config.reviewers_per_item, 'critical')).toBe(2);
    expect(resolveReviewersPerItem(config.reviewers_per_item, 'warn')).toBe(1);
  });
});
