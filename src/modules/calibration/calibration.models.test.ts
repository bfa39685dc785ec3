import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../shared/random.ts';
import type { LabelledScore } from './calibration.models.ts';
import { cohensKappaBinary, computeCurve, confusionAt, evaluateThreshold, recommendThreshold } from './calibration.models.ts';

// Six labels, hand-worked below. Weighted totals: 4 violations, 4 non-violations.
const SMALL: LabelledScore[] = [
  { score: 0.9, violation: true, weight: 1 },
  { score: 0.8, violation: false, weight: 2 },
  { score: 0.8, violation: true, weight: 1 },
  { score: 0.4, violation: false, weight: 1 },
  { score: 0.2, violation: true, weight: 2 },
  { score: 0.1, violation: false, weight: 1 },
];

function repeat(count: number, item: LabelledScore): LabelledScore[] {
  return Array.from({ length: count }, () => ({ ...item }));
}

describe('computeCurve', () => {
  it('gives weighted and unweighted precision, recall and false positive rate at every distinct threshold', () => {
    const curve = computeCurve(SMALL);
    expect([...curve.thresholds]).toEqual([0.9, 0.8, 0.4, 0.2, 0.1]);
    expect([...curve.weighted.truePositives]).toEqual([1, 2, 2, 4, 4]);
    expect([...curve.weighted.falsePositives]).toEqual([0, 2, 3, 3, 4]);
    expect([...curve.weighted.precision]).toEqual([1, 0.5, 0.4, 4 / 7, 0.5]);
    expect([...curve.weighted.recall]).toEqual([0.25, 0.5, 0.5, 1, 1]);
    expect([...curve.weighted.falsePositiveRate]).toEqual([0, 0.5, 0.75, 0.75, 1]);
    expect([...curve.unweighted.precision]).toEqual([1, 2 / 3, 0.5, 0.6, 0.5]);
    expect(curve.totals).toEqual({ violations: 4, nonViolations: 4, violationCount: 3, nonViolationCount: 3 });
  });

  it('computes ROC AUC by trapezoids, giving half credit to a tie between classes', () => {
    const curve = computeCurve(SMALL);
    // Weighted Mann–Whitney by hand: 0.9 beats 4, 0.8 ties 2 (→ 1) and beats 2, 0.2 (weight 2) beats 1 → 9 / 16.
    expect(curve.weighted.rocAuc).toBeCloseTo(9 / 16, 12);
    expect(curve.unweighted.rocAuc).toBeCloseTo(6.5 / 9, 12);
  });

  it('computes average precision as the recall-step-weighted sum of precisions', () => {
    const curve = computeCurve(SMALL);
    expect(curve.weighted.averagePrecision).toBeCloseTo(0.25 * 1 + 0.25 * 0.5 + 0.5 * (4 / 7), 12);
    expect(curve.unweighted.averagePrecision).toBeCloseTo((1 + 2 / 3 + 0.6) / 3, 12);
  });

  it('agrees with a brute-force weighted Mann–Whitney statistic on random tied data', () => {
    const rng = createSeededRandom(5);
    const items = Array.from({ length: 300 }, () => ({
      score: Math.round(rng() * 20) / 20,
      violation: rng() < 0.4,
      weight: 1 + Math.floor(rng() * 5),
    }));
    let wins = 0;
    let pairs = 0;
    for (const a of items.filter((i) => i.violation)) {
      for (const b of items.filter((i) => !i.violation)) {
        const w = a.weight * b.weight;
        pairs += w;
        wins += a.score > b.score ? w : a.score === b.score ? w / 2 : 0;
      }
    }
    expect(computeCurve(items).weighted.rocAuc).toBeCloseTo(wins / pairs, 10);
  });

  it('accepts struct-of-arrays columns with the same result', () => {
    const columns = {
      score: Float64Array.from(SMALL.map((i) => i.score)),
      violation: Uint8Array.from(SMALL.map((i) => (i.violation ? 1 : 0))),
      weight: Float64Array.from(SMALL.map((i) => i.weight)),
    };
    expect(computeCurve(columns)).toEqual(computeCurve(SMALL));
  });

  it('rejects scores outside [0, 1], non-positive weights and ragged columns', () => {
    expect(() => computeCurve([{ score: 1.2, violation: true, weight: 1 }])).toThrow(RangeError);
    expect(() => computeCurve([{ score: Number.NaN, violation: true, weight: 1 }])).toThrow(RangeError);
    expect(() => computeCurve([{ score: 0.5, violation: true, weight: 0 }])).toThrow(RangeError);
    expect(() => computeCurve({ score: [0.5], violation: [true, false], weight: [1] })).toThrow(RangeError);
  });
});

