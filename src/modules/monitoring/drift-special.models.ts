// Special functions the drift tests need (scipy's come from cephes; there is no such
// library in this project). Accuracy is about 1e-14 relative in the ranges drift uses,
// far below what a p-value compared with 0.05 can notice.

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const EPSILON = Number.EPSILON;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/**
 * ln Γ(x) for x > 0: Stirling's series at x ≥ 10 (error < 1e-16 there), shifted up with
 * Γ(x) = Γ(x + k) / (x (x+1) … (x+k-1)) below.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let z = x;
  let product = 1;
  while (z < 10) {
    product *= z;
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  // Bernoulli terms B2k / (2k (2k-1) z^(2k-1)), k = 1..7.
  const tail = 1 / 1680 - inv2 * (1 / 1188 - inv2 * (691 / 360360 - inv2 / 156));
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * tail)));
  const stirling = (z - 0.5) * Math.log(z) - z + HALF_LOG_TWO_PI + series;
  return product === 1 ? stirling : stirling - Math.log(product);
}

/** Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) (cephes `igamc`). */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`regularizedGammaQ needs a > 0, got ${a}`);
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const logPrefactor = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) return 1 - Math.exp(logPrefactor) * lowerGammaSeries(a, x);
  return Math.exp(logPrefactor) * upperGammaContinuedFraction(a, x);
}

// Σ x^n / (a (a+1) … (a+n)): converges fast when x < a + 1.
function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n += 1) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum;
}

// Legendre's continued fraction by the modified Lentz method: converges fast when x ≥ a + 1.
function upperGammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/** Standard normal CDF Φ(z) (scipy `norm.cdf`), through erf(y) = P(1/2, y²). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const tail = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
  return z >= 0 ? 1 - tail : tail;
}

/** Survival function of the chi-square distribution (scipy `chi2.sf(x, df)`). */
export function chiSquareSf(x: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) return Number.NaN;
  return regularizedGammaQ(degreesOfFreedom / 2, x / 2);
}

/** numpy's `round`: halves go to the even neighbour (2.5 → 2, 3.5 → 4). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** x · 2^exponent without overflowing the intermediate power of two (C's `ldexp`). */
export function scaleByPowerOfTwo(x: number, exponent: number): number {
  let result = x;
  let remaining = exponent;
  while (remaining > 1000) {
    result *= 2 ** 1000;
    remaining -= 1000;
  }
  while (remaining < -1000) {
    result *= 2 ** -1000;
    remaining += 1000;
  }
  return result * 2 ** remaining;
}

export function greatestCommonDivisor(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

export function clampProbability(p: number): number {
  if (Number.isNaN(p)) return p;
  return Math.min(1, Math.max(0, p));
}

/**
 * Compensated (Neumaier) sum. numpy sums pairwise; both are within a few ulps of the exact
 * sum, whereas a naive loop over a million values can drift by 1e-10 relative.
 */
export function sumCompensated(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] as number;
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}
