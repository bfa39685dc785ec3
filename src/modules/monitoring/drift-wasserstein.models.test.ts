import { describe, expect, it } from 'vitest';
import { toSortedSample } from './drift.models.ts';
import { createNormalSample } from './drift.test-utils.ts';
import { normedWassersteinSorted, populationStd, wassersteinDistance } from './drift-wasserstein.models.ts';

describe('wassersteinDistance', () => {
  it('reproduces the scipy documentation examples', () => {
    // scipy.stats.wasserstein_distance docstring: 5.0, 0.25 and 4.0781331438047861.
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBe(5);
    expect(wassersteinDistance([0, 1], [0, 1], [3, 1], [2, 2])).toBeCloseTo(0.25, 15);
    expect(wassersteinDistance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4], [1.4, 0.9, 3.1, 7.2], [3.2, 3.5])).toBeCloseTo(
      4.0781331438047861,
      14,
    );
  });

  it('moves a quarter of the mass across the whole gap when weights differ', () => {
    // By hand: U = 3/4 and V = 1/2 on [0, 10), so the area is 1/4 · 10 = 2.5 (scipy 1.17.1 agrees).
    expect(wassersteinDistance([0, 10], [0, 10], [3, 1], [2, 2])).toBeCloseTo(2.5, 15);
  });

  it('is zero for the same values in any order', () => {
    expect(wassersteinDistance([3, 1, 2], [2, 3, 1])).toBe(0);
  });
});

describe('normedWassersteinSorted (Evidently "wasserstein")', () => {
  it('divides by the population std of the reference', () => {
    // By hand: W1([0,1,3], [5,6,8]) = 5; np.std([0,1,3]) = sqrt(42/27) = 1.2472191289246473.
    expect(populationStd([0, 1, 3])).toBeCloseTo(Math.sqrt(42 / 27), 15);
    const normed = normedWassersteinSorted(toSortedSample([0, 1, 3]), toSortedSample([5, 6, 8]));
    expect(normed).toBeCloseTo(5 / Math.sqrt(42 / 27), 14);
  });

  it('floors a constant reference std at 0.001', () => {
    // std = 0 → norm = max(0, 0.001); W1 = 0.0005, so the normed distance is 0.5.
    const normed = normedWassersteinSorted(toSortedSample([5, 5, 5, 5]), toSortedSample([5.0005, 5.0005]));
    expect(normed).toBeCloseTo(0.5, 9);
  });

  it('matches Evidently on seeded samples', () => {
    // Evidently _wasserstein_distance_norm (scipy 1.17.1, numpy 2.4.6) on the same seeded values:
    // shifted by 0.3σ → 0.2794934100693623; same distribution, other seed → 0.0683482238548093.
    const reference = toSortedSample(createNormalSample(11, 2000, 0.6, 0.1));
    const shifted = toSortedSample(createNormalSample(12, 1500, 0.63, 0.1));
    const same = toSortedSample(createNormalSample(13, 2000, 0.6, 0.1));
    expect(normedWassersteinSorted(reference, shifted)).toBeCloseTo(0.2794934100693623, 14);
    expect(normedWassersteinSorted(reference, same)).toBeCloseTo(0.0683482238548093, 14);
  });
});
