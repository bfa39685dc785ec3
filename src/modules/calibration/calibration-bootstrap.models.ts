// Percentile bootstrap of weighted precision and recall at a fixed threshold.
//
// A Poisson bootstrap gives each labelled item a multiplicity ~ Poisson(1) instead of
// drawing n items with replacement. The sum of k independent Poisson(1) is Poisson(k), so
// all items of one confusion cell with the same weight resample together in one draw:
// a resample costs O(cells × distinct weights), not O(n). Sampling weights come from a few
// inclusion probabilities (one per sampling stratum), so 1,000,000 labels usually make a
// dozen groups. Weights are grouped in bins of 1% relative width so arbitrary weights stay
// cheap too; each bin resamples its mean weight, which keeps the expected total exact.

import type { Interval, Rng } from './calibration-intervals.models.ts';
import { computeSortedQuantile } from './calibration-intervals.models.ts';

export interface WeightBins {
  counts: number[];
  sums: number[];
}

/** Labelled items at one threshold, split by confusion cell (true negatives never enter precision or recall). */
export interface BootstrapCells {
  tp: WeightBins;
  fp: WeightBins;
  fn: WeightBins;
}

export interface BootstrapOptions {
  rng: Rng;
  resamples: number;
  confidence: number;
}

export interface BootstrapResult {
  precision: Interval;
  recall: Interval;
  resamples: number;
}

const BIN_SCALE = 1 / Math.log1p(0.01);

function createBinner(): { bins: WeightBins; add: (weight: number) => void } {
  const bins: WeightBins = { counts: [], sums: [] };
  const indexByKey = new Map<number, number>();
  // Weights repeat (one per sampling stratum): remember the last one to skip the log and the lookup.
  let lastWeight = Number.NaN;
  let lastIndex = 0;
  const add = (weight: number): void => {
    if (weight !== lastWeight) {
      const key = Math.round(Math.log(weight) * BIN_SCALE);
      let index = indexByKey.get(key);
      if (index === undefined) {
        index = bins.counts.length;
        indexByKey.set(key, index);
        bins.counts.push(0);
        bins.sums.push(0);
      }
      lastWeight = weight;
      lastIndex = index;
    }
    bins.counts[lastIndex]! += 1;
    bins.sums[lastIndex]! += weight;
  };
  return { bins, add };
}

/** Splits labelled items into the cells of the confusion matrix at `threshold` (flag when score ≥ threshold). */
export function groupBootstrapCells(
  score: ArrayLike<number>,
  violation: ArrayLike<number>,
  weight: ArrayLike<number>,
  threshold: number,
): BootstrapCells {
  const tp = createBinner();
  const fp = createBinner();
  const fn = createBinner();
  for (let i = 0; i < score.length; i++) {
    const flagged = score[i]! >= threshold;
    if (violation[i]) (flagged ? tp : fn).add(weight[i]!);
    else if (flagged) fp.add(weight[i]!);
  }
  return { tp: tp.bins, fp: fp.bins, fn: fn.bins };
}

const LOG_FACTORIALS = [0, 0, Math.log(2), Math.log(6), Math.log(24), Math.log(120), Math.log(720), Math.log(5040), Math.log(40320), Math.log(362880)];

function computeLogFactorial(k: number): number {
  const small = LOG_FACTORIALS[k];
  if (small !== undefined) return small;
  const x = k + 1;
  const x2 = x * x;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + (1 / 12 - (1 / 360 - 1 / (1260 * x2)) / x2) / x;
}

/**
 * One draw from Poisson(lambda): inversion for small means, Hörmann's PTRS transformed
 * rejection (1993, as in NumPy) for lambda ≥ 10, so a bin of 500,000 items costs one draw.
 */
export function samplePoisson(lambda: number, rng: Rng): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    let k = 0;
    let p = Math.exp(-lambda);
    let cumulative = p;
    const u = rng();
    while (u > cumulative && k < 1000) {
      k += 1;
      p *= lambda / k;
      cumulative += p;
    }
    return k;
  }
  const sqrtLambda = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * sqrtLambda;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng() - 0.5;
    const v = rng();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLambda - computeLogFactorial(k)) {
      return k;
    }
  }
}

function resampleTotal(bins: WeightBins, rng: Rng): number {
  let total = 0;
  for (let b = 0; b < bins.counts.length; b++) {
    const count = bins.counts[b]!;
    total += (bins.sums[b]! / count) * samplePoisson(count, rng);
  }
  return total;
}

function computePercentileInterval(values: Float64Array, length: number, confidence: number): Interval {
  if (length === 0) return { lower: 0, upper: 1 };
  const sorted = values.subarray(0, length).sort();
  const tail = (1 - confidence) / 2;
  return { lower: computeSortedQuantile(sorted, tail), upper: computeSortedQuantile(sorted, 1 - tail) };
}

/** Percentile intervals for weighted precision TP/(TP+FP) and recall TP/(TP+FN); empty resamples are skipped. */
export function bootstrapPrecisionRecall(cells: BootstrapCells, options: BootstrapOptions): BootstrapResult {
  const resamples = Math.max(1, Math.floor(options.resamples));
  const precisions = new Float64Array(resamples);
  const recalls = new Float64Array(resamples);
  let precisionCount = 0;
  let recallCount = 0;
  for (let r = 0; r < resamples; r++) {
    const tp = resampleTotal(cells.tp, options.rng);
    const fp = resampleTotal(cells.fp, options.rng);
    const fn = resampleTotal(cells.fn, options.rng);
    if (tp + fp > 0) precisions[precisionCount++] = tp / (tp + fp);
    if (tp + fn > 0) recalls[recallCount++] = tp / (tp + fn);
  }
  return {
    precision: computePercentileInterval(precisions, precisionCount, options.confidence),
    recall: computePercentileInterval(recalls, recallCount, options.confidence),
    resamples,
  };
}
