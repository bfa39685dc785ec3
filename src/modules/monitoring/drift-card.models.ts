// What a drift alert card shows, as plain data: stored with the alert (so the card can be
// rebuilt after a click) and turned into Block Kit by drift.blocks.ts.

import type { DriftMetricKind, DriftResult, DriftTestName } from './drift.models.ts';
import { formatNumber } from './drift-metrics.models.ts';

export interface DriftAlertSummary {
  source: string;
  metric: string;
  kind: DriftMetricKind;
  test: DriftTestName;
  /** A p-value (ks, z, chisquare) or a distance; null without enough data. */
  statistic: number | null;
  threshold: number;
  sizes: { reference: number; current: number };
  /** The KS D statistic, shown beside its p-value. */
  ksStatistic?: number;
  figures: { reference: string; current: string };
  windows: {
    current: { from: number; to: number };
    reference: { from: number; to: number; label: string };
  };
  evaluatedAt: number;
}

export interface SamplingBoostView {
  id: number;
  slice: string;
  rate: number;
  startedAt: number;
  until: number;
  stoppedBy: string | null;
  stoppedAt: number | null;
}

export interface DriftAlertCard {
  alertId: number;
  summary: DriftAlertSummary;
  openedAt: number;
  resolvedAt: number | null;
  boost: SamplingBoostView | null;
  /** Decides whether the boost is shown as running or ended. */
  now: number;
}

export const DRIFT_TEST_LABELS: Record<DriftTestName, string> = {
  ks: 'Kolmogorov–Smirnov',
  z: 'two-proportion z-test',
  chisquare: 'chi-square',
  psi: 'population stability index',
  jensenshannon: 'Jensen–Shannon distance',
  wasserstein: 'normed Wasserstein distance',
};

const P_VALUE_TESTS: ReadonlySet<DriftTestName> = new Set(['ks', 'z', 'chisquare']);
// The comparison each test drifts on, as drift.models.ts DRIFT_TESTS decides it.
const DRIFT_COMPARATORS: Record<DriftTestName, string> = { ks: '≤', z: '<', chisquare: '<', psi: '≥', jensenshannon: '≥', wasserstein: '≥' };

/** `p = 0.0012, drift when p ≤ 0.05` or `distance 0.153, drift when ≥ 0.1`. */
export function describeStatistic(summary: Pick<DriftAlertSummary, 'test' | 'statistic' | 'threshold' | 'ksStatistic'>): string {
  const isP = P_VALUE_TESTS.has(summary.test);
  const name = isP ? 'p' : summary.test === 'psi' ? 'PSI' : 'distance';
  const value = summary.statistic === null ? 'n/a' : formatNumber(summary.statistic);
  const d = summary.ksStatistic !== undefined ? ` (D = ${formatNumber(summary.ksStatistic)})` : '';
  return `${name} = ${value}${d}, drift when ${name} ${DRIFT_COMPARATORS[summary.test]} ${formatNumber(summary.threshold)}`;
}

export function toBoostView(boost: SamplingBoostView): SamplingBoostView {
  return { id: boost.id, slice: boost.slice, rate: boost.rate, startedAt: boost.startedAt, until: boost.until, stoppedBy: boost.stoppedBy, stoppedAt: boost.stoppedAt };
}

export type BoostState = 'active' | 'stopped' | 'ended';

export function describeBoostState(boost: SamplingBoostView, now: number): BoostState {
  if (boost.stoppedAt !== null) return 'stopped';
  return boost.until > now ? 'active' : 'ended';
}

export function buildDriftAlertSummary(input: {
  result: DriftResult;
  kind: DriftMetricKind;
  figures: DriftAlertSummary['figures'];
  windows: DriftAlertSummary['windows'];
  now: number;
}): DriftAlertSummary {
  const { result } = input;
  return {
    source: result.metric.source,
    metric: result.metric.name,
    kind: input.kind,
    test: result.test,
    statistic: result.statistic,
    threshold: result.threshold,
    sizes: result.sizes,
    ...(result.ks ? { ksStatistic: result.ks.statistic } : {}),
    figures: input.figures,
    windows: input.windows,
    evaluatedAt: input.now,
  };
}
