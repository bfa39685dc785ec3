// The metrics the hourly drift job compares, built from what it loaded for each window. Pure:
// the repository counts and pages, this decides which metrics exist, their kind, their
// review slice and the figures the alert card shows.

import type { DriftWindows } from './drift.models.ts';

/** What the drift job loads for one window of one source (live traffic only, probes excluded). */
export interface DriftWindowData {
  /** Live events in the window. */
  events: number;
  /** Output lengths in characters, one per event. */
  outputLengths: number[];
  /** Events whose output opens with a refusal (refusal.models.ts). */
  refusals: number;
  /** Events with at least one flag of each detector. */
  detectorFlags: Record<string, number>;
  /** Trusted (not hijacked) scores of each LLM grader. */
  graderScores: Record<string, number[]>;
  /** Count of events per model version and per prompt version (events without one are left out). */
  modelVersions: Record<string, number>;
  promptVersions: Record<string, number>;
}

export interface DriftMetric {
  /** `grader:tone`, `detector:pii:flag_rate`, `output_length`, `refusal_rate`, `model_version`, `prompt_version`. */
  name: string;
  windows: DriftWindows;
  /** The slice whose review sampling is raised when this metric drifts. */
  slice: string;
}

export function createEmptyWindowData(): DriftWindowData {
  return { events: 0, outputLengths: [], refusals: 0, detectorFlags: {}, graderScores: {}, modelVersions: {}, promptVersions: {} };
}

/** Every metric with data in either window, in a stable order. */
export function buildDriftMetrics(reference: DriftWindowData, current: DriftWindowData): DriftMetric[] {
  const metrics: DriftMetric[] = [];
  for (const grader of unionKeys(reference.graderScores, current.graderScores)) {
    metrics.push({
      name: `grader:${grader}`,
      slice: `grader:${grader}`,
      windows: { kind: 'numeric', reference: reference.graderScores[grader] ?? [], current: current.graderScores[grader] ?? [] },
    });
  }
  for (const detector of unionKeys(reference.detectorFlags, current.detectorFlags)) {
    metrics.push({
      name: `detector:${detector}:flag_rate`,
      slice: `detector:${detector}`,
      windows: {
        kind: 'rate',
        reference: { positives: reference.detectorFlags[detector] ?? 0, total: reference.events },
        current: { positives: current.detectorFlags[detector] ?? 0, total: current.events },
      },
    });
  }
  metrics.push({ name: 'output_length', slice: 'all', windows: { kind: 'numeric', reference: reference.outputLengths, current: current.outputLengths } });
  metrics.push({
    name: 'refusal_rate',
    slice: 'refusal',
    windows: { kind: 'rate', reference: { positives: reference.refusals, total: reference.events }, current: { positives: current.refusals, total: current.events } },
  });
  for (const [name, field] of [['model_version', 'modelVersions'], ['prompt_version', 'promptVersions']] as const) {
    if (unionKeys(reference[field], current[field]).length === 0) continue;
    const windows: DriftWindows = { kind: 'categorical', reference: expandCounts(reference[field]), current: expandCounts(current[field]) };
    metrics.push({ name, windows, slice: `${name}:${findRisingCategory(reference[field], current[field])}` });
  }
  return metrics;
}

/** The category whose share grew most from reference to current: the new version, usually. */
export function findRisingCategory(reference: Record<string, number>, current: Record<string, number>): string {
  const referenceTotal = sumCounts(reference);
  const currentTotal = sumCounts(current);
  let best = '';
  let bestGain = -Infinity;
  for (const key of unionKeys(reference, current)) {
    const gain = (currentTotal ? (current[key] ?? 0) / currentTotal : 0) - (referenceTotal ? (reference[key] ?? 0) / referenceTotal : 0);
    if (gain > bestGain) {
      best = key;
      bestGain = gain;
    }
  }
  return best;
}

/** One line per window for the card: mean and median, a rate, or the top categories with shares. */
export function describeWindowFigures(windows: DriftWindows): { reference: string; current: string } {
  if (windows.kind === 'rate') {
    const rate = ({ positives, total }: { positives: number; total: number }) =>
      `${total ? formatPercent(positives / total) : 'n/a'} (${positives.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})`;
    return { reference: rate(windows.reference), current: rate(windows.current) };
  }
  if (windows.kind === 'numeric') {
    const numeric = (values: ArrayLike<number>) => {
      const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
      if (sorted.length === 0) return 'no values';
      const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
      const middle = sorted.length >> 1;
      const median = sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
      return `mean ${formatNumber(mean)} · median ${formatNumber(median)}`;
    };
    return { reference: numeric(windows.reference), current: numeric(windows.current) };
  }
  const shares = (values: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
    const rest = counts.size - top.length;
    const listed = top.map(([key, count]) => `${key} ${formatPercent(count / values.length)}`).join(', ');
    return values.length === 0 ? 'no values' : `${listed}${rest > 0 ? ` (+${rest} more)` : ''}`;
  };
  return { reference: shares(windows.reference), current: shares(windows.current) };
}

export function formatPercent(share: number): string {
  const percent = share * 100;
  return `${percent >= 10 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/** Three significant digits, exponent notation for tiny p-values. */
export function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 0.001) return value.toExponential(1);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}

function expandCounts(counts: Record<string, number>): string[] {
  return Object.entries(counts).flatMap(([key, count]) => Array<string>(count).fill(key));
}

function sumCounts(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
