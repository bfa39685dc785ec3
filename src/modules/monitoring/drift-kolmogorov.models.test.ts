import { describe, expect, it } from 'vitest';
import { kolmogorovSf } from './drift-kolmogorov.models.ts';
import { smirnovSf } from './drift-smirnov.models.ts';

// [n, x, scipy.stats.kstwo.sf(x, n), scipy.special.smirnov(n, x)] printed by scipy 1.17.1.
// The cases walk through every regime scipy's _kolmogn picks: Ruben–Gambino (t ≤ 1 and
// t ≥ n − 1), 2 × Smirnov (x ≥ 0.5, n·x² ≥ 2.2), Durbin matrix (n ≤ 140, or tiny x) and Pelz–Good.
const SCIPY_CASES: Array<[number, number, number, number]> = [
  [10, 0.3, 0.27053557479999946, 0.1354635556],
  [100, 0.1, 0.2526927570063874, 0.1265906584562817],
  [100, 0.2, 0.0005551927327988775, 0.0002775963664037337],
  [140, 0.25, 3.391572437071032e-8, 1.695786218535516e-8],
  [500, 0.05, 0.15866260223815387, 0.07937040397120126],
  [1000, 0.043, 0.04811098765192656, 0.024055817823477488],
  [20000, 0.0096, 0.04980186054580249, 0.024901314431570044],
  [100000, 0.0043, 0.04940312751194875, 0.024701936019298657],
  [500000, 0.003, 0.00024632301239186754, 0.00012316150619593377],
  [2000, 0.0005, 1, 0.9986418777764502],
  [50, 0.6, 9.634070456142374e-18, 4.817035228071187e-18],
];

describe('kolmogorovSf', () => {
  it.each(SCIPY_CASES)('matches scipy kstwo.sf for n=%d, x=%f', (n, x, expected) => {
    expect(kolmogorovSf(n, x) / expected).toBeCloseTo(1, 8);
  });

  it('gives hand-checkable edge values', () => {
    // n = 1: D_1 = max(F(x1), 1 − F(x1)) is uniform on [1/2, 1], so P(D_1 > 3/4) = 1/2.
    expect(kolmogorovSf(1, 0.75)).toBe(0.5);
    // D_n ≥ 1/(2n) always, so P(D_10 > 0.05) = 1.
    expect(kolmogorovSf(10, 0.05)).toBe(1);
    expect(kolmogorovSf(10, 1)).toBe(0);
  });

  it('approaches the Kolmogorov limit for large n', () => {
    // scipy.special.kolmogorov(1.36) = 0.049485876755377876; the finite-n value is within 0.001.
    expect(kolmogorovSf(100_000, 1.36 / Math.sqrt(100_000))).toBeCloseTo(0.049485876755377876, 3);
  });
});

describe('smirnovSf', () => {
  it.each(SCIPY_CASES)('matches scipy.special.smirnov for n=%d, x=%f', (n, x, _two, expected) => {
    expect(smirnovSf(n, x) / expected).toBeCloseTo(1, 8);
  });

  it('is 1 − x for a single observation', () => {
    expect(smirnovSf(1, 0.75)).toBe(0.25);
  });
});
