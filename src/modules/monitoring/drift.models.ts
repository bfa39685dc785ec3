// Drift between a reference window and a current window of one metric of one source
// (a grader's scores, a detector's flag rate, output length, refusal rate, model or prompt
// version mix), with Evidently's statistics, default tests and thresholds so users can
// reproduce every number with Evidently. Pure: the hourly job loads the windows and passes
// them in. docs/drift.md explains the choices and how to cross-check.

import {
  binCountShares,
  binNumericShares,
  countCategories,
  countDistinctMerged,
  countSortedValues,
  jensenShannonDistance,
  populationStabilityIndex,
  type CountTable,
} from './drift-binning.models.ts';
import { ksTwoSample, type KsMethod } from './drift-ks.models.ts';
import { chiSquareTestOnTable, toRateTable, zTestOnTable, type RateCounts } from './drift-proportions.models.ts';
import { normedWassersteinSorted } from './drift-wasserstein.models.ts';

export type DriftMetricKind = 'numeric' | 'categorical' | 'rate';
export type DriftTestName = 'ks' | 'psi' | 'jensenshannon' | 'wasserstein' | 'z' | 'chisquare';
export type DriftStatus = 'drift' | 'no_drift' | 'insufficient_data';

interface DriftTestSpec {
  /** Evidently's StatTest.default_threshold. */
  defaultThreshold: number;
  /** p-values drift when small, distances when large; the comparison is Evidently's, strict or not. */
  isDrift: (statistic: number, threshold: number) => boolean;
  kinds: readonly DriftMetricKind[];
}

export const DRIFT_TESTS: Record<DriftTestName, DriftTestSpec> = {
  ks: { defaultThreshold: 0.05, isDrift: (p, t) => p <= t, kinds: ['numeric'] },
  z: { defaultThreshold: 0.05, isDrift: (p, t) => p < t, kinds: ['numeric', 'categorical', 'rate'] },
  chisquare: { defaultThreshold: 0.05, isDrift: (p, t) => p < t, kinds: ['numeric', 'categorical', 'rate'] },
  psi: { defaultThreshold: 0.1, isDrift: (d, t) => d >= t, kinds: ['numeric', 'categorical', 'rate'] },
  jensenshannon: { defaultThreshold: 0.1, isDrift: (d, t) => d >= t, kinds: ['numeric', 'categorical', 'rate'] },
  wasserstein: { defaultThreshold: 0.1, isDrift: (d, t) => d >= t, kinds: ['numeric'] },
};

export const DEFAULT_MIN_SAMPLE_SIZE = 100;
/** Evidently's `_get_default_stattest` switches from tests to distances above this reference size. */
export const LARGE_REFERENCE_SIZE = 1000;

/**
 * Evidently's default stattest (registry.py `_get_default_stattest`). `uniqueValues` counts
 * distinct values over both windows. One deliberate difference: a rate always gets the
 * two-proportion z-test. Evidently would see a 0/1 column as categorical and use Jensen–Shannon
 * above 1,000 rows, which cannot see a rare flag rate grow tenfold (0.1% → 1% is a JS
 * distance of 0.046, under its 0.1 threshold).
 */
export function chooseDefaultTest(
  kind: DriftMetricKind,
  referenceSize: number,
  uniqueValues = Infinity,
): DriftTestName {
  if (kind === 'rate') return 'z';
  const fewValues = uniqueValues <= 5;
  if (referenceSize <= LARGE_REFERENCE_SIZE) {
    if (kind === 'categorical' || fewValues) return uniqueValues > 2 ? 'chisquare' : 'z';
    return 'ks';
  }
  if (kind === 'categorical' || fewValues) return 'jensenshannon';
  return 'wasserstein';
}

export type DriftWindows =
  | { kind: 'numeric'; reference: ArrayLike<number>; current: ArrayLike<number> }
  | { kind: 'categorical'; reference: readonly string[]; current: readonly string[] }
  | { kind: 'rate'; reference: RateCounts; current: RateCounts };

export interface DriftMetricRef {
  source: string;
  /** e.g. `grader:tone`, `detector:pii:flag_rate`, `output_length`, `refusal_rate`, `model_version`. */
  name: string;
}

export type EvaluateDriftInput = DriftWindows & {
  metric: DriftMetricRef;
  /** Default: chooseDefaultTest. */
  test?: DriftTestName;
  /** Default: the test's Evidently default threshold. */
  threshold?: number;
  /** Either window smaller than this → insufficient_data. Default 100. */
  minSampleSize?: number;
};

export interface DriftResult {
  metric: DriftMetricRef;
  test: DriftTestName;
  status: DriftStatus;
  /** Evidently's drift_score: a p-value for ks / z / chisquare, a distance otherwise; null without enough data. */
  statistic: number | null;
  threshold: number;
  /** Values per window after dropping non-finite numbers (as Evidently does). */
  sizes: { reference: number; current: number };
  /** KS only: the D statistic and whether scipy would compute the p-value exactly. */
  ks?: { statistic: number; method: KsMethod };
}

