import { describe, expect, it } from 'vitest';
import { chooseDefaultTest, DRIFT_TESTS, evaluateDrift, type EvaluateDriftInput } from './drift.models.ts';
import { createSeededRandom } from '../../shared/random.ts';
import { createCategories, createFiveLevelScores, createNormalSample } from './drift.test-utils.ts';

const metric = { source: 'support-bot', name: 'grader:tone' };

function evaluateNumeric(reference: number[], current: number[], extra: Partial<EvaluateDriftInput> = {}) {
  return evaluateDrift({ kind: 'numeric', reference, current, metric, ...extra } as EvaluateDriftInput);
}

function createSeededLengths(seed: number): () => number {
  const random = createSeededRandom(seed);
  return () => Math.floor(random() * 2000);
}

describe('chooseDefaultTest', () => {
  it("follows Evidently's _get_default_stattest", () => {
    expect(chooseDefaultTest('numeric', 1000, 6)).toBe('ks');
    expect(chooseDefaultTest('numeric', 1000, 5)).toBe('chisquare');
    expect(chooseDefaultTest('numeric', 1000, 2)).toBe('z');
    expect(chooseDefaultTest('numeric', 1001, 6)).toBe('wasserstein');
    expect(chooseDefaultTest('numeric', 1001, 5)).toBe('jensenshannon');
    expect(chooseDefaultTest('categorical', 1000, 3)).toBe('chisquare');
    expect(chooseDefaultTest('categorical', 1000, 2)).toBe('z');
    expect(chooseDefaultTest('categorical', 1001, 2)).toBe('jensenshannon');
  });

  it('always tests rates with the z-test, unlike Evidently above 1,000 rows', () => {
    expect(chooseDefaultTest('rate', 10)).toBe('z');
    expect(chooseDefaultTest('rate', 1_000_000)).toBe('z');
  });

  it("keeps Evidently's default thresholds", () => {
    expect(Object.fromEntries(Object.entries(DRIFT_TESTS).map(([name, spec]) => [name, spec.defaultThreshold]))).toEqual({
      ks: 0.05,
      z: 0.05,
      chisquare: 0.05,
      psi: 0.1,
      jensenshannon: 0.1,
      wasserstein: 0.1,
    });
  });
});

