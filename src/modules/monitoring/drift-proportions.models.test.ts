import { describe, expect, it } from 'vitest';
import { countCategories } from './drift-binning.models.ts';
import { chiSquareTestOnTable, countRate, proportionsZTest, toRateTable, zTestOnTable } from './drift-proportions.models.ts';
import { createCategories } from './drift.test-utils.ts';

describe('proportionsZTest (Evidently "z")', () => {
  it('equals a hand computation', () => {
    // p1 = 0.5, p2 = 0.7, pooled 0.6: z = −0.2 / sqrt(0.24 · 0.02) = −2.886751…;
    // 2·(1 − Φ(2.886751)) = 0.0038924171227785465 (Evidently's _z_stat_test, scipy 1.17.1).
    expect(proportionsZTest({ positives: 50, total: 100 }, { positives: 70, total: 100 })).toBeCloseTo(
      0.0038924171227785465,
      15,
    );
  });

  it('matches Evidently on flag rates', () => {
    // Evidently _z_stat_test on 0/1 columns: 30/1000 vs 52/1000 → 0.013105703045644734;
    // 1000/1e6 vs 1100/1e6 → 0.029011851697403612; 0/500 vs 3/400 → 0.0524128460004194.
    expect(proportionsZTest({ positives: 30, total: 1000 }, { positives: 52, total: 1000 })).toBeCloseTo(0.013105703045644734, 15);
    expect(proportionsZTest({ positives: 1000, total: 1e6 }, { positives: 1100, total: 1e6 })).toBeCloseTo(0.029011851697403612, 13);
    expect(proportionsZTest({ positives: 0, total: 500 }, { positives: 3, total: 400 })).toBeCloseTo(0.0524128460004194, 15);
  });

  it('gives p = 1 when both windows are constant and equal', () => {
    expect(proportionsZTest({ positives: 0, total: 500 }, { positives: 0, total: 400 })).toBe(1);
    expect(zTestOnTable(toRateTable({ positives: 7, total: 7 }, { positives: 9, total: 9 }))).toBe(1);
  });

  it('counts booleans', () => {
    expect(countRate([true, false, true])).toEqual({ positives: 2, total: 3 });
  });
});

describe('chiSquareTestOnTable (Evidently "chisquare")', () => {
  it('matches Evidently on a three-version mix', () => {
    // Evidently _chi_stat_test (scipy.stats.chisquare) on the same seeded categories: 0.04564039331828239.
    const table = countCategories(
      createCategories(43, 500, [0.5, 0.3, 0.2], ['a', 'b', 'c']),
      createCategories(44, 400, [0.45, 0.33, 0.22], ['a', 'b', 'c']),
    );
    expect(chiSquareTestOnTable(table)).toBeCloseTo(0.04564039331828239, 14);
  });

  it('tests the current counts against the reference shares, as Evidently does', () => {
    // Expected counts [970, 30] vs observed [948, 52]: 22²/970 + 22²/30 = 16.63… on 1 df;
    // Evidently prints 4.537166938362763e-05 (far below the pooled z-test's 0.0131).
    const table = toRateTable({ positives: 30, total: 1000 }, { positives: 52, total: 1000 });
    expect(chiSquareTestOnTable(table) / 4.537166938362763e-5).toBeCloseTo(1, 13);
  });

  it('gives p = 0 for a category the reference never saw and p = 1 for a single category', () => {
    expect(chiSquareTestOnTable(countCategories(['a', 'a', 'b'], ['a', 'c']))).toBe(0);
    expect(chiSquareTestOnTable(countCategories(['a', 'a'], ['a']))).toBe(1);
  });
});