type PreparedWindows =
  | { kind: 'numeric'; reference: Float64Array; current: Float64Array }
  | { kind: 'table'; table: CountTable };

export function evaluateDrift(input: EvaluateDriftInput): DriftResult {
  const minSampleSize = input.minSampleSize ?? DEFAULT_MIN_SAMPLE_SIZE;
  if (!Number.isInteger(minSampleSize) || minSampleSize < 1) {
    throw new RangeError(`minSampleSize must be a positive integer, got ${minSampleSize}`);
  }
  const prepared = prepareWindows(input);
  const sizes = measureWindows(prepared);
  const test = input.test ?? chooseDefaultTest(input.kind, sizes.reference, countUniqueValues(prepared));
  const spec = DRIFT_TESTS[test];
  if (!spec.kinds.includes(input.kind)) throw new RangeError(`test ${test} does not apply to ${input.kind} metrics`);
  const threshold = input.threshold ?? spec.defaultThreshold;
  if (!Number.isFinite(threshold)) throw new RangeError(`threshold must be a finite number, got ${threshold}`);
  const base = { metric: input.metric, test, threshold, sizes };
  if (sizes.reference < minSampleSize || sizes.current < minSampleSize) {
    return { ...base, status: 'insufficient_data', statistic: null };
  }
  if (test === 'ks') {
    if (prepared.kind !== 'numeric') throw new RangeError('test ks needs numeric values');
    const ks = ksTwoSample(prepared.reference, prepared.current);
    const status = spec.isDrift(ks.pValue, threshold) ? 'drift' : 'no_drift';
    return { ...base, status, statistic: ks.pValue, ks: { statistic: ks.statistic, method: ks.method } };
  }
  const statistic = computeStatistic(test, prepared);
  return { ...base, status: spec.isDrift(statistic, threshold) ? 'drift' : 'no_drift', statistic };
}

function computeStatistic(test: Exclude<DriftTestName, 'ks'>, prepared: PreparedWindows): number {
  if (prepared.kind === 'numeric') {
    if (test === 'wasserstein') return normedWassersteinSorted(prepared.reference, prepared.current);
    if (test === 'psi') return populationStabilityIndex(binNumericShares(prepared.reference, prepared.current));
    if (test === 'jensenshannon') {
      const shares = binNumericShares(prepared.reference, prepared.current);
      return jensenShannonDistance(shares.reference, shares.current);
    }
    const table = countSortedValues(prepared.reference, prepared.current);
    return test === 'z' ? zTestOnTable(table) : chiSquareTestOnTable(table);
  }
  const { table } = prepared;
  if (test === 'z') return zTestOnTable(table);
  if (test === 'chisquare') return chiSquareTestOnTable(table);
  const shares = binCountShares(table);
  if (test === 'psi') return populationStabilityIndex(shares);
  if (test === 'jensenshannon') return jensenShannonDistance(shares.reference, shares.current);
  throw new RangeError(`test ${test} needs numeric values`);
}

function prepareWindows(input: DriftWindows): PreparedWindows {
  if (input.kind === 'numeric') {
    return { kind: 'numeric', reference: toSortedSample(input.reference), current: toSortedSample(input.current) };
  }
  if (input.kind === 'categorical') return { kind: 'table', table: countCategories(input.reference, input.current) };
  for (const counts of [input.reference, input.current]) assertRateCounts(counts);
  return { kind: 'table', table: toRateTable(input.reference, input.current) };
}

/** Finite values only (Evidently turns ±inf into NaN and drops NaN), sorted ascending once. */
export function toSortedSample(values: ArrayLike<number>): Float64Array {
  const finite = new Float64Array(values.length);
  let size = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] as number;
    if (Number.isFinite(value)) finite[size++] = value;
  }
  return finite.subarray(0, size).sort();
}

function measureWindows(prepared: PreparedWindows): DriftResult['sizes'] {
  if (prepared.kind === 'numeric') return { reference: prepared.reference.length, current: prepared.current.length };
  const total = (counts: readonly number[]): number => counts.reduce((sum, count) => sum + count, 0);
  return { reference: total(prepared.table.reference), current: total(prepared.table.current) };
}

function countUniqueValues(prepared: PreparedWindows): number {
  if (prepared.kind === 'table') {
    const { reference, current } = prepared.table;
    return reference.filter((count, i) => count + (current[i] ?? 0) > 0).length;
  }
  return countDistinctMerged(prepared.reference, prepared.current);
}

function assertRateCounts(counts: RateCounts): void {
  const { positives, total } = counts;
  if (!Number.isInteger(total) || !Number.isInteger(positives) || positives < 0 || positives > total) {
    throw new RangeError(`rate counts must be integers with 0 ≤ positives ≤ total, got ${JSON.stringify(counts)}`);
  }
}
