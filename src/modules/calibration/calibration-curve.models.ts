// Weighted precision–recall and ROC curves of a grader against human verdicts.
//
// Reviewed items are a weighted sample of live traffic: flagged items are over-sampled,
// so each label carries weight 1/p (its inclusion probability). Weighted figures estimate
// live traffic (Horvitz–Thompson); unweighted figures describe the review queue only.
//
// One radix sort of the scores (calibration-sort.models.ts), then one pass that sums the
// weights of each distinct score cumulatively, highest score first.

import { sortScoresDescending } from './calibration-sort.models.ts';

/** One human-labelled grader score; `weight` is 1 / inclusion probability (≥ 1 for a sample). */
export interface LabelledScore {
  score: number;
  violation: boolean;
  weight: number;
}

/** Struct-of-arrays variant of `LabelledScore[]`, cheaper for large inputs. */
export interface LabelledScoreColumns {
  score: ArrayLike<number>;
  violation: ArrayLike<boolean | number>;
  weight: ArrayLike<number>;
}

export type CalibrationInput = readonly LabelledScore[] | LabelledScoreColumns;

/** Validated columns. `violation` is 1 or 0. */
export interface CalibrationColumns {
  score: Float64Array;
  violation: Uint8Array;
  weight: Float64Array;
}

/**
 * Per distinct threshold, descending: index i flags every item with score ≥ thresholds[i].
 * `tp`/`fp` are cumulative weight sums, `tpCount`/`fpCount` raw label counts,
 * `tpSq`/`fpSq` cumulative squared weights (for interval widths).
 */
export interface CumulativeCounts {
  thresholds: Float64Array;
  tp: Float64Array;
  fp: Float64Array;
  tpCount: Float64Array;
  fpCount: Float64Array;
  tpSq: Float64Array;
  fpSq: Float64Array;
}

function isColumns(input: CalibrationInput): input is LabelledScoreColumns {
  return !Array.isArray(input);
}

function checkItem(index: number, score: number, weight: number): void {
  if (!(score >= 0 && score <= 1)) throw new RangeError(`score at index ${index} must be in [0, 1], got ${score}`);
  if (!(weight > 0 && Number.isFinite(weight))) throw new RangeError(`weight at index ${index} must be a finite number > 0, got ${weight}`);
}

/** Copies and validates the input: scores in [0, 1], finite positive weights. Throws RangeError otherwise. */
export function toCalibrationColumns(input: CalibrationInput): CalibrationColumns {
  const n = isColumns(input) ? input.score.length : input.length;
  const score = new Float64Array(n);
  const violation = new Uint8Array(n);
  const weight = new Float64Array(n);
  // Two loops rather than one branching per item keep each loop's property accesses monomorphic.
  if (isColumns(input)) {
    if (input.violation.length !== n || input.weight.length !== n) {
      throw new RangeError('score, violation and weight columns must have the same length');
    }
    for (let i = 0; i < n; i++) {
      checkItem(i, input.score[i]!, input.weight[i]!);
      score[i] = input.score[i]! + 0; // + 0 turns −0 into +0, which the radix sort needs
      weight[i] = input.weight[i]!;
      violation[i] = input.violation[i] ? 1 : 0;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const item = input[i]!;
      checkItem(i, item.score, item.weight);
      score[i] = item.score + 0;
      weight[i] = item.weight;
      violation[i] = item.violation ? 1 : 0;
    }
  }
  return { score, violation, weight };
}

/** Number of distinct thresholds ≥ t, i.e. the cumulative index at threshold t is this minus one. */
export function countThresholdsAtOrAbove(thresholds: Float64Array, t: number): number {
  let low = 0;
  let high = thresholds.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (thresholds[mid]! >= t) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function buildCumulativeCounts(columns: CalibrationColumns): CumulativeCounts {
  const n = columns.score.length;
  // Weights are > 0, so the sign can carry the label through the sort.
  const signedWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) signedWeight[i] = columns.violation[i] ? -columns.weight[i]! : columns.weight[i]!;
  const { scores, payload } = sortScoresDescending(columns.score, signedWeight);
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || scores[i] !== scores[i - 1]) m++;
  const c: CumulativeCounts = {
    thresholds: new Float64Array(m),
    tp: new Float64Array(m),
    fp: new Float64Array(m),
    tpCount: new Float64Array(m),
    fpCount: new Float64Array(m),
    tpSq: new Float64Array(m),
    fpSq: new Float64Array(m),
  };
  let [tp, fp, tpCount, fpCount, tpSq, fpSq] = [0, 0, 0, 0, 0, 0];
  let group = 0;
  for (let i = 0; i < n; i++) {
    const w = payload[i]!;
    if (w < 0) {
      tp -= w;
      tpCount += 1;
      tpSq += w * w;
    } else {
      fp += w;
      fpCount += 1;
      fpSq += w * w;
    }
    // Close the group after its last item: every item at this score is then counted as flagged.
    if (i === n - 1 || scores[i + 1] !== scores[i]) {
      c.thresholds[group] = scores[i]!;
      c.tp[group] = tp;
      c.fp[group] = fp;
      c.tpCount[group] = tpCount;
      c.fpCount[group] = fpCount;
      c.tpSq[group] = tpSq;
      c.fpSq[group] = fpSq;
      group++;
    }
  }
  return c;
}

export interface CurveSummary {
  /** Area under the ROC curve, trapezoids between distinct thresholds (a tie counts one half). NaN without both classes. */
  rocAuc: number;
  /** Σ (R_i − R_{i−1}) · P_i over thresholds, without interpolation. NaN without violations. */
  averagePrecision: number;
}

/** ROC AUC and average precision from cumulative true/false positive totals. */
export function summarizeCurve(tp: Float64Array, fp: Float64Array): CurveSummary {
  const m = tp.length;
  const positives = m > 0 ? tp[m - 1]! : 0;
  const negatives = m > 0 ? fp[m - 1]! : 0;
  let rocAuc = 0;
  let averagePrecision = 0;
  let previousTpr = 0;
  let previousFpr = 0;
  for (let i = 0; i < m; i++) {
    const tpr = tp[i]! / positives;
    const fpr = fp[i]! / negatives;
    rocAuc += ((fpr - previousFpr) * (tpr + previousTpr)) / 2;
    averagePrecision += (tpr - previousTpr) * (tp[i]! / (tp[i]! + fp[i]!));
    previousTpr = tpr;
    previousFpr = fpr;
  }
  return {
    rocAuc: positives > 0 && negatives > 0 ? rocAuc : Number.NaN,
    averagePrecision: positives > 0 ? averagePrecision : Number.NaN,
  };
}
