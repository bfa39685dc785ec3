// Figures of one threshold, read off the cumulative counts in O(1) (plus one O(n) pass
// when a bootstrap is asked for).

import type { BootstrapResult } from './calibration-bootstrap.models.ts';
import { bootstrapPrecisionRecall, groupBootstrapCells } from './calibration-bootstrap.models.ts';
import type { CalibrationColumns, CumulativeCounts } from './calibration-curve.models.ts';
import { countThresholdsAtOrAbove } from './calibration-curve.models.ts';
import type { Rng, WeightedSplit } from './calibration-intervals.models.ts';
import { computeWeightedWilsonInterval, computeZ } from './calibration-intervals.models.ts';

/**
 * `wilson` (default): Wilson score interval on the effective sample size of each weighted
 * proportion, O(1). `bootstrap`: Poisson percentile bootstrap at the fixed threshold.
 */
export type IntervalMethod = { method: 'wilson' } | { method: 'bootstrap'; rng: Rng; resamples?: number };

export interface EvaluateOptions {
  /** Confidence level of the intervals. Default 0.95. */
  confidence?: number;
  interval?: IntervalMethod;
  /** β of the reported F score. Default 1. */
  beta?: number;
}

export interface ConfusionCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** `weighted` estimates live traffic (sums of 1/p); `raw` counts the labelled items. */
export interface Confusion {
  threshold: number;
  weighted: ConfusionCounts;
  raw: ConfusionCounts;
}

/** Precision, recall, F, false positive rate, share of items flagged; NaN when a denominator is 0. */
export interface ThresholdFigures {
  precision: number;
  recall: number;
  f: number;
  falsePositiveRate: number;
  flaggedShare: number;
}

export interface MetricInterval {
  lower: number;
  upper: number;
  /** Effective sample size behind a Wilson interval; null for a bootstrap. */
  effectiveSize: number | null;
}

export interface ThresholdIntervals {
  method: 'wilson' | 'bootstrap';
  confidence: number;
  /** Intervals of the weighted (live-traffic) precision and recall. */
  precision: MetricInterval;
  recall: MetricInterval;
  resamples: number | null;
}

export interface ThresholdEvaluation {
  threshold: number;
  weighted: ThresholdFigures;
  unweighted: ThresholdFigures;
  intervals: ThresholdIntervals;
  confusion: Confusion;
}

function at(values: Float64Array, count: number): number {
  return count > 0 ? values[count - 1]! : 0;
}

function last(values: Float64Array): number {
  return at(values, values.length);
}

function computeFigures(c: ConfusionCounts, beta: number): ThresholdFigures {
  const b2 = beta * beta;
  const fDenominator = (1 + b2) * c.tp + b2 * c.fn + c.fp;
  return {
    precision: c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : Number.NaN,
    recall: c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : Number.NaN,
    f: fDenominator > 0 ? ((1 + b2) * c.tp) / fDenominator : Number.NaN,
    falsePositiveRate: c.fp + c.tn > 0 ? c.fp / (c.fp + c.tn) : Number.NaN,
    flaggedShare: (c.tp + c.fp) / (c.tp + c.fp + c.fn + c.tn),
  };
}

/** F_β from cumulative weighted counts, used to scan every threshold without allocating. */
export function computeFBetaAt(cumulative: CumulativeCounts, index: number, beta: number): number {
  const tp = cumulative.tp[index]!;
  const fn = last(cumulative.tp) - tp;
  const fp = cumulative.fp[index]!;
  const b2 = beta * beta;
  const denominator = (1 + b2) * tp + b2 * fn + fp;
  return denominator > 0 ? ((1 + b2) * tp) / denominator : 0;
}

function computeWilsonIntervals(cumulative: CumulativeCounts, count: number, z: number): Pick<ThresholdIntervals, 'precision' | 'recall'> {
  const tp = at(cumulative.tp, count);
  const tpSq = at(cumulative.tpSq, count);
  const precisionSplit: WeightedSplit = {
    successWeight: tp,
    successWeightSq: tpSq,
    failureWeight: at(cumulative.fp, count),
    failureWeightSq: at(cumulative.fpSq, count),
  };
  const recallSplit: WeightedSplit = {
    successWeight: tp,
    successWeightSq: tpSq,
    failureWeight: Math.max(0, last(cumulative.tp) - tp),
    failureWeightSq: Math.max(0, last(cumulative.tpSq) - tpSq),
  };
  return { precision: computeWeightedWilsonInterval(precisionSplit, z), recall: computeWeightedWilsonInterval(recallSplit, z) };
}

function toMetricIntervals(result: BootstrapResult): Pick<ThresholdIntervals, 'precision' | 'recall'> {
  return {
    precision: { ...result.precision, effectiveSize: null },
    recall: { ...result.recall, effectiveSize: null },
  };
}

/** Everything about flagging at `threshold` (score ≥ threshold), from prepared columns and counts. */
export function evaluateAt(
  columns: CalibrationColumns,
  cumulative: CumulativeCounts,
  threshold: number,
  options: EvaluateOptions = {},
): ThresholdEvaluation {
  const confidence = options.confidence ?? 0.95;
  const interval = options.interval ?? { method: 'wilson' };
  const count = countThresholdsAtOrAbove(cumulative.thresholds, threshold);
  const weighted: ConfusionCounts = {
    tp: at(cumulative.tp, count),
    fp: at(cumulative.fp, count),
    fn: Math.max(0, last(cumulative.tp) - at(cumulative.tp, count)),
    tn: Math.max(0, last(cumulative.fp) - at(cumulative.fp, count)),
  };
  const raw: ConfusionCounts = {
    tp: at(cumulative.tpCount, count),
    fp: at(cumulative.fpCount, count),
    fn: last(cumulative.tpCount) - at(cumulative.tpCount, count),
    tn: last(cumulative.fpCount) - at(cumulative.fpCount, count),
  };
  let intervals: ThresholdIntervals;
  if (interval.method === 'bootstrap') {
    const cells = groupBootstrapCells(columns.score, columns.violation, columns.weight, threshold);
    const result = bootstrapPrecisionRecall(cells, { rng: interval.rng, resamples: interval.resamples ?? 1000, confidence });
    intervals = { method: 'bootstrap', confidence, ...toMetricIntervals(result), resamples: result.resamples };
  } else {
    intervals = { method: 'wilson', confidence, ...computeWilsonIntervals(cumulative, count, computeZ(confidence)), resamples: null };
  }
  return {
    threshold,
    weighted: computeFigures(weighted, options.beta ?? 1),
    unweighted: computeFigures(raw, options.beta ?? 1),
    intervals,
    confusion: { threshold, weighted, raw },
  };
}
