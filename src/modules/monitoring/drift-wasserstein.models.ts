// First Wasserstein (earth mover's) distance between two 1-D samples, as
// scipy.stats.wasserstein_distance: ∫ |U(t) − V(t)| dt over the merged sorted values, and
// Evidently's "wasserstein" stattest, which divides it by the population standard deviation
// of the reference (np.std, ddof=0) floored at 0.001 so a constant reference cannot divide by 0.

import { sumCompensated } from './drift-special.models.ts';

/** Evidently's floor for the reference std in the normed distance. */
export const WASSERSTEIN_MIN_NORM = 0.001;

/** Both inputs sorted ascending and non-empty: one merged walk, O(n + m). */
export function wassersteinDistanceSorted(u: Float64Array, v: Float64Array): number {
  if (u.length === 0 || v.length === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  const nu = u.length;
  const nv = v.length;
  let i = 0;
  let j = 0;
  let previous = Math.min(u[0] as number, v[0] as number);
  let total = 0;
  let compensation = 0;
  // Between consecutive merged values both empirical CDFs are flat, so the area is |U − V| · gap.
  while (i < nu || j < nv) {
    const next = Math.min(i < nu ? (u[i] as number) : Infinity, j < nv ? (v[j] as number) : Infinity);
    const area = Math.abs(i / nu - j / nv) * (next - previous);
    const sum = total + area;
    compensation += Math.abs(total) >= area ? total - sum + area : area - sum + total;
    total = sum;
    previous = next;
    if (i < nu && u[i] === next) i += 1;
    else j += 1;
  }
  return total + compensation;
}

/**
 * Unsorted inputs, with optional weights (scipy's u_weights / v_weights: counts or masses;
 * they are normalised, so only their ratios matter).
 */
export function wassersteinDistance(
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  uWeights?: ArrayLike<number>,
  vWeights?: ArrayLike<number>,
): number {
  if (!uWeights && !vWeights) {
    return wassersteinDistanceSorted(Float64Array.from(u).sort(), Float64Array.from(v).sort());
  }
  const a = toWeightedCdf(u, uWeights);
  const b = toWeightedCdf(v, vWeights);
  let i = 0;
  let j = 0;
  let previous = Math.min(a.values[0] as number, b.values[0] as number);
  let total = 0;
  while (i < a.values.length || j < b.values.length) {
    const next = Math.min(a.values[i] ?? Infinity, b.values[j] ?? Infinity);
    total += Math.abs((a.cdf[i] ?? 1) - (b.cdf[j] ?? 1)) * (next - previous);
    previous = next;
    while (i < a.values.length && a.values[i] === next) i += 1;
    while (j < b.values.length && b.values[j] === next) j += 1;
  }
  return total;
}

// cdf[i] is the weight share of values[0..i-1]: the CDF just below values[i].
function toWeightedCdf(values: ArrayLike<number>, weights?: ArrayLike<number>): { values: number[]; cdf: number[] } {
  if (values.length === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  if (weights && weights.length !== values.length) throw new RangeError('weights must match values in length');
  const order = Array.from({ length: values.length }, (_, index) => index).sort(
    (x, y) => (values[x] as number) - (values[y] as number),
  );
  const weightOf = (index: number): number => (weights ? (weights[index] as number) : 1);
  const totalWeight = sumCompensated(order.map(weightOf));
  if (!(totalWeight > 0) || !Number.isFinite(totalWeight)) {
    throw new RangeError('weights must sum to a positive, finite number');
  }
  const sorted: number[] = [];
  const cdf: number[] = [];
  let cumulative = 0;
  for (const index of order) {
    sorted.push(values[index] as number);
    cdf.push(cumulative / totalWeight);
    cumulative += weightOf(index);
  }
  return { values: sorted, cdf };
}

/** Population standard deviation (numpy `np.std`, ddof = 0), two-pass for accuracy. */
export function populationStd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const mean = sumCompensated(values) / n;
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i += 1) squares[i] = ((values[i] as number) - mean) ** 2;
  return Math.sqrt(sumCompensated(squares) / n);
}

/** Evidently's normed Wasserstein: W1(reference, current) / max(std(reference), 0.001). */
export function normedWassersteinSorted(reference: Float64Array, current: Float64Array): number {
  const norm = Math.max(populationStd(reference), WASSERSTEIN_MIN_NORM);
  return wassersteinDistanceSorted(reference, current) / norm;
}
