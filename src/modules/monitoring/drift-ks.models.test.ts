import { describe, expect, it } from 'vitest';
import { ksTwoSample } from './drift-ks.models.ts';
import { toSortedSample } from './drift.models.ts';
import { createNormalSample } from './drift.test-utils.ts';

const sorted = (values: number[]): Float64Array => toSortedSample(values);

describe('ksTwoSample on hand-countable samples', () => {
  it('gives p = 2 / C(6, 3) when one sample of three lies entirely below the other', () => {
    // Of the C(6,3) = 20 equally likely orderings, 2 put all of one sample first.
    // scipy 1.17.1 ks_2samp([1,2,3], [4,5,6]) prints statistic=1.0, pvalue=0.09999999999999999.
    const result = ksTwoSample(sorted([1, 2, 3]), sorted([4, 5, 6]));
    expect(result).toEqual({ statistic: 1, pValue: 0.09999999999999999, method: 'exact' });
  });

  it('gives p = 2 / C(5, 2) for unequal sizes', () => {
    // scipy 1.17.1 ks_2samp([1,2], [3,4,5]): statistic=1.0, pvalue=0.2.
    const result = ksTwoSample(sorted([1, 2]), sorted([3, 4, 5]));
    expect(result.statistic).toBe(1);
    expect(result.pValue).toBeCloseTo(0.2, 15);
  });

  it('counts ties across samples as scipy does', () => {
    // ECDF gap is largest at 0.2: 3/5 − 1/6 = 13/30. scipy 1.17.1 prints pvalue=0.5909090909090909.
    const result = ksTwoSample(sorted([0.1, 0.1, 0.2, 0.5, 0.9]), sorted([0.1, 0.3, 0.3, 0.7, 0.8, 0.95]));
    expect(result.statistic).toBeCloseTo(13 / 30, 15);
    expect(result.pValue).toBeCloseTo(0.5909090909090909, 14);
  });

  it('returns D = 0 and p = 1 for identical samples', () => {
    expect(ksTwoSample(sorted([1, 2, 3, 4]), sorted([4, 3, 2, 1]))).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
  });

  it('rejects an empty sample', () => {
    expect(() => ksTwoSample(sorted([]), sorted([1]))).toThrow(RangeError);
  });
});

// Seeded samples (drift.test-utils createNormalSample; "quantised" = Math.floor(v * 10) / 10 to
// create ties), with D and p printed by scipy 1.17.1 ks_2samp(a, b) on the same values generated
// in Python. Sizes cover both equal- and unequal-size exact paths and every asymp regime.
const SCIPY_CASES = [
  { n1: 5, n2: 7, shift: 0, seeds: [1000, 2000], quantise: true, d: 0.5714285714285714, p: 0.23737373737373738, method: 'exact' },
  { n1: 100, n2: 100, shift: 0.3, seeds: [1004, 2004], quantise: false, d: 0.36, p: 3.751914289152195e-6, method: 'exact' },
  { n1: 150, n2: 250, shift: 0.2, seeds: [1005, 2005], quantise: false, d: 0.20666666666666667, p: 0.0005648317218590318, method: 'exact' },
  { n1: 1000, n2: 700, shift: 0.1, seeds: [1006, 2006], quantise: true, d: 0.056428571428571425, p: 0.1392786239327224, method: 'exact' },
  { n1: 10000, n2: 9999, shift: 0.03, seeds: [1009, 2009], quantise: true, d: 0.010942954295429543, p: 0.5818200027605492, method: 'exact' },
  { n1: 10001, n2: 10001, shift: 0.02, seeds: [1011, 2011], quantise: false, d: 0.007299270072992692, p: 0.9508897922827115, method: 'asymp' },
  { n1: 20000, n2: 130, shift: 0.2, seeds: [1013, 2013], quantise: false, d: 0.12991538461538465, p: 0.023347126499573535, method: 'asymp' },
  { n1: 50000, n2: 30000, shift: 0.02, seeds: [1014, 2014], quantise: false, d: 0.011739999999999973, p: 0.011295940841495336, method: 'asymp' },
  { n1: 200000, n2: 100000, shift: 0.01, seeds: [1016, 2016], quantise: false, d: 0.005345000000000044, p: 0.04417214839102479, method: 'asymp' },
] as const;

describe('ksTwoSample against scipy ks_2samp', () => {
  it.each(SCIPY_CASES)('matches for n1=$n1, n2=$n2 ($method)', ({ n1, n2, shift, seeds, quantise, d, p, method }) => {
    const round = (values: number[]): number[] => (quantise ? values.map((v) => Math.floor(v * 10) / 10) : values);
    const a = round(createNormalSample(seeds[0], n1, 0, 1));
    const b = round(createNormalSample(seeds[1], n2, shift, 1));
    const result = ksTwoSample(sorted(a), sorted(b));
    expect(result.method).toBe(method);
    expect(result.statistic).toBeCloseTo(d, 14);
    expect(result.pValue / p).toBeCloseTo(1, 9);
  });

  it('returns 0 past the point where the exact p-value underflows, as scipy does', () => {
    // scipy 1.17.1 ks_2samp on 50,000 vs 30,000 values shifted by 0.5σ prints pvalue=0.0.
    const a = createNormalSample(1015, 50_000, 0, 1).map((v) => Math.floor(v * 10) / 10);
    const b = createNormalSample(2015, 30_000, 0.5, 1).map((v) => Math.floor(v * 10) / 10);
    expect(ksTwoSample(sorted(a), sorted(b)).pValue).toBe(0);
    // scipy 1.17.1 ks_2samp(range(10000), [i + 4000 for i in range(9999)]): D = 0.4, pvalue=0.0.
    const big = sorted(Array.from({ length: 10_000 }, (_, i) => i));
    const shifted = sorted(Array.from({ length: 9_999 }, (_, i) => i + 4000));
    expect(ksTwoSample(big, shifted)).toMatchObject({ pValue: 0, method: 'exact' });
  });
});