describe('evaluateDrift on numeric metrics', () => {
  it('finds no drift between two samples of the same distribution', () => {
    const small = evaluateNumeric(createNormalSample(1, 500, 0.7, 0.1), createNormalSample(2, 400, 0.7, 0.1));
    expect(small).toMatchObject({ test: 'ks', status: 'no_drift', threshold: 0.05, sizes: { reference: 500, current: 400 } });
    expect(small.statistic).toBeGreaterThan(0.05);
    const large = evaluateNumeric(createNormalSample(3, 5000, 0.7, 0.1), createNormalSample(4, 3000, 0.7, 0.1));
    expect(large).toMatchObject({ test: 'wasserstein', status: 'no_drift', threshold: 0.1 });
  });

  it('finds drift when the current window is shifted', () => {
    const small = evaluateNumeric(createNormalSample(1, 500, 0.7, 0.1), createNormalSample(2, 400, 0.75, 0.1));
    expect(small).toMatchObject({ test: 'ks', status: 'drift', ks: { method: 'exact' } });
    expect(small.statistic).toBeLessThan(1e-6);
    const large = evaluateNumeric(createNormalSample(3, 5000, 0.7, 0.1), createNormalSample(4, 3000, 0.72, 0.1));
    expect(large).toMatchObject({ test: 'wasserstein', status: 'drift' });
    expect(large.statistic).toBeGreaterThan(0.1);
  });

  it('reports insufficient data when either window is below the minimum', () => {
    const result = evaluateNumeric(createNormalSample(1, 500, 0, 1), createNormalSample(2, 99, 5, 1));
    expect(result).toMatchObject({ status: 'insufficient_data', statistic: null, sizes: { reference: 500, current: 99 } });
    expect(evaluateNumeric([1, 2, 3], [7, 8, 9], { minSampleSize: 3 }).status).toBe('no_drift');
  });

  it('drops non-finite values before counting and testing, as Evidently does', () => {
    const reference = [...createNormalSample(5, 100, 0, 1), Number.NaN, Infinity];
    const result = evaluateNumeric(reference, [...createNormalSample(6, 100, 0, 1), -Infinity]);
    expect(result.sizes).toEqual({ reference: 100, current: 100 });
  });

  it('uses per-value tests for five-level judge scores, like Evidently', () => {
    // Evidently picks chisquare (≤ 1,000 rows, ≤ 5 values): _chi_stat_test prints 6.04381086416703e-47.
    const result = evaluateNumeric(createFiveLevelScores(31, 800, 1), createFiveLevelScores(32, 600, 1.6));
    expect(result.test).toBe('chisquare');
    expect(result.status).toBe('drift');
    expect((result.statistic as number) / 6.04381086416703e-47).toBeCloseTo(1, 12);
  });

  it('honours an explicit test and threshold', () => {
    // Evidently _psi on these values: 0.08684386283649717, under 0.1 but over 0.05.
    const reference = createNormalSample(11, 2000, 0.6, 0.1);
    const current = createNormalSample(12, 1500, 0.63, 0.1);
    expect(evaluateNumeric(reference, current, { test: 'psi' })).toMatchObject({ status: 'no_drift', threshold: 0.1 });
    const strict = evaluateNumeric(reference, current, { test: 'psi', threshold: 0.05 });
    expect(strict).toMatchObject({ status: 'drift', threshold: 0.05 });
    expect(strict.statistic).toBeCloseTo(0.08684386283649717, 14);
  });

  it('rejects a test that does not fit the metric and a bad minimum', () => {
    const categorical = { kind: 'categorical', reference: ['a'], current: ['b'], metric, test: 'ks' } as const;
    expect(() => evaluateDrift(categorical)).toThrow(RangeError);
    expect(() => evaluateNumeric([1], [1], { minSampleSize: 0 })).toThrow(RangeError);
  });

  it('handles a million values per window', () => {
    // Uniform lengths in [0, 2000): one draw per value keeps the test itself cheap.
    const draw = (seed: number) => Array.from({ length: 1_000_000 }, createSeededLengths(seed));
    const reference = draw(7);
    const current = draw(8);
    const result = evaluateNumeric(reference, current);
    expect(result).toMatchObject({ test: 'wasserstein', status: 'no_drift', sizes: { reference: 1_000_000, current: 1_000_000 } });
    expect(evaluateNumeric(reference, current, { test: 'ks' })).toMatchObject({ status: 'no_drift', ks: { method: 'asymp' } });
  });
});

describe('evaluateDrift on categorical and rate metrics', () => {
  it('tests a version mix with Jensen–Shannon on large windows', () => {
    // Evidently _jensenshannon on the same seeded categories: 0.25787394788508977.
    const result = evaluateDrift({
      kind: 'categorical',
      metric: { source: 'support-bot', name: 'model_version' },
      reference: createCategories(41, 3000, [0.6, 0.3, 0.1], ['v1', 'v2', 'v3']),
      current: createCategories(42, 2000, [0.5, 0.45, 0.05], ['v2', 'v1', 'v4']),
    });
    expect(result).toMatchObject({ test: 'jensenshannon', status: 'drift', threshold: 0.1 });
    expect(result.statistic).toBeCloseTo(0.25787394788508977, 14);
  });

  it('tests a flag rate with the z-test', () => {
    // Evidently _z_stat_test: 30/1000 vs 52/1000 → 0.013105703045644734.
    const rate = (reference: number, current: number) =>
      evaluateDrift({
        kind: 'rate',
        metric: { source: 'support-bot', name: 'detector:pii:flag_rate' },
        reference: { positives: reference, total: 1000 },
        current: { positives: current, total: 1000 },
      });
    expect(rate(30, 52)).toMatchObject({ test: 'z', status: 'drift', sizes: { reference: 1000, current: 1000 } });
    expect(rate(30, 52).statistic).toBeCloseTo(0.013105703045644734, 15);
    expect(rate(30, 33).status).toBe('no_drift');
  });

  it('rejects impossible rate counts', () => {
    const input = { kind: 'rate', metric, reference: { positives: 5, total: 4 }, current: { positives: 1, total: 4 } } as const;
    expect(() => evaluateDrift(input)).toThrow(RangeError);
  });
});
