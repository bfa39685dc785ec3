// Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp(reference, current)
// with its default method='auto' (which Evidently's "ks" stattest calls):
// - exact when both samples have at most 10,000 values (Hodges' lattice-path counts);
// - otherwise "asymp": the one-sample Kolmogorov distribution kstwo.sf(D, round(m·n/(m+n))).
// If the exact computation fails (not finite or outside [0, 1]), scipy falls back to asymp;
// so does this.

import { kolmogorovSf } from './drift-kolmogorov.models.ts';
import { clampProbability, greatestCommonDivisor, roundHalfEven } from './drift-special.models.ts';

/** scipy's MAX_AUTO_N: `auto` is exact when max(n1, n2) ≤ this. */
export const KS_EXACT_MAX_SIZE = 10_000;

const NEGLIGIBLE_EXPONENT = 400;

export type KsMethod = 'exact' | 'asymp';

export interface KsResult {
  /** D = sup |F_reference − F_current|. */
  statistic: number;
  pValue: number;
  method: KsMethod;
}

/** Both inputs must be sorted ascending and non-empty (see `toSortedSample`). */
export function ksTwoSample(reference: Float64Array, current: Float64Array): KsResult {
  const n1 = reference.length;
  const n2 = current.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ksTwoSample needs two non-empty samples');
  let statistic = ksStatistic(reference, current);
  if (Math.max(n1, n2) <= KS_EXACT_MAX_SIZE) {
    const g = greatestCommonDivisor(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(statistic * lcm);
    statistic = h / lcm;
    if (h === 0) return { statistic, pValue: 1, method: 'exact' };
    // Past this the exact p-value is below 1e-320 (P ≤ 2·exp(−2·en·D²)), i.e. 0 in doubles,
    // and the path count would cost up to ~0.5 s at 10,000 values: skip it.
    if (((n1 * n2) / (n1 + n2)) * statistic * statistic > NEGLIGIBLE_EXPONENT) {
      return { statistic, pValue: 0, method: 'exact' };
    }
    const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideInsideMethod(n1, n2, g, h);
    if (Number.isFinite(p) && p >= 0 && p <= 1) return { statistic, pValue: p, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const effectiveSize = (m * n) / (m + n);
  const pValue = clampProbability(kolmogorovSf(roundHalfEven(effectiveSize), statistic));
  return { statistic, pValue, method: 'asymp' };
}

/**
 * D from one merged walk over both sorted samples: the ECDF difference is evaluated after
 * all copies of each distinct value are consumed, as scipy's searchsorted(side='right') does.
 */
function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 || j < n2) {
    const value = Math.min(i < n1 ? (a[i] as number) : Infinity, j < n2 ? (b[j] as number) : Infinity);
    while (i < n1 && a[i] === value) i += 1;
    while (j < n2 && b[j] === value) j += 1;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(1, Math.max(0, -minDiff));
  return minS > maxDiff ? minS : maxDiff;
}

/**
 * P(D_{n,n} ≥ h/n) for equal sizes: 2 Σ_k (−1)^(k+1) C(2n, n−kh) / C(2n, n), evaluated in
 * Horner form to avoid cancellation (scipy `_compute_prob_outside_square`).
 */
function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k -= 1) {
    let factor = 1;
    for (let j = 0; j < h; j += 1) factor = ((n - k * h - j) * factor) / (n + k * h + j + 1);
    p = factor * (1 - p);
  }
  return 2 * p;
}

/**
 * P(D_{m,n} ≥ h / lcm(m, n)) for unequal sizes: counts the lattice paths from (0,0) to (m,n)
 * that stay strictly inside |x/m − y/n| < h/lcm, one column at a time, as proportions so the
 * recursion computes 1 − p directly (Hodges 1958; Viehmann 2021; scipy
 * `_compute_outer_prob_inside_method`). O(m · window), window ≈ 2·D·n.
 */
function probabilityOutsideInsideMethod(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxJ - minJ;
  const a = new Float64Array(Math.min(2 * maxJ + 2, n + 1)).fill(1);
  a.fill(0, minJ, maxJ);
  for (let i = 1; i <= m; i += 1) {
    const lastMinJ = minJ;
    const lastLength = currentLength;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let value = minJ === 0 ? 0 : 1;
    for (let jj = 0; jj < maxJ - minJ; jj += 1) {
      const j = jj + minJ;
      value = ((a[jj + minJ - lastMinJ] as number) * i + value * j) / (i + j);
      a[jj] = value;
    }
    currentLength = maxJ - minJ;
    if (lastLength > currentLength) a.fill(1, maxJ - minJ, maxJ - minJ + (lastLength - currentLength));
  }
  return a[maxJ - minJ - 1] as number;
}
