// The one-sided Smirnov distribution P(D+_n > x) (scipy.special.smirnov). kolmogorovSf
// uses 2 × smirnov wherever the two tails cannot both be exceeded (x ≥ 0.5) or the overlap
// is negligible (n·x² ≥ 2.2), i.e. for every small KS p-value on large windows.
//
// Birnbaum & Tingey (1951):
//   P(D+_n > x) = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v)
// scipy (xsf/cephes/kolmogorov.h) sums it in double-double arithmetic; here every term is
// summed in log space with ln Γ, which keeps about 1e-9 relative accuracy at n = 500,000
// (the Stirling series for ln n! ≈ 6e6 carries ~1e-9 of absolute error) and better below.

import { logGamma } from './drift-special.models.ts';

const MIN_LOG = -708.3964185322641;
const MAX_COMPUTE_N = 1_000_000;

export function smirnovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || !(x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  const nxFloor = Math.floor(nx);
  const alpha = nx - nxFloor;
  // x ≤ 1/n: only the first term survives.
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  if (n > MAX_COMPUTE_N) {
    // scipy's closed-form approximation for very large n: p ≈ exp(−(6nx + 1)² / 18n).
    return Math.exp(-((6 * n * x + 1) ** 2) / 18 / n);
  }
  // When n(1−x) is an integer the last term is 0^(n−v) = 0, so it is left out.
  const lastTerm = n - nxFloor - 1;
  const logNFactorial = logGamma(n + 1);
  let sum = 0;
  for (let v = 0; v <= lastTerm; v += 1) {
    const high = v / n + x;
    const low = (n - v) / n - x;
    if (!(low > 0)) break;
    const logTerm =
      logNFactorial - logGamma(v + 1) - logGamma(n - v + 1) + (v - 1) * Math.log(high) + (n - v) * Math.log(low);
    const term = Math.exp(logTerm);
    sum += term;
    // Terms only shrink from here on once they fall this far below the running sum.
    if (v > n / 2 && 4 * (lastTerm - v) * term < Number.EPSILON * sum) break;
  }
  return Math.min(1, Math.max(0, x * sum));
}
