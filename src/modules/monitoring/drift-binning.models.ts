// Evidently's get_binned_data (evidently/legacy/calculations/stattests/utils.py) and the two
// stattests built on it, PSI and Jensen–Shannon:
// - a numeric sample whose *reference* has more than 20 distinct values is cut into equal-width
//   bins over the combined range, their number chosen by Sturges' rule on the combined sample
//   (np.histogram_bin_edges(concat(reference, current), bins='sturges'));
// - anything else (categories, or numbers with ≤ 20 distinct reference values) is counted per
//   distinct value over the union of both windows;
// - shares are count / window size. PSI then replaces empty bins (JS does not, it needs no log
//   of 0): by 0.0001, or by min(non-zero share) / 1e6 when that minimum is itself ≤ 0.0001.

/** Above this many distinct reference values Evidently bins numbers instead of counting each value. */
export const HISTOGRAM_MIN_DISTINCT = 20;
const ZERO_SHARE = 0.0001;

/** Counts per category, aligned across the two windows. */
export interface CountTable {
  keys: string[];
  reference: number[];
  current: number[];
}

export interface BinnedShares {
  reference: Float64Array;
  current: Float64Array;
}

export function countDistinctSorted(sorted: Float64Array): number {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i += 1) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct += 1;
  return distinct;
}

/** Distinct values over both sorted samples together, without merging them. */
export function countDistinctMerged(reference: Float64Array, current: Float64Array): number {
  let distinct = 0;
  let i = 0;
  let j = 0;
  while (i < reference.length || j < current.length) {
    const value = Math.min(reference[i] ?? Infinity, current[j] ?? Infinity);
    while (i < reference.length && reference[i] === value) i += 1;
    while (j < current.length && current[j] === value) j += 1;
    distinct += 1;
  }
  return distinct;
}

/** Per-value counts of two sorted numeric samples over the union of their values. */
export function countSortedValues(reference: Float64Array, current: Float64Array): CountTable {
  const table: CountTable = { keys: [], reference: [], current: [] };
  let i = 0;
  let j = 0;
  while (i < reference.length || j < current.length) {
    const value = Math.min(reference[i] ?? Infinity, current[j] ?? Infinity);
    const startI = i;
    const startJ = j;
    while (i < reference.length && reference[i] === value) i += 1;
    while (j < current.length && current[j] === value) j += 1;
    table.keys.push(String(value));
    table.reference.push(i - startI);
    table.current.push(j - startJ);
  }
  return table;
}

/** Per-category counts over the union of both windows, keys sorted (code-unit order). */
export function countCategories(reference: readonly string[], current: readonly string[]): CountTable {
  const counts = new Map<string, [number, number]>();
  const tally = (values: readonly string[], window: 0 | 1): void => {
    for (const value of values) {
      const entry = counts.get(value) ?? [0, 0];
      entry[window] += 1;
      counts.set(value, entry);
    }
  };
  tally(reference, 0);
  tally(current, 1);
  const entries = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    keys: entries.map(([key]) => key),
    reference: entries.map(([, entry]) => entry[0]),
    current: entries.map(([, entry]) => entry[1]),
  };
}

/** Sturges bin edges over the combined range, exactly as numpy computes them. */
export function sturgesBinEdges(reference: Float64Array, current: Float64Array): Float64Array {
  let first = Math.min(reference[0] as number, current[0] as number);
  let last = Math.max(reference[reference.length - 1] as number, current[current.length - 1] as number);
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const range = last - first;
  const width = range / (Math.log2(reference.length + current.length) + 1);
  const binCount = width ? Math.ceil(range / width) : 1;
  const step = range / binCount;
  const edges = new Float64Array(binCount + 1);
  for (let i = 0; i < binCount; i += 1) edges[i] = i * step + first;
  edges[binCount] = last;
  return edges;
}

/** np.histogram(sorted, edges)[0]: bins are [e_i, e_i+1), the last one closed on the right. */
export function histogramSorted(sorted: Float64Array, edges: Float64Array): number[] {
  const counts: number[] = [];
  let previous = lowerBound(sorted, edges[0] as number);
  for (let i = 1; i < edges.length; i += 1) {
    const isLast = i === edges.length - 1;
    const next = isLast ? upperBound(sorted, edges[i] as number) : lowerBound(sorted, edges[i] as number);
    counts.push(next - previous);
    previous = next;
  }
  return counts;
}

export function binNumericShares(reference: Float64Array, current: Float64Array): BinnedShares {
  if (countDistinctSorted(reference) > HISTOGRAM_MIN_DISTINCT) {
    const edges = sturgesBinEdges(reference, current);
    return {
      reference: toShares(histogramSorted(reference, edges), reference.length),
      current: toShares(histogramSorted(current, edges), current.length),
    };
  }
  return binCountShares(countSortedValues(reference, current));
}

export function binCountShares(table: CountTable): BinnedShares {
  return {
    reference: toShares(table.reference, sum(table.reference)),
    current: toShares(table.current, sum(table.current)),
  };
}

/** Evidently's `feel_zeroes`: empty bins get a small share so PSI's log stays finite. */
export function fillEmptyShares(shares: Float64Array): Float64Array {
  let minNonZero = Infinity;
  for (const share of shares) if (share !== 0 && share < minNonZero) minNonZero = share;
  if (minNonZero === Infinity) return Float64Array.from(shares);
  const fill = minNonZero <= ZERO_SHARE ? minNonZero / 10 ** 6 : ZERO_SHARE;
  return shares.map((share) => (share === 0 ? fill : share));
}

/** Population stability index Σ (r − c) · ln(r / c) over zero-filled shares. */
export function populationStabilityIndex(binned: BinnedShares): number {
  const reference = fillEmptyShares(binned.reference);
  const current = fillEmptyShares(binned.current);
  let psi = 0;
  for (let i = 0; i < reference.length; i += 1) {
    const r = reference[i] as number;
    const c = current[i] as number;
    psi += (r - c) * Math.log(r / c);
  }
  return psi;
}

/**
 * scipy.spatial.distance.jensenshannon(p, q, base): sqrt of the mean KL divergence of p and q
 * from their midpoint. Evidently passes base=None, the natural log, so the maximum is √ln 2 ≈ 0.8326.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base?: number): number {
  const pSum = sum(Array.from(p));
  const qSum = sum(Array.from(q));
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i += 1) {
    const pi = (p[i] as number) / pSum;
    const qi = (q[i] as number) / qSum;
    const mi = (pi + qi) / 2;
    left += relativeEntropy(pi, mi);
    right += relativeEntropy(qi, mi);
  }
  let divergence = left + right;
  if (base !== undefined) divergence /= Math.log(base);
  return Math.sqrt(divergence / 2);
}

// scipy.special.rel_entr
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

function toShares(counts: readonly number[], total: number): Float64Array {
  return Float64Array.from(counts, (count) => count / total);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function upperBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
