// Threshold calibration: from human verdicts on sampled items to a proposed grader
// threshold, with the live-traffic precision / recall it buys, their uncertainty and the
// review load it causes. Pure: no clock, no store; randomness only through an injected rng.
// docs/calibration.md explains the weighting, the objectives and how to read the figures.

import { computeKappaFromMatrix } from './agreement.models.ts';
import type { CalibrationInput, CurveSummary } from './calibration-curve.models.ts';
import { buildCumulativeCounts, summarizeCurve, toCalibrationColumns } from './calibration-curve.models.ts';
import type { Confusion, EvaluateOptions, ThresholdEvaluation } from './calibration-evaluation.models.ts';
import { computeFBetaAt, evaluateAt } from './calibration-evaluation.models.ts';

export type { CalibrationInput, CurveSummary, LabelledScore, LabelledScoreColumns } from './calibration-curve.models.ts';
export type {
  Confusion,
  ConfusionCounts,
  EvaluateOptions,
  IntervalMethod,
  MetricInterval,
  ThresholdEvaluation,
  ThresholdFigures,
  ThresholdIntervals,
} from './calibration-evaluation.models.ts';
export type { Interval, Rng } from './calibration-intervals.models.ts';
export { wilsonInterval } from './calibration-intervals.models.ts';

/** Weighted and unweighted PR / ROC points over every distinct threshold, highest first. */
export interface CalibrationCurve {
  /** Point i flags every item with score ≥ thresholds[i]. */
  thresholds: Float64Array;
  weighted: CurvePoints;
  unweighted: CurvePoints;
  /** Totals over all labels: weighted (estimated live traffic) and raw. */
  totals: { violations: number; nonViolations: number; violationCount: number; nonViolationCount: number };
}

export interface CurvePoints extends CurveSummary {
  truePositives: Float64Array;
  falsePositives: Float64Array;
  precision: Float64Array;
  recall: Float64Array;
  falsePositiveRate: Float64Array;
}

/** `target_recall`: the highest threshold whose weighted recall ≥ recall. `f_beta`: the threshold maximising weighted F_β. */
export type ThresholdObjective = { kind: 'target_recall'; recall: number } | { kind: 'f_beta'; beta: number };

export interface RecommendOptions extends Omit<EvaluateOptions, 'beta'> {
  /** Raw labels needed in each class before anything is recommended. Default 30. */
  minPerClass?: number;
  /** The threshold live now, to compare figures and review load with. */
  currentThreshold?: number;
  /** Live events per day, to turn shares into expected flags per day. */
  eventsPerDay?: number;
  /** Share of live traffic flagged at a threshold, when known better than from the labels (e.g. from all graded events). */
  flaggedShareAt?: (threshold: number) => number;
}

export interface LabelCounts {
  violations: number;
  nonViolations: number;
}

export interface ReviewLoadPoint {
  threshold: number;
  flaggedShare: number;
  flagsPerDay: number | null;
}

export interface ReviewLoad {
  eventsPerDay: number | null;
  current: ReviewLoadPoint | null;
  proposed: ReviewLoadPoint;
  /** proposed − current flags per day; positive means more review work. */
  deltaFlagsPerDay: number | null;
}

export type ThresholdRecommendation =
  | { status: 'insufficient_labels'; labels: LabelCounts; needed: LabelCounts }
  | {
      status: 'ok';
      objective: ThresholdObjective;
      threshold: number;
      labels: LabelCounts;
      proposed: ThresholdEvaluation;
      current: ThresholdEvaluation | null;
      load: ReviewLoad;
      curve: { weighted: CurveSummary; unweighted: CurveSummary };
    };

function computePoints(tp: Float64Array, fp: Float64Array): CurvePoints {
  const m = tp.length;
  const positives = m > 0 ? tp[m - 1]! : 0;
  const negatives = m > 0 ? fp[m - 1]! : 0;
  const precision = new Float64Array(m);
  const recall = new Float64Array(m);
  const falsePositiveRate = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    precision[i] = tp[i]! / (tp[i]! + fp[i]!);
    recall[i] = positives > 0 ? tp[i]! / positives : Number.NaN;
    falsePositiveRate[i] = negatives > 0 ? fp[i]! / negatives : Number.NaN;
  }
  return { truePositives: tp, falsePositives: fp, precision, recall, falsePositiveRate, ...summarizeCurve(tp, fp) };
}

export function computeCurve(input: CalibrationInput): CalibrationCurve {
  const c = buildCumulativeCounts(toCalibrationColumns(input));
  const m = c.thresholds.length;
  return {
    thresholds: c.thresholds,
    weighted: computePoints(c.tp, c.fp),
    unweighted: computePoints(c.tpCount, c.fpCount),
    totals: {
      violations: m > 0 ? c.tp[m - 1]! : 0,
      nonViolations: m > 0 ? c.fp[m - 1]! : 0,
      violationCount: m > 0 ? c.tpCount[m - 1]! : 0,
      nonViolationCount: m > 0 ? c.fpCount[m - 1]! : 0,
    },
  };
}

