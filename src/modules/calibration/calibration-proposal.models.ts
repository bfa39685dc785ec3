// A threshold proposal: the figures frozen from a report when it is proposed, the rules that
// decide whether it can still be applied, and when Vigil may apply it by itself. Pure.

import type { ChartPoint } from '../../shared/charts.ts';
import type { CalibrationReport } from './calibration-report.models.ts';
import type { CalibrationCurve, ThresholdEvaluation, ThresholdObjective } from './calibration.models.ts';

export const PROPOSAL_STATUSES = ['open', 'applied', 'dismissed', 'superseded'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** A proposal older than this is stale: the labels and traffic behind it have moved on. */
export const PROPOSAL_TTL_MS = 7 * 24 * 3_600_000;
/** Changes smaller than this are not worth a card (scores are read to two decimals). */
export const MIN_PROPOSED_CHANGE = 0.01;

/** null where a figure is undefined (no flagged item, no violation): JSON has no NaN. */
export interface ThresholdFigureSet {
  threshold: number;
  precision: number | null;
  precisionInterval: [number, number] | null;
  recall: number | null;
  recallInterval: [number, number] | null;
  unweightedPrecision: number | null;
  unweightedRecall: number | null;
  flagsPerDay: number | null;
  reviewItemsPerDay: number | null;
}

export interface ProposalFigures {
  objective: ThresholdObjective;
  dimension: string;
  labels: { violations: number; nonViolations: number };
  confidence: number;
  intervalMethod: string;
  current: ThresholdFigureSet;
  proposed: ThresholdFigureSet;
  gradedPerDay: number | null;
  deltaFlagsPerDay: number | null;
  deltaReviewItemsPerDay: number | null;
  rocAuc: number | null;
}

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

function interval(value: { lower: number; upper: number }): [number, number] | null {
  return Number.isFinite(value.lower) && Number.isFinite(value.upper) ? [value.lower, value.upper] : null;
}

function toFigureSet(evaluation: ThresholdEvaluation, traffic: { flagsPerDay: number; reviewItemsPerDay: number } | null): ThresholdFigureSet {
  return {
    threshold: evaluation.threshold,
    precision: finite(evaluation.weighted.precision),
    precisionInterval: interval(evaluation.intervals.precision),
    recall: finite(evaluation.weighted.recall),
    recallInterval: interval(evaluation.intervals.recall),
    unweightedPrecision: finite(evaluation.unweighted.precision),
    unweightedRecall: finite(evaluation.unweighted.recall),
    flagsPerDay: traffic ? traffic.flagsPerDay : null,
    reviewItemsPerDay: traffic ? traffic.reviewItemsPerDay : null,
  };
}

/** The card's figures from a report that has a recommendation; null when it has none. */
export function buildProposalFigures(report: CalibrationReport): ProposalFigures | null {
  if (report.recommendation.status !== 'ok' || !report.proposed || !report.current) return null;
  return {
    objective: report.objective,
    dimension: report.dimension,
    labels: { violations: report.labels.violations, nonViolations: report.labels.nonViolations },
    confidence: report.proposed.intervals.confidence,
    intervalMethod: report.proposed.intervals.method,
    current: toFigureSet(report.current, report.traffic?.current ?? null),
    proposed: toFigureSet(report.proposed, report.traffic?.proposed ?? null),
    gradedPerDay: report.traffic?.gradedPerDay ?? null,
    deltaFlagsPerDay: report.traffic?.deltaFlagsPerDay ?? null,
    deltaReviewItemsPerDay: report.traffic?.deltaReviewItemsPerDay ?? null,
    rocAuc: report.curve ? finite(report.curve.weighted.rocAuc) : null,
  };
}

/** Weighted and unweighted PR curves (recall on x), at most `maxPoints` each, plus the two thresholds as single points. */
export function buildPrChartPoints(curve: CalibrationCurve, marks: { current: ThresholdFigureSet; proposed: ThresholdFigureSet }, maxPoints = 120): ChartPoint[] {
  const m = curve.thresholds.length;
  const step = Math.max(1, Math.ceil(m / maxPoints));
  const indices: number[] = [];
  for (let i = 0; i < m; i += step) indices.push(i);
  if (m > 0 && indices[indices.length - 1] !== m - 1) indices.push(m - 1);
  const points: ChartPoint[] = [];
  for (const [series, values] of [
    ['live traffic', curve.weighted],
    ['review queue', curve.unweighted],
  ] as const) {
    for (const i of indices) {
      const [recall, precision] = [values.recall[i]!, values.precision[i]!];
      if (Number.isFinite(recall) && Number.isFinite(precision)) points.push({ x: round(recall), y: round(precision), series });
    }
  }
  for (const [label, mark] of [
    [`current ${mark2(marks.current.threshold)}`, marks.current],
    [`proposed ${mark2(marks.proposed.threshold)}`, marks.proposed],
  ] as const) {
    if (mark.recall !== null && mark.precision !== null) points.push({ x: round(mark.recall), y: round(mark.precision), series: label });
  }
  return points;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
const mark2 = (value: number) => value.toFixed(2);

export type ProposalCheck = { ok: true } | { ok: false; code: 'not_open' | 'expired' | 'version_changed' | 'threshold_changed'; message: string };

/** Whether an open proposal can still be applied as shown: fail closed on anything that moved. */
export function checkProposalApplicable(
  proposal: { status: ProposalStatus; createdAt: number; graderVersion: string; currentThreshold: number },
  live: { now: number; threshold: number; graderVersion: string | null },
): ProposalCheck {
  if (proposal.status !== 'open') return { ok: false, code: 'not_open', message: `This proposal is already ${proposal.status}.` };
  if (live.now - proposal.createdAt > PROPOSAL_TTL_MS) return { ok: false, code: 'expired', message: 'This proposal is more than 7 days old; ask for a fresh one with `/vigil calibrate`.' };
  if (live.graderVersion !== null && live.graderVersion !== proposal.graderVersion) {
    return { ok: false, code: 'version_changed', message: `The grader changed (now version ${live.graderVersion}); its calibration starts over.` };
  }
  if (Math.abs(live.threshold - proposal.currentThreshold) > 1e-9) {
    return { ok: false, code: 'threshold_changed', message: `The live threshold is now ${live.threshold}, not ${proposal.currentThreshold} as on this card; ask for a fresh proposal.` };
  }
  return { ok: true };
}

export type AutoApplyDecision = { apply: true } | { apply: false; reason: string };

/**
 * Auto-apply only when enabled, and only when this change plus the automatic changes of the
 * last 24 hours stay within `maxChangePerDay` (absolute threshold movement, summed).
 */
export function decideAutoApply(config: { enabled: boolean; max_change_per_day: number }, change: number, recentChanges: readonly number[]): AutoApplyDecision {
  if (!config.enabled) return { apply: false, reason: 'auto-apply is off for this source' };
  const used = recentChanges.reduce((sum, value) => sum + Math.abs(value), 0);
  if (used + Math.abs(change) > config.max_change_per_day + 1e-9) {
    return { apply: false, reason: `a change of ${Math.abs(change).toFixed(2)} exceeds what auto-apply may still move today (${Math.max(0, config.max_change_per_day - used).toFixed(2)} of ${config.max_change_per_day})` };
  }
  return { apply: true };
}
