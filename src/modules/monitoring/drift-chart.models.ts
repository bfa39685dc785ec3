// The before/after chart of a drift alert, as chart options for shared/charts.ts. Numbers are
// shown as the share of each window per bin (the same Sturges bins PSI uses, or one point per
// value when there are few), rates as two bars, categories as shares of the top ten.

import type { ChartPoint, LineChartOptions } from '../../shared/charts.ts';
import { HISTOGRAM_MIN_DISTINCT, countDistinctSorted, histogramSorted, sturgesBinEdges } from './drift-binning.models.ts';
import { toSortedSample, type DriftWindows } from './drift.models.ts';

const BEFORE = 'before (reference)';
const AFTER = 'after (current)';
const MAX_CATEGORIES = 10;
const MAX_BINS = 40;
const SIZE = { width: 480, height: 220 } as const;

export function buildDriftChartOptions(metricName: string, windows: DriftWindows): LineChartOptions {
  const title = `${metricName}: before and after`;
  if (windows.kind === 'rate') {
    const rate = ({ positives, total }: { positives: number; total: number }) => (total ? (positives / total) * 100 : 0);
    return {
      title, xTitle: 'window', yTitle: '% of events', xType: 'ordinal', mark: 'bar', ...SIZE,
      points: [{ x: BEFORE, y: rate(windows.reference) }, { x: AFTER, y: rate(windows.current) }],
    };
  }
  if (windows.kind === 'categorical') {
    const counts = (values: readonly string[]) => {
      const map = new Map<string, number>();
      for (const value of values) map.set(value, (map.get(value) ?? 0) + 1);
      return map;
    };
    const reference = counts(windows.reference);
    const current = counts(windows.current);
    const keys = [...new Set([...reference.keys(), ...current.keys()])]
      .sort((a, b) => (current.get(b) ?? 0) + (reference.get(b) ?? 0) - ((current.get(a) ?? 0) + (reference.get(a) ?? 0)))
      .slice(0, MAX_CATEGORIES);
    const share = (map: Map<string, number>, total: number, key: string) => (total ? ((map.get(key) ?? 0) / total) * 100 : 0);
    return {
      title, xTitle: 'value', yTitle: '% of window', xType: 'ordinal', ...SIZE,
      points: keys.flatMap((key) => [
        { x: key, y: share(reference, windows.reference.length, key), series: BEFORE },
        { x: key, y: share(current, windows.current.length, key), series: AFTER },
      ]),
    };
  }
  return { title, xTitle: 'value', yTitle: '% of window', ...SIZE, points: binNumeric(toSortedSample(windows.reference), toSortedSample(windows.current)) };
}

function binNumeric(reference: Float64Array, current: Float64Array): ChartPoint[] {
  if (reference.length === 0 || current.length === 0) return [];
  const points: ChartPoint[] = [];
  if (countDistinctSorted(reference) <= HISTOGRAM_MIN_DISTINCT && countDistinctSorted(current) <= HISTOGRAM_MIN_DISTINCT) {
    const values = [...new Set([...reference, ...current])].sort((a, b) => a - b);
    for (const value of values) {
      points.push({ x: value, y: (countEqual(reference, value) / reference.length) * 100, series: BEFORE });
      points.push({ x: value, y: (countEqual(current, value) / current.length) * 100, series: AFTER });
    }
    return points;
  }
  let edges = sturgesBinEdges(reference, current);
  if (edges.length - 1 > MAX_BINS) {
    const first = edges[0] as number;
    const step = ((edges[edges.length - 1] as number) - first) / MAX_BINS;
    edges = Float64Array.from({ length: MAX_BINS + 1 }, (_, i) => first + i * step);
  }
  const before = histogramSorted(reference, edges);
  const after = histogramSorted(current, edges);
  for (let i = 0; i < before.length; i += 1) {
    const middle = ((edges[i] as number) + (edges[i + 1] as number)) / 2;
    points.push({ x: middle, y: ((before[i] as number) / reference.length) * 100, series: BEFORE });
    points.push({ x: middle, y: ((after[i] as number) / current.length) * 100, series: AFTER });
  }
  return points;
}

function countEqual(sorted: Float64Array, value: number): number {
  let count = 0;
  for (const item of sorted) if (item === value) count += 1;
  return count;
}
