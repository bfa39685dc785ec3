// The one-sample two-sided Kolmogorov distribution of D_n, as scipy's `kstwo.sf(d, n)`
// (scipy/stats/_ksstats.py, after Simard & L'Ecuyer 2011). scipy's `ks_2samp` uses it for
// its "asymp" method with n = round(m·n / (m + n)), so this decides every KS p-value on
// windows of more than 10,000 values. Each regime uses the algorithm scipy picks there, except
// that the Durbin matrix stands in for Pomeranz's recursion when n ≤ 140: both are exact.

import { clampProbability, scaleByPowerOfTwo } from './drift-special.models.ts';
import { smirnovSf } from './drift-smirnov.models.ts';

const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);
const LOG_TWO_PI = Math.log(2 * Math.PI);
// B_2j / (2j (2j-1)) for j = 8 … 1, highest power first (scipy `_STIRLING_COEFFS`).
const STIRLING_COEFFICIENTS = [
  -3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12,
];

/** P(D_n > x) for the two-sided one-sample KS statistic with n observations (`kstwo.sf`). */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: P(D_n ≤ x) = n!/n^n (2t − 1)^n for 1/2n ≤ x ≤ 1/n.
    if (t <= 0.5) return 1;
    let cdf = 1;
    if (n <= 140) for (let i = 1; i <= n; i += 1) cdf *= i * (1 / n) * (2 * t - 1);
    else cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clampProbability(1 - cdf);
  }
  if (t >= n - 1) return clampProbability(2 * (1 - x) ** n);
  if (x >= 0.5) return clampProbability(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 4) return clampProbability(1 - durbinCdf(n, x));
    return clampProbability(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  // Above 2.2 the two one-sided tails no longer overlap measurably: 2 × Smirnov is exact enough.
  if (nxSquared >= 2.2) return clampProbability(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clampProbability(1 - clampProbability(cdf));
}

// ln(n! / n^n) by Stirling, with n·ln(n) removed up front to avoid cancellation.
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let polynomial = 0;
  for (const coefficient of STIRLING_COEFFICIENTS) polynomial = polynomial * (rn / n) + coefficient;
  return Math.log(n) / 2 - n + LOG_TWO_PI / 2 + rn * polynomial;
}

/**
 * P(D_n ≤ d) by Durbin's matrix (Marsaglia, Tsang & Wang 2003): the k-th diagonal entry of
 * n!/n^n · H^n, with H of size 2k−1, k = ⌈nd⌉. Exact; cost O(k³ log n), so only for small nd.
 */
function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j += 1) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * factorial;
  let matrix: Float64Array = new Float64Array(m * m);
  for (let column = 1; column < m; column += 1) {
    for (let row = column - 1; row < m; row += 1) matrix[row * m + column] = w[row - column + 1] as number;
  }
  for (let row = 0; row < m; row += 1) matrix[row * m] = v[row] as number;
  for (let column = 0; column < m; column += 1) matrix[(m - 1) * m + column] = v[m - 1 - column] as number;

  let power: Float64Array = identity(m);
  let exponent = 0;
  let matrixExponent = 0;
  for (let remaining = n; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2 === 1) {
      power = multiply(power, matrix, m);
      exponent += matrixExponent;
    }
    matrix = multiply(matrix, matrix, m);
    matrixExponent *= 2;
    if (Math.abs(matrix[(k - 1) * m + (k - 1)] as number) > SCALE_UP) {
      for (let i = 0; i < matrix.length; i += 1) matrix[i] = (matrix[i] as number) / SCALE_UP;
      matrixExponent += SCALE_EXPONENT;
    }
  }
  let p = power[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i += 1) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
  }
  return clampProbability(exponent === 0 ? p : scaleByPowerOfTwo(p, exponent));
}

function identity(size: number): Float64Array {
  const result = new Float64Array(size * size);
  for (let i = 0; i < size; i += 1) result[i * size + i] = 1;
  return result;
}

function multiply(a: Float64Array, b: Float64Array, size: number): Float64Array {
  const result = new Float64Array(size * size);
  for (let i = 0; i < size; i += 1) {
    for (let k = 0; k < size; k += 1) {
      const aik = a[i * size + k] as number;
      if (aik === 0) continue;
      const row = i * size;
      const bRow = k * size;
      for (let j = 0; j < size; j += 1) result[row + j] = (result[row + j] as number) + aik * (b[bRow + j] as number);
    }
  }
  return result;
}

/**
 * Pelz & Good's approximation of P(D_n ≤ x): the Li-Chien/Korolyuk expansion
 * K0 + K1/√n + K2/n + K3/n^1.5 in z = x√n, rewritten with Jacobi theta functions for small z.
 */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qLog = -PI_SQUARED / 8 / z2;
  if (qLog < -708) return 0;
  const q = Math.exp(qLog);
  const k1a = -z2;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * z2)) / 16;
  const k3d = (PI_SIX * (5 - 30 * z2)) / 64;
  const k3c = (PI_FOUR * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI_SQUARED * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k -= 1) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const qPower = q ** (8 * k);
    const coefficients = [
      1,
      k1a + k1b * m2,
      k2a + k2b * m2 + k2c * m2 * m2,
      k3a + k3b * m2 + k3c * m2 * m2 + k3d * m2 ** 3,
    ];
    for (let i = 0; i < 4; i += 1) terms[i] = (terms[i] as number) * qPower + (coefficients[i] as number);
  }
  const denominators = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i += 1) terms[i] = ((terms[i] as number) * q * SQRT_TWO_PI) / (denominators[i] as number);
  const q2 = Math.exp(-PI_SQUARED / 2 / z2);
  let k2Extra = 0;
  let k3Extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k > 0; k -= 1) {
    const weight = k * k * q2 ** (k * k);
    k2Extra += weight;
    k3Extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * weight;
  }
  terms[2] = (terms[2] as number) + (k2Extra * PI_SQUARED * SQRT_TWO_PI) / (-36 * z ** 3);
  terms[3] = (terms[3] as number) + (k3Extra * PI_SQUARED * SQRT_TWO_PI) / (216 * z6);
  let cdf = 0;
  for (let i = 0; i < 4; i += 1) cdf += (terms[i] as number) / n ** (i / 2);
  return cdf;
}
