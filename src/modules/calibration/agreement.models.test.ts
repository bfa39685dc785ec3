import { describe, expect, it } from 'vitest';
import { agreementWithConsensus, cohensKappa, computeKappaFromMatrix, goldAccuracy, krippendorffAlpha, weightedKappa } from './agreement.models.ts';
import { wilsonInterval } from './calibration-intervals.models.ts';

function repeatPairs<T>(count: number, pair: readonly [T, T]): [T, T][] {
  return Array.from({ length: count }, () => [pair[0], pair[1]]);
}

describe('cohensKappa', () => {
  it('reproduces the 50-proposal textbook example (Wikipedia, "Cohen\'s kappa": κ = 0.4)', () => {
    // Readers A and B on 50 grant proposals: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
    const pairs = [
      ...repeatPairs(20, ['yes', 'yes']),
      ...repeatPairs(5, ['yes', 'no']),
      ...repeatPairs(10, ['no', 'yes']),
      ...repeatPairs(15, ['no', 'no']),
    ];
    const result = cohensKappa(pairs);
    expect(result.observedAgreement).toBeCloseTo(0.7, 12);
    expect(result.expectedAgreement).toBeCloseTo(0.5, 12);
    expect(result.kappa).toBeCloseTo(0.4, 12);
    expect(result.n).toBe(50);
  });

  it('handles numeric and string categories, one rater using a category the other never does', () => {
    // Hand-worked: p_o = 3/5; rater A: a 2, b 2, 1 1; rater B: a 3, b 2 → p_e = (2·3 + 2·2) / 25 = 0.4.
    const result = cohensKappa([
      ['a', 'a'],
      ['a', 'a'],
      ['b', 'b'],
      ['b', 'a'],
      [1, 'b'],
    ]);
    expect(result.kappa).toBeCloseTo((0.6 - 0.4) / 0.6, 12);
  });

  it('is undefined (NaN) when both raters always give the same single category', () => {
    expect(cohensKappa(repeatPairs(4, ['ok', 'ok'])).kappa).toBeNaN();
  });

  it('matches the matrix form used for judge-versus-human agreement', () => {
    expect(
      computeKappaFromMatrix([
        [20, 5],
        [10, 15],
      ]),
    ).toBeCloseTo(0.4, 12);
  });
});

describe('weightedKappa', () => {
  it('equals Cohen’s kappa for two categories', () => {
    const pairs = [...repeatPairs(20, [1, 1]), ...repeatPairs(5, [1, 2]), ...repeatPairs(10, [2, 1]), ...repeatPairs(15, [2, 2])];
    expect(weightedKappa(pairs, 'linear').kappa).toBeCloseTo(0.4, 12);
    expect(weightedKappa(pairs, 'quadratic').kappa).toBeCloseTo(0.4, 12);
  });

  it('gives near misses partial credit on a 1–3 scale (hand-worked)', () => {
    // Pairs (1,1) (2,2) (3,3) (1,2) (2,3) (3,1): every rating used twice by each rater, so e_ij = 1/9.
    // Linear: Σd·o = (0.5 + 0.5 + 1) / 6 = 1/3; Σd·e = (4·0.5 + 2·1) / 9 = 4/9 → κ_w = 1 − 3/4 = 0.25.
    // Quadratic: Σd·o = (0.25 + 0.25 + 1) / 6 = 0.25; Σd·e = (4·0.25 + 2·1) / 9 = 1/3 → κ_w = 0.25.
    const pairs: [number, number][] = [
      [1, 1],
      [2, 2],
      [3, 3],
      [1, 2],
      [2, 3],
      [3, 1],
    ];
    expect(weightedKappa(pairs, 'linear').kappa).toBeCloseTo(0.25, 12);
    expect(weightedKappa(pairs, 'quadratic').kappa).toBeCloseTo(0.25, 12);
    expect(cohensKappa(pairs).kappa).toBeCloseTo((0.5 - 1 / 3) / (2 / 3), 12);
  });

  it('measures distances on the declared scale and rejects ratings outside it', () => {
    // On a 1–5 scale a 1-vs-2 miss is a quarter of the maximum distance, not all of it.
    const pairs: [number, number][] = [...repeatPairs(3, [1, 1]), ...repeatPairs(3, [2, 2]), [1, 2], [2, 1]];
    const observedScale = weightedKappa(pairs, 'linear');
    const fullScale = weightedKappa(pairs, 'linear', [1, 2, 3, 4, 5]);
    expect(fullScale.kappa).toBeCloseTo(observedScale.kappa, 12);
    expect(fullScale.observedAgreement).toBeCloseTo(1 - 2 / 8 / 4, 12);
    expect(() => weightedKappa([[1, 6]], 'linear', [1, 2, 3, 4, 5])).toThrow(RangeError);
  });
});