/** Weighted and raw confusion counts when flagging score ≥ threshold, in one pass. */
export function confusionAt(input: CalibrationInput, threshold: number): Confusion {
  const { score, violation, weight } = toCalibrationColumns(input);
  const confusion: Confusion = { threshold, weighted: { tp: 0, fp: 0, fn: 0, tn: 0 }, raw: { tp: 0, fp: 0, fn: 0, tn: 0 } };
  for (let i = 0; i < score.length; i++) {
    const cell = score[i]! >= threshold ? (violation[i] ? 'tp' : 'fp') : violation[i] ? 'fn' : 'tn';
    confusion.weighted[cell] += weight[i]!;
    confusion.raw[cell] += 1;
  }
  return confusion;
}

/**
 * Cohen's kappa between the judge (score ≥ threshold) and the human verdict: `unweighted`
 * on the labelled items, `weighted` on the estimated live traffic.
 */
export function cohensKappaBinary(input: CalibrationInput, threshold: number): { weighted: number; unweighted: number } {
  const { weighted, raw } = confusionAt(input, threshold);
  const toMatrix = (c: Confusion['raw']): number[][] => [
    [c.tp, c.fp],
    [c.fn, c.tn],
  ];
  return { weighted: computeKappaFromMatrix(toMatrix(weighted)), unweighted: computeKappaFromMatrix(toMatrix(raw)) };
}

/** Precision, recall, F, confusion and intervals at one threshold. */
export function evaluateThreshold(input: CalibrationInput, threshold: number, options: EvaluateOptions = {}): ThresholdEvaluation {
  const columns = toCalibrationColumns(input);
  return evaluateAt(columns, buildCumulativeCounts(columns), threshold, options);
}

function checkObjective(objective: ThresholdObjective): void {
  if (objective.kind === 'target_recall' && !(objective.recall > 0 && objective.recall <= 1)) {
    throw new RangeError(`target recall must be in (0, 1], got ${objective.recall}`);
  }
  if (objective.kind === 'f_beta' && !(objective.beta > 0 && Number.isFinite(objective.beta))) {
    throw new RangeError(`beta must be a finite number > 0, got ${objective.beta}`);
  }
}

function toLoadPoint(evaluation: ThresholdEvaluation, options: RecommendOptions): ReviewLoadPoint {
  const flaggedShare = options.flaggedShareAt ? options.flaggedShareAt(evaluation.threshold) : evaluation.weighted.flaggedShare;
  const flagsPerDay = options.eventsPerDay === undefined ? null : options.eventsPerDay * flaggedShare;
  return { threshold: evaluation.threshold, flaggedShare, flagsPerDay };
}

/** Proposes a threshold for `objective`, or says how many more labels of each class it needs. */
export function recommendThreshold(
  input: CalibrationInput,
  objective: ThresholdObjective,
  options: RecommendOptions = {},
): ThresholdRecommendation {
  checkObjective(objective);
  const columns = toCalibrationColumns(input);
  const c = buildCumulativeCounts(columns);
  const m = c.thresholds.length;
  const labels: LabelCounts = { violations: m > 0 ? c.tpCount[m - 1]! : 0, nonViolations: m > 0 ? c.fpCount[m - 1]! : 0 };
  const minPerClass = Math.max(1, options.minPerClass ?? 30);
  if (labels.violations < minPerClass || labels.nonViolations < minPerClass) {
    const needed = {
      violations: Math.max(0, minPerClass - labels.violations),
      nonViolations: Math.max(0, minPerClass - labels.nonViolations),
    };
    return { status: 'insufficient_labels', labels, needed };
  }
  const beta = objective.kind === 'f_beta' ? objective.beta : 1;
  let best = 0;
  if (objective.kind === 'target_recall') {
    // Recall only grows as the threshold falls; the first index reaching the target flags least.
    const needed = objective.recall * c.tp[m - 1]! * (1 - 1e-12);
    while (best < m - 1 && c.tp[best]! < needed) best++;
  } else {
    let bestF = -1;
    for (let i = 0; i < m; i++) {
      const f = computeFBetaAt(c, i, beta);
      if (f > bestF) [bestF, best] = [f, i];
    }
  }
  const evaluateOptions: EvaluateOptions = { ...options, beta };
  const proposed = evaluateAt(columns, c, c.thresholds[best]!, evaluateOptions);
  const current = options.currentThreshold === undefined ? null : evaluateAt(columns, c, options.currentThreshold, evaluateOptions);
  const proposedLoad = toLoadPoint(proposed, options);
  const currentLoad = current ? toLoadPoint(current, options) : null;
  const load: ReviewLoad = {
    eventsPerDay: options.eventsPerDay ?? null,
    current: currentLoad,
    proposed: proposedLoad,
    deltaFlagsPerDay:
      currentLoad?.flagsPerDay != null && proposedLoad.flagsPerDay !== null ? proposedLoad.flagsPerDay - currentLoad.flagsPerDay : null,
  };
  return {
    status: 'ok',
    objective,
    threshold: proposed.threshold,
    labels,
    proposed,
    current,
    load,
    curve: { weighted: summarizeCurve(c.tp, c.fp), unweighted: summarizeCurve(c.tpCount, c.fpCount) },
  };
}
