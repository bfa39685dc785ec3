// Confidence intervals for (weighted) proportions. Pure: the only randomness is the
// injected `rng`, used by the bootstrap in calibration-bootstrap.models.ts.

/** A source of uniform numbers in [0, 1), e.g. a seeded generator in tests. */
export type Rng = () => number;

export interface Interval {
  lower: number;
  upper: number;
}

/** Successes and failures of a weighted proportion: weight sums and sums of squared weights. */
export interface WeightedSplit {
  successWeight: number;
  successWeightSq: number;
  failureWeight: number;
  failureWeightSq: number;
}

export interface WeightedInterval extends Interval {
  /** The sample size an unweighted sample would need for the same variance. */
  effectiveSize: number;
}

/**
 * Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9),
 * so callers can ask for any confidence level instead of a hard-coded 1.96.
 */
export function computeNormalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs 0 < p < 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number): number =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Two-sided z for a confidence level, e.g. 0.95 → 1.959964. */
export function computeZ(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return computeNormalQuantile(0.5 + confidence / 2);
}

const Z_95 = computeZ(0.95);

/**
 * Wilson score interval for `successes` out of `n` (both may be fractional, as with an
 * effective sample size). Unlike the Wald interval it stays inside [0, 1] and keeps its
 * coverage near 0 and 1, where precision and recall of a good grader live.
 */
export function wilsonInterval(successes: number, n: number, z = Z_95): Interval {
  if (!(n > 0)) return { lower: 0, upper: 1 };
  const p = Math.min(1, Math.max(0, successes / n));
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { lower: Math.max(0, center - half), upper: Math.min(1, center + half) };
}

/** Kish's effective sample size (Σw)² / Σw²: n for equal weights, less as weights spread. */
export function computeKishEffectiveSize(weightSum: number, weightSqSum: number): number {
  return weightSqSum > 0 ? (weightSum * weightSum) / weightSqSum : 0;
}

/**
 * Effective sample size of the weighted proportion p = S / (S + F). Kish's formula assumes
 * the weights are unrelated to the outcome; here they are not (flagged items, which are
 * mostly violations, are sampled with weight 1 and the rest with large weights), so we use
 * the linearisation variance of the ratio estimator, Σ w²(y − p)² / (Σw)², and solve
 * p(1 − p) / n_eff = that variance. It reduces to n for equal weights and is close to Kish's
 * value when the weights do not depend on the outcome; at p ∈ {0, 1} it falls back to Kish.
 */
export function computeEffectiveSize(split: WeightedSplit): number {
  const total = split.successWeight + split.failureWeight;
  if (!(total > 0)) return 0;
  const p = split.successWeight / total;
  const variance = ((1 - p) * (1 - p) * split.successWeightSq + p * p * split.failureWeightSq) / (total * total);
  if (p <= 0 || p >= 1 || !(variance > 0)) {
    return computeKishEffectiveSize(total, split.successWeightSq + split.failureWeightSq);
  }
  return (p * (1 - p)) / variance;
}

/** Wilson interval of a weighted proportion on its effective sample size. */
export function computeWeightedWilsonInterval(split: WeightedSplit, z: number): WeightedInterval {
  const total = split.successWeight + split.failureWeight;
  const effectiveSize = computeEffectiveSize(split);
  if (!(total > 0) || !(effectiveSize > 0)) return { lower: 0, upper: 1, effectiveSize: 0 };
  const p = split.successWeight / total;
  return { ...wilsonInterval(p * effectiveSize, effectiveSize, z), effectiveSize };
}

/** Quantile of ascending sorted values (linear interpolation between order statistics, "type 7"). */
export function computeSortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (n - 1) * Math.min(1, Math.max(0, q));
  const low = Math.floor(position);
  const high = Math.min(n - 1, low + 1);
  const fraction = position - low;
  return sorted[low]! + (sorted[high]! - sorted[low]!) * fraction;
}