describe('krippendorffAlpha', () => {
  // Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: four
  // observers, twelve units, missing values; α = 0.743 nominal, 0.815 ordinal, 0.849 interval.
  const A = [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null];
  const B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3];
  const C = [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null];
  const D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null];
  const units = A.map((_, u) => [A[u], B[u], C[u], D[u]]);

  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
  ] as const)('reproduces the paper’s %s alpha', (level, expected) => {
    expect(krippendorffAlpha(units, level).alpha).toBeCloseTo(expected, 3);
  });

  it('ignores the unit coded by a single observer and counts only pairable values', () => {
    const result = krippendorffAlpha(units, 'nominal');
    expect(result.pairableUnits).toBe(11);
    expect(result.pairableValues).toBe(40);
    // By hand: units 2, 6 and 8 contribute 4/2 + 12/3 + 6/3 = 8 disagreeing pair-weights → D_o = 8/40.
    expect(result.observedDisagreement).toBeCloseTo(0.2, 12);
  });

  it('reproduces the Wikipedia computational example (3 coders × 15 units: nominal 0.691, interval 0.811)', () => {
    const coders = [
      [null, null, null, null, null, 3, 4, 1, 2, 1, 1, 3, 3, null, 3],
      [1, null, 2, 1, 3, 3, 4, 3, null, null, null, null, null, null, null],
      [null, null, 2, 1, 3, 4, 4, null, 2, 1, 1, 3, 3, null, 4],
    ];
    const byUnit = coders[0]!.map((_, u) => coders.map((coder) => coder[u]));
    expect(krippendorffAlpha(byUnit, 'nominal').alpha).toBeCloseTo(0.691358, 6);
    expect(krippendorffAlpha(byUnit, 'interval').alpha).toBeCloseTo(0.810845, 6);
  });

  it('works with string categories and any number of coders', () => {
    const perfect = [
      ['approve', 'approve', 'approve', 'approve', 'approve'],
      ['reject', 'reject', 'reject', null, 'reject'],
    ];
    expect(krippendorffAlpha(perfect, 'nominal').alpha).toBe(1);
    // Two coders, two units, every pair disagrees: D_o = 1, D_e = (16 − 8) / 12 → α = −0.5.
    expect(krippendorffAlpha([['a', 'b'], ['b', 'a']], 'nominal').alpha).toBeCloseTo(-0.5, 12);
  });

  it('is NaN without variation and refuses strings for interval data', () => {
    expect(krippendorffAlpha([[1, 1], [1, 1]], 'nominal').alpha).toBeNaN();
    expect(krippendorffAlpha([[1, null]], 'nominal').pairableValues).toBe(0);
    expect(() => krippendorffAlpha([['a', 'b']], 'interval')).toThrow(RangeError);
  });
});

describe('agreementWithConsensus', () => {
  it('scores each reviewer against the strict majority of the others and skips splits', () => {
    const items = [
      [
        { reviewer: 'ana', label: 'approve' },
        { reviewer: 'bo', label: 'approve' },
        { reviewer: 'cy', label: 'reject' },
      ],
      [
        { reviewer: 'ana', label: 'reject' },
        { reviewer: 'bo', label: 'reject' },
      ],
      [{ reviewer: 'cy', label: 'approve' }],
    ];
    // Item 1: ana vs {approve, reject} → split, skipped; bo likewise; cy vs {approve, approve} → disagrees.
    // Item 2: ana vs {reject} → agrees; bo vs {reject} → agrees. Item 3: alone, skipped.
    expect(agreementWithConsensus(items)).toEqual([
      { reviewer: 'ana', compared: 1, agreed: 1, share: 1, interval: wilsonInterval(1, 1) },
      { reviewer: 'bo', compared: 1, agreed: 1, share: 1, interval: wilsonInterval(1, 1) },
      { reviewer: 'cy', compared: 1, agreed: 0, share: 0, interval: wilsonInterval(0, 1) },
    ]);
  });
});

describe('goldAccuracy', () => {
  it('gives each reviewer’s accuracy on gold items with a Wilson interval', () => {
    const answers = [
      ...Array.from({ length: 8 }, () => ({ reviewer: 'bo', label: 'reject', gold: 'reject' })),
      ...Array.from({ length: 2 }, () => ({ reviewer: 'bo', label: 'approve', gold: 'reject' })),
      { reviewer: 'ana', label: 3, gold: 3 },
    ];
    const [ana, bo] = goldAccuracy(answers);
    expect(ana).toMatchObject({ reviewer: 'ana', answered: 1, correct: 1, accuracy: 1 });
    expect(bo).toMatchObject({ reviewer: 'bo', answered: 10, correct: 8, accuracy: 0.8 });
    expect(bo?.interval.lower).toBeCloseTo(wilsonInterval(8, 10).lower, 8);
    expect(goldAccuracy(answers, { confidence: 0.8 })[1]!.interval.lower).toBeGreaterThan(bo!.interval.lower);
  });
});