describe('confusionAt and cohensKappaBinary', () => {
  it('counts weighted and raw cells when flagging score ≥ threshold', () => {
    expect(confusionAt(SMALL, 0.5)).toEqual({
      threshold: 0.5,
      weighted: { tp: 2, fp: 2, fn: 2, tn: 2 },
      raw: { tp: 2, fp: 1, fn: 1, tn: 2 },
    });
    expect(evaluateThreshold(SMALL, 0.5).confusion).toEqual(confusionAt(SMALL, 0.5));
    expect(confusionAt(SMALL, 0.8).raw).toEqual({ tp: 2, fp: 1, fn: 1, tn: 2 });
  });

  it('measures judge–human agreement beyond chance on labels and on estimated traffic', () => {
    // Raw: p_o = 4/6, p_e = 0.5 → κ = 1/3. Weighted: p_o = 0.5 = p_e → κ = 0.
    const kappa = cohensKappaBinary(SMALL, 0.5);
    expect(kappa.unweighted).toBeCloseTo(1 / 3, 12);
    expect(kappa.weighted).toBeCloseTo(0, 12);
  });
});

describe('evaluateThreshold', () => {
  it('reports NaN precision when nothing is flagged and a deterministic bootstrap for a seeded rng', () => {
    expect(evaluateThreshold(SMALL, 0.95).weighted.precision).toBeNaN();
    const run = () => evaluateThreshold(SMALL, 0.5, { interval: { method: 'bootstrap', rng: createSeededRandom(9), resamples: 200 } });
    expect(run().intervals).toEqual(run().intervals);
    expect(run().intervals).toMatchObject({ method: 'bootstrap', resamples: 200, confidence: 0.95 });
  });
});

