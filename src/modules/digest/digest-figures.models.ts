// Small arithmetic of the digest's figures. A rate over nothing is null, never 0 or NaN:
// "no items reviewed" must not read as "0 % rejected".

export interface WeekChange {
  value: number;
  previous: number;
  /** value − previous. */
  delta: number;
  /** delta / previous; null when the previous week had none. */
  ratio: number | null;
}

export function compareWeeks(value: number, previous: number): WeekChange {
  return { value, previous, delta: value - previous, ratio: previous === 0 ? null : (value - previous) / previous };
}

export function divide(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** The median; the mean of the two middle values for an even count; null when empty. */
export function computeMedian(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (p in (0, 1]): the smallest value with at least p of the values at or below it. */
export function computePercentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** The `limit` largest entries, ties broken by name so the order is stable. */
export function rankCounts(counts: Record<string, number>, limit: number): { name: string; count: number }[] {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([name, count]) => ({ name, count }));
}

export function toFiniteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
