// What a threshold costs on live traffic: flags per day and the review items it causes,
// read off every graded event of the last days (not the labels: the graded traffic is the
// population itself, so no weighting is needed). Pure; scores come sorted ascending.
//
// The review load mirrors the sampler for this one grader (sampling.models.ts): a flag is
// reviewed for sure when a grader flag (severity warn) reaches `min_severity`; a score within
// ±width of the threshold is sampled at the band's rate; everything else at the baseline
// rate. Other graders' and detectors' reasons are left out, so the figure is the load this
// grader's rule causes, and the difference between two thresholds is what reviewers feel.

export interface ReviewLoadPolicy {
  /** True when the sampler reviews every grader flag (warn ≥ min_severity). */
  flagsAlwaysReviewed: boolean;
  band: { width: number; rate: number };
  baselineRate: number;
}

export interface TrafficAt {
  threshold: number;
  flaggedShare: number;
  flagsPerDay: number;
  /** Expected review items per day from this grader's flags and uncertainty band. */
  reviewItemsPerDay: number;
}

// Scores and thresholds are decimals: |0.6 − 0.5| is 0.0999…, as in the sampler.
const BAND_EPSILON = 1e-9;

/** Index of the first score ≥ value (scores sorted ascending). */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Index of the first score > value (scores sorted ascending). */
function upperBound(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

const union = (a: number, b: number) => a + b - a * b;

/** Share of scores ≥ threshold. */
export function computeFlaggedShare(sorted: ArrayLike<number>, threshold: number): number {
  return sorted.length === 0 ? 0 : (sorted.length - lowerBound(sorted, threshold)) / sorted.length;
}

/** Expected review items per graded event at `threshold`, for this grader alone. */
export function computeReviewShare(sorted: ArrayLike<number>, threshold: number, policy: ReviewLoadPolicy): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const flagStart = lowerBound(sorted, threshold);
  const bandStart = lowerBound(sorted, threshold - policy.band.width - BAND_EPSILON);
  const bandEnd = upperBound(sorted, threshold + policy.band.width + BAND_EPSILON);
  const belowInBand = flagStart - bandStart;
  const belowOutside = bandStart;
  const aboveInBand = Math.max(0, bandEnd - flagStart);
  const aboveOutside = n - flagStart - aboveInBand;
  const inBand = union(policy.band.rate, policy.baselineRate);
  const below = belowInBand * inBand + belowOutside * policy.baselineRate;
  const above = policy.flagsAlwaysReviewed ? n - flagStart : aboveInBand * inBand + aboveOutside * policy.baselineRate;
  return (below + above) / n;
}

export function describeTrafficAt(sorted: ArrayLike<number>, days: number, threshold: number, policy: ReviewLoadPolicy): TrafficAt {
  const perDay = sorted.length / days;
  const flaggedShare = computeFlaggedShare(sorted, threshold);
  return { threshold, flaggedShare, flagsPerDay: perDay * flaggedShare, reviewItemsPerDay: perDay * computeReviewShare(sorted, threshold, policy) };
}