describe('recommendThreshold', () => {
  it('asks for more labels when a class has fewer than minPerClass raw labels, whatever the weights', () => {
    const items = [
      ...repeat(29, { score: 0.9, violation: true, weight: 100 }),
      ...repeat(40, { score: 0.1, violation: false, weight: 1 }),
    ];
    expect(recommendThreshold(items, { kind: 'target_recall', recall: 0.95 })).toEqual({
      status: 'insufficient_labels',
      labels: { violations: 29, nonViolations: 40 },
      needed: { violations: 1, nonViolations: 0 },
    });
  });

  it('picks the highest threshold whose weighted recall reaches the target', () => {
    const options = { minPerClass: 3 };
    const half = recommendThreshold(SMALL, { kind: 'target_recall', recall: 0.5 }, options);
    const more = recommendThreshold(SMALL, { kind: 'target_recall', recall: 0.6 }, options);
    expect(half.status === 'ok' && half.threshold).toBe(0.8);
    expect(more.status === 'ok' && more.threshold).toBe(0.2);
    expect(more.status === 'ok' && more.proposed.weighted).toMatchObject({ precision: 4 / 7, recall: 1 });
  });

  it('maximises weighted F_beta and prefers the higher threshold on a tie', () => {
    const options = { minPerClass: 3 };
    // F1 by hand: 0.4, 0.5, 4/9, 8/11, 2/3 → 0.2. F0.5: 0.625, 0.5, 5/12, 0.625, 5/9 → tie, 0.9 wins.
    const f1 = recommendThreshold(SMALL, { kind: 'f_beta', beta: 1 }, options);
    const f05 = recommendThreshold(SMALL, { kind: 'f_beta', beta: 0.5 }, options);
    expect(f1.status === 'ok' && [f1.threshold, f1.proposed.weighted.f]).toEqual([0.2, 8 / 11]);
    expect(f05.status === 'ok' && [f05.threshold, f05.proposed.weighted.f]).toEqual([0.9, 0.625]);
  });

  it('recommends a lower threshold once sampling weights count the unflagged violations it misses', () => {
    // Low scores were reviewed at p = 0.1, so each of those labels stands for ten live events.
    const weighted = [
      ...repeat(90, { score: 0.9, violation: true, weight: 1 }),
      ...repeat(10, { score: 0.3, violation: true, weight: 10 }),
      ...repeat(50, { score: 0.5, violation: false, weight: 10 }),
      ...repeat(30, { score: 0.1, violation: false, weight: 10 }),
    ];
    const unweighted = weighted.map((item) => ({ ...item, weight: 1 }));
    const objective = { kind: 'target_recall', recall: 0.9 } as const;
    const withWeights = recommendThreshold(weighted, objective);
    const withoutWeights = recommendThreshold(unweighted, objective);
    expect(withoutWeights.status === 'ok' && withoutWeights.threshold).toBe(0.9);
    expect(withWeights.status === 'ok' && withWeights.threshold).toBe(0.3);
    if (withWeights.status !== 'ok') return;
    // At 0.9 the queue looks like 90% recall, but live traffic would see 90 / 190.
    expect(withWeights.proposed.unweighted.recall).toBe(1);
    expect(evaluateThreshold(weighted, 0.9).weighted.recall).toBeCloseTo(90 / 190, 12);
    expect(evaluateThreshold(weighted, 0.9).unweighted.recall).toBeCloseTo(0.9, 12);
  });

  it('reports intervals around the estimates and the review load at the current and proposed thresholds', () => {
    const items = [
      ...repeat(90, { score: 0.9, violation: true, weight: 1 }),
      ...repeat(10, { score: 0.3, violation: true, weight: 10 }),
      ...repeat(50, { score: 0.5, violation: false, weight: 10 }),
      ...repeat(30, { score: 0.1, violation: false, weight: 10 }),
    ];
    const result = recommendThreshold(items, { kind: 'target_recall', recall: 0.9 }, { currentThreshold: 0.5, eventsPerDay: 10_000 });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    const { precision, recall } = result.proposed.intervals;
    expect(result.proposed.weighted.precision).toBeCloseTo(190 / 690, 12);
    expect(precision.lower).toBeLessThan(190 / 690);
    expect(precision.upper).toBeGreaterThan(190 / 690);
    expect(recall.upper).toBe(1);
    expect(recall.lower).toBeLessThan(1);
    expect(result.current?.weighted.recall).toBeCloseTo(90 / 190, 12);
    expect(result.load.current?.flagsPerDay).toBeCloseTo((10_000 * 590) / 990, 9);
    expect(result.load.proposed.flagsPerDay).toBeCloseTo((10_000 * 690) / 990, 9);
    expect(result.load.deltaFlagsPerDay).toBeCloseTo((10_000 * 100) / 990, 9);
    expect(result.curve.weighted.rocAuc).toBeGreaterThan(0.5);
  });

  it('uses the caller’s flagged-share function for the review load when given', () => {
    const result = recommendThreshold(SMALL, { kind: 'target_recall', recall: 1 }, {
      minPerClass: 3,
      currentThreshold: 0.9,
      eventsPerDay: 1000,
      flaggedShareAt: (threshold) => 1 - threshold,
    });
    expect(result.status === 'ok' && result.load).toEqual({
      eventsPerDay: 1000,
      current: { threshold: 0.9, flaggedShare: 1 - 0.9, flagsPerDay: 1000 * (1 - 0.9) },
      proposed: { threshold: 0.2, flaggedShare: 0.8, flagsPerDay: 800 },
      deltaFlagsPerDay: 800 - 1000 * (1 - 0.9),
    });
  });

  it('rejects an impossible objective', () => {
    expect(() => recommendThreshold(SMALL, { kind: 'target_recall', recall: 1.5 })).toThrow(RangeError);
    expect(() => recommendThreshold(SMALL, { kind: 'f_beta', beta: 0 })).toThrow(RangeError);
  });
});
