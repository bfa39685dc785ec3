// Tests on counts: Evidently's "z" (two-proportion z-test, z_stattest.py) and "chisquare"
// (chisquare_stattest.py, i.e. scipy.stats.chisquare of the current counts against the
// reference counts rescaled to the current size).

import type { CountTable } from './drift-binning.models.ts';
import { chiSquareSf, normalCdf } from './drift-special.models.ts';

/** How many of a window's events had the property (flagged, refused, …) out of how many. */
export interface RateCounts {
  positives: number;
  total: number;
}

export function countRate(values: readonly boolean[]): RateCounts {
  let positives = 0;
  for (const value of values) if (value) positives += 1;
  return { positives, total: values.length };
}

/** A rate as a two-category table, so the categorical tests (PSI, JS, chi-square) apply to it. */
export function toRateTable(reference: RateCounts, current: RateCounts): CountTable {
  return {
    keys: ['false', 'true'],
    reference: [reference.total - reference.positives, reference.positives],
    current: [current.total - current.positives, current.positives],
  };
}

/**
 * Two-sided p-value of the pooled two-proportion z-test, computed as Evidently does:
 * 2 · (1 − Φ(|z|)), so it reaches exactly 0 once Φ(|z|) rounds to 1 (|z| ≳ 8.3).
 * Both windows constant and equal (pooled share 0 or 1) gives p = 1, as in Evidently.
 */
export function proportionsZTest(reference: RateCounts, current: RateCounts): number {
  const n1 = reference.total;
  const n2 = current.total;
  const p1 = reference.positives / n1;
  const p2 = current.positives / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  if (pooled === 0 || pooled === 1) return 1;
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return 2 * (1 - normalCdf(Math.abs(z)));
}

/**
 * Evidently's z stattest on a table: the first key (sorted) is one outcome, every other key the
 * other. With two categories that is the plain two-proportion test; the p-value is two-sided,
 * so which key counts as "positive" does not matter.
 */
export function zTestOnTable(table: CountTable): number {
  const reference = { positives: sumFrom(table.reference, 1), total: sumFrom(table.reference, 0) };
  const current = { positives: sumFrom(table.current, 1), total: sumFrom(table.current, 0) };
  return proportionsZTest(reference, current);
}

/**
 * Pearson chi-square p-value of current counts against reference counts scaled to the current
 * size. A category absent from the reference has expected count 0, so the statistic is infinite
 * and p = 0, as in scipy. With a single category scipy returns NaN (0 degrees of freedom),
 * which Evidently reports as no drift; this returns p = 1, also no drift.
 */
export function chiSquareTestOnTable(table: CountTable): number {
  const referenceTotal = sumFrom(table.reference, 0);
  const currentTotal = sumFrom(table.current, 0);
  const scale = currentTotal / referenceTotal;
  if (table.keys.length < 2) return 1;
  let statistic = 0;
  for (let i = 0; i < table.keys.length; i += 1) {
    const expected = (table.reference[i] as number) * scale;
    const observed = table.current[i] as number;
    statistic += (observed - expected) ** 2 / expected;
  }
  return chiSquareSf(statistic, table.keys.length - 1);
}

function sumFrom(values: readonly number[], start: number): number {
  let total = 0;
  for (let i = start; i < values.length; i += 1) total += values[i] as number;
  return total;
}
