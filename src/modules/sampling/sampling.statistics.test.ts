// Statistical checks on 100,000 seeded draws. Tolerances are 4 standard errors computed from
// the design itself, so a pass is not luck of the seed and a real bias of that size fails.
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../shared/random.ts';
import { samplingConfigSchema } from './sampling.config.ts';
import { decideSampling, type SamplingCandidate, type SamplingContext, type SamplingDecision } from './sampling.models.ts';

const N = 100_000;
const NOW = Date.UTC(2025, 5, 2, 12);
const HOUR = 3_600_000;
const policy = samplingConfigSchema.parse({});

function buildCandidate(index: number, overrides: Partial<SamplingCandidate> = {}): SamplingCandidate {
  return {
    eventId: `evt_${index}`,
    source: 'support-bot',
    occurredAt: NOW,
    outputHash: `hash_${index}`,
    flags: [],
    graderScores: [],
    graderUnavailable: false,
    ...overrides,
  };
}

function countPicked(decisions: SamplingDecision[]): number {
  return decisions.filter((decision) => decision.picked).length;
}

/** Horvitz–Thompson: each observed event stands for 1/p events; its variance is Σ (1 − p) / p. */
function estimateHorvitzThompson(observed: SamplingDecision[], all: SamplingDecision[]) {
  const estimate = observed.reduce((sum, decision) => sum + 1 / decision.inclusionProbability, 0);
  const variance = all.reduce((sum, decision) => sum + (1 - decision.inclusionProbability) / decision.inclusionProbability, 0);
  return { estimate, standardError: Math.sqrt(variance) };
}

function buildMixedPopulation(seed: number): { candidate: SamplingCandidate; context: SamplingContext }[] {
  const population = createSeededRandom(seed);
  return Array.from({ length: N }, (_, index) => {
    const u = population();
    const context: SamplingContext = { now: NOW, releaseFirstSeenAt: NOW - (u < 0.2 ? HOUR : 100 * HOUR) };
    const score = u < 0.15 ? 0.45 + population() * 0.1 : population() * 0.3;
    const flags = u < 0.03 ? [{ check: 'pii', severity: u < 0.01 ? ('critical' as const) : ('warn' as const) }] : [];
    const candidate = buildCandidate(index, { release: 'r1', flags, graderScores: [{ grader: 'tone', score, threshold: 0.5 }] });
    return { candidate, context };
  });
}

describe('sampling statistics over 100,000 seeded draws', () => {
  it('picks unflagged events at the baseline rate', () => {
    const rng = createSeededRandom(1);
    const decisions = Array.from({ length: N }, (_, index) => decideSampling(buildCandidate(index), policy, { now: NOW }, rng));
    const p = policy.baseline_rate;
    expect(decisions.every((decision) => decision.inclusionProbability === p)).toBe(true);
    expect(Math.abs(countPicked(decisions) / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
  });

  it('includes events with several reasons at 1 − Π(1 − p_i), the rate of independent per-reason draws', () => {
    const candidate = buildCandidate(0, { release: 'r2', graderScores: [{ grader: 'tone', score: 0.52, threshold: 0.5 }] });
    const context = { now: NOW, releaseFirstSeenAt: NOW - HOUR };
    const rng = createSeededRandom(2);
    const decisions = Array.from({ length: N }, () => decideSampling(candidate, policy, context, rng));
    const expected = 1 - (1 - 0.5) * (1 - 0.1) * (1 - 0.01);
    expect(decisions[0]?.inclusionProbability).toBeCloseTo(expected, 12);
    const standardError = Math.sqrt((expected * (1 - expected)) / N);
    const singleDrawRate = countPicked(decisions) / N;
    expect(Math.abs(singleDrawRate - expected)).toBeLessThan(4 * standardError);

    // The reference design: one draw per reason, included if any fires.
    const reference = createSeededRandom(3);
    const rates = decisions[0]?.reasons.map((reason) => reason.probability) ?? [];
    let anyFired = 0;
    for (let i = 0; i < N; i += 1) {
      if (rates.map((rate) => reference() < rate).some(Boolean)) anyFired += 1;
    }
    expect(Math.abs(anyFired / N - expected)).toBeLessThan(4 * standardError);
    expect(Math.abs(anyFired / N - singleDrawRate)).toBeLessThan(4 * Math.SQRT2 * standardError);
  });

  it('picks every event with a flag at or above min_severity, whatever the draws', () => {
    const rng = createSeededRandom(4);
    const decisions = Array.from({ length: N }, (_, index) => {
      const severity = index % 2 === 0 ? ('warn' as const) : ('critical' as const);
      return decideSampling(buildCandidate(index, { flags: [{ check: 'secrets', severity }] }), policy, { now: NOW }, rng);
    });
    expect(countPicked(decisions)).toBe(N);
  });

  it('recovers the population and a stratum count by weighting picked events with 1/p', () => {
    const rng = createSeededRandom(5);
    const decisions = buildMixedPopulation(6).map(({ candidate, context }) => decideSampling(candidate, policy, context, rng));
    const picked = decisions.filter((decision) => decision.picked);
    const whole = estimateHorvitzThompson(picked, decisions);
    expect(Math.abs(whole.estimate - N)).toBeLessThan(4 * whole.standardError);

    const isUncertain = (decision: SamplingDecision) => decision.reasons.some((reason) => reason.code === 'uncertainty');
    const stratum = decisions.filter(isUncertain);
    const uncertain = estimateHorvitzThompson(picked.filter(isUncertain), stratum);
    expect(stratum.length).toBeGreaterThan(10_000);
    expect(Math.abs(uncertain.estimate - stratum.length)).toBeLessThan(4 * uncertain.standardError);
  });

  it('stays unbiased under dedupe only when attached duplicates are counted with the earlier verdict', () => {
    const dedupePolicy = { ...policy, baseline_rate: 0.2 };
    const population = createSeededRandom(7);
    const rng = createSeededRandom(8);
    const lastQueuedAt = new Map<string, number>();
    const decisions: SamplingDecision[] = [];
    for (let index = 0; index < N; index += 1) {
      // One event per second; 40% of outputs are one of 25 canned answers, so they repeat often.
      const now = NOW + index * 1000;
      const outputHash = population() < 0.4 ? `canned_${Math.floor(population() * 25)}` : `unique_${index}`;
      const candidate = buildCandidate(index, { occurredAt: now, outputHash });
      const decision = decideSampling(candidate, dedupePolicy, { now, lastSeenOutputAt: lastQueuedAt.get(outputHash) }, rng);
      if (decision.picked) lastQueuedAt.set(outputHash, now);
      decisions.push(decision);
    }
    const queued = decisions.filter((decision) => decision.picked);
    const observed = decisions.filter((decision) => decision.picked || decision.dedupedOf !== undefined);
    const attached = estimateHorvitzThompson(observed, decisions);
    const queuedOnly = estimateHorvitzThompson(queued, decisions);
    expect(observed.length - queued.length).toBeGreaterThan(5000);
    expect(Math.abs(attached.estimate - N)).toBeLessThan(4 * attached.standardError);
    // Counting only queued items would undercount by the duplicates, far beyond sampling noise.
    expect(N - queuedOnly.estimate).toBeGreaterThan(20 * queuedOnly.standardError);
  });
});
