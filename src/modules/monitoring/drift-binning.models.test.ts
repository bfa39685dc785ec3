import { describe, expect, it } from 'vitest';
import {
  binCountShares,
  binNumericShares,
  countCategories,
  fillEmptyShares,
  histogramSorted,
  jensenShannonDistance,
  populationStabilityIndex,
  sturgesBinEdges,
} from './drift-binning.models.ts';
import { toSortedSample } from './drift.models.ts';
import { createCategories, createFiveLevelScores, createNormalSample } from './drift.test-utils.ts';

describe('populationStabilityIndex', () => {
  it('equals a hand computation on two bins', () => {
    // (0.5 − 0.25)·ln(0.5/0.25) + (0.5 − 0.75)·ln(0.5/0.75) = 0.25·(ln 2 − ln 2/3) = 0.25·ln 3.
    const shares = { reference: Float64Array.of(0.5, 0.5), current: Float64Array.of(0.25, 0.75) };
    expect(populationStabilityIndex(shares)).toBeCloseTo(0.25 * Math.log(3), 15);
  });

  it('fills empty bins as Evidently does', () => {
    // min non-zero share 0.5 > 0.0001 → fill 0.0001; min non-zero 0.00005 ≤ 0.0001 → fill 0.00005 / 1e6.
    expect(Array.from(fillEmptyShares(Float64Array.of(0.5, 0, 0.5)))).toEqual([0.5, 0.0001, 0.5]);
    expect(Array.from(fillEmptyShares(Float64Array.of(0.99995, 0.00005, 0)))).toEqual([0.99995, 0.00005, 0.00005 / 1e6]);
  });
});

describe('jensenShannonDistance', () => {
  it('reproduces the scipy documentation examples', () => {
    // scipy.spatial.distance.jensenshannon docstring: 1.0, 0.46450140402245893, 0.0.
    expect(jensenShannonDistance([1, 0, 0], [0, 1, 0], 2)).toBeCloseTo(1, 15);
    expect(jensenShannonDistance([1, 0], [0.5, 0.5])).toBeCloseTo(0.46450140402245893, 15);
    expect(jensenShannonDistance([1, 0, 0], [1, 0, 0])).toBe(0);
  });

  it('normalises inputs and peaks at √ln 2 for disjoint supports in natural log', () => {
    expect(jensenShannonDistance([2, 0], [0, 5])).toBeCloseTo(Math.sqrt(Math.LN2), 15);
  });
});

describe('binning as Evidently get_binned_data', () => {
  it('cuts Sturges bins over the combined range like numpy', () => {
    // 3 + 1 values: log2(4) + 1 = 3 bins over [0, 3]; np.histogram puts 3 in the last, closed bin.
    const edges = sturgesBinEdges(toSortedSample([0, 1, 3]), toSortedSample([2]));
    expect(Array.from(edges)).toEqual([0, 1, 2, 3]);
    expect(histogramSorted(toSortedSample([0, 1, 3]), edges)).toEqual([1, 1, 1]);
  });

  it('uses 13 bins for 2,000 + 1,500 values, as np.histogram_bin_edges(…, "sturges") does', () => {
    const reference = toSortedSample(createNormalSample(11, 2000, 0.6, 0.1));
    const current = toSortedSample(createNormalSample(12, 1500, 0.63, 0.1));
    expect(sturgesBinEdges(reference, current).length - 1).toBe(13);
    expect(binNumericShares(reference, current).reference.length).toBe(13);
  });

  it('counts per value when the reference has at most 20 distinct values', () => {
    const shares = binNumericShares(toSortedSample([0, 0, 0.5, 1]), toSortedSample([0.5, 0.75]));
    expect(Array.from(shares.reference)).toEqual([0.5, 0.25, 0, 0.25]);
    expect(Array.from(shares.current)).toEqual([0, 0.5, 0.5, 0]);
  });

  it('aligns categories over the union of both windows', () => {
    expect(countCategories(['b', 'a', 'b'], ['c'])).toEqual({ keys: ['a', 'b', 'c'], reference: [1, 2, 0], current: [0, 0, 1] });
  });
});

// Evidently legacy _psi / _jensenshannon (get_binned_data with pandas calls replaced by numpy),
// run with scipy 1.17.1 / numpy 2.4.6 on the same seeded values generated in Python.
describe('PSI and Jensen–Shannon against Evidently', () => {
  it('match on a numeric feature binned by Sturges', () => {
    const reference = toSortedSample(createNormalSample(11, 2000, 0.6, 0.1));
    const current = toSortedSample(createNormalSample(12, 1500, 0.63, 0.1));
    const shares = binNumericShares(reference, current);
    expect(populationStabilityIndex(shares)).toBeCloseTo(0.08684386283649717, 14);
    expect(jensenShannonDistance(shares.reference, shares.current)).toBeCloseTo(0.10327139869828963, 14);
  });

  it('match on five-level judge scores counted per value', () => {
    const shares = binNumericShares(
      toSortedSample(createFiveLevelScores(31, 800, 1)),
      toSortedSample(createFiveLevelScores(32, 600, 1.6)),
    );
    expect(populationStabilityIndex(shares)).toBeCloseTo(0.2814016640508426, 14);
    expect(jensenShannonDistance(shares.reference, shares.current)).toBeCloseTo(0.18544028403275525, 14);
  });

  it('match on a version mix where one version disappears and a new one appears', () => {
    const reference = createCategories(41, 3000, [0.6, 0.3, 0.1], ['v1', 'v2', 'v3']);
    const current = createCategories(42, 2000, [0.5, 0.45, 0.05], ['v2', 'v1', 'v4']);
    const shares = binCountShares(countCategories(reference, current));
    expect(populationStabilityIndex(shares)).toBeCloseTo(1.083815722802604, 13);
    expect(jensenShannonDistance(shares.reference, shares.current)).toBeCloseTo(0.25787394788508977, 14);
  });
});
