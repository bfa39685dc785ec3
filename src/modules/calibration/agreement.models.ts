// How much reviewers agree with each other and with known answers. Agreement is what
// makes a verdict usable as a label: calibration against noisy labels calibrates the noise.

import type { Interval } from './calibration-intervals.models.ts';
import { computeZ, wilsonInterval } from './calibration-intervals.models.ts';

export { krippendorffAlpha } from './agreement-alpha.models.ts';
export type { AlphaLevel, AlphaResult } from './agreement-alpha.models.ts';

/** A category a reviewer can give: a decision (`approve`), a flag, a 1–5 rating. */
export type Label = string | number;

export interface KappaResult {
  /** NaN when chance agreement is already perfect (both raters always give the same single category). */
  kappa: number;
  observedAgreement: number;
  expectedAgreement: number;
  n: number;
}

export interface ConfidenceOptions {
  /** Confidence level of Wilson intervals. Default 0.95. */
  confidence?: number;
}

/** Cohen's kappa of a square table of counts (rows: rater A's category, columns: rater B's). */
export function computeKappaFromMatrix(matrix: readonly (readonly number[])[]): number {
  const k = matrix.length;
  const rows = new Float64Array(k);
  const columns = new Float64Array(k);
  let total = 0;
  let diagonal = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const count = matrix[i]![j]!;
      rows[i]! += count;
      columns[j]! += count;
      total += count;
      if (i === j) diagonal += count;
    }
  }
  let expected = 0;
  for (let i = 0; i < k; i++) expected += (rows[i]! / total) * (columns[i]! / total);
  return expected < 1 ? (diagonal / total - expected) / (1 - expected) : Number.NaN;
}

function indexCategories(labels: Iterable<Label>, sort: boolean): Map<Label, number> {
  const distinct = [...new Set(labels)];
  if (sort) distinct.sort((a, b) => Number(a) - Number(b));
  return new Map(distinct.map((label, i) => [label, i]));
}

/** Agreement 1 − Σ d·o / Σ d·e for a disagreement weight d(i, j) between category indices. */
function computeWeightedAgreement(
  pairs: readonly (readonly [Label, Label])[],
  index: Map<Label, number>,
  disagreement: (i: number, j: number) => number,
): KappaResult {
  const k = index.size;
  const observed = new Float64Array(k * k);
  const rows = new Float64Array(k);
  const columns = new Float64Array(k);
  for (const [a, b] of pairs) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined) throw new RangeError(`label ${String(i === undefined ? a : b)} is not a known category`);
    observed[i * k + j]! += 1;
    rows[i]! += 1;
    columns[j]! += 1;
  }
  const n = pairs.length;
  let observedDisagreement = 0;
  let expectedDisagreement = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = disagreement(i, j);
      if (d === 0) continue;
      observedDisagreement += (d * observed[i * k + j]!) / n;
      expectedDisagreement += (d * rows[i]! * columns[j]!) / (n * n);
    }
  }
  return {
    kappa: expectedDisagreement > 0 ? 1 - observedDisagreement / expectedDisagreement : Number.NaN,
    observedAgreement: 1 - observedDisagreement,
    expectedAgreement: 1 - expectedDisagreement,
    n,
  };
}

/** Cohen's kappa for nominal labels of two raters on the same items: (p_o − p_e) / (1 − p_e). */
export function cohensKappa(pairs: readonly (readonly [Label, Label])[]): KappaResult {
  const index = indexCategories(pairs.flatMap((pair) => pair), false);
  return computeWeightedAgreement(pairs, index, (i, j) => (i === j ? 0 : 1));
}

/**
 * Weighted kappa for ordinal ratings (e.g. 1–5): near misses cost less than far ones.
 * Distances are between category ranks; pass `categories` (the whole scale) so the
 * weights do not depend on which values happened to be used.
 */
export function weightedKappa(
  pairs: readonly (readonly [number, number])[],
  scheme: 'linear' | 'quadratic',
  categories?: readonly number[],
): KappaResult {
  const index = indexCategories(categories ?? pairs.flatMap((pair) => pair), true);
  const span = Math.max(1, index.size - 1);
  const disagreement =
    scheme === 'linear' ? (i: number, j: number) => Math.abs(i - j) / span : (i: number, j: number) => ((i - j) / span) ** 2;
  return computeWeightedAgreement(pairs, index, disagreement);
}

export interface ReviewerAgreement {
  reviewer: string;
  /** Items where the other reviewers had a strict majority. */
  compared: number;
  agreed: number;
  share: number;
  interval: Interval;
}

/**
 * Per reviewer, the share of items where they agree with the strict majority (more than
 * half) of the *other* reviewers of the item. Items without such a majority (one other
 * reviewer or a split) do not count for that reviewer. Sorted by reviewer id.
 */
export function agreementWithConsensus(
  items: readonly (readonly { reviewer: string; label: Label }[])[],
  options: ConfidenceOptions = {},
): ReviewerAgreement[] {
  const tally = new Map<string, { compared: number; agreed: number }>();
  for (const item of items) {
    if (item.length < 2) continue;
    const counts = new Map<Label, number>();
    for (const { label } of item) counts.set(label, (counts.get(label) ?? 0) + 1);
    for (const { reviewer, label } of item) {
      const others = item.length - 1;
      let majority: Label | undefined;
      for (const [candidate, count] of counts) {
        if ((count - (candidate === label ? 1 : 0)) * 2 > others) majority = candidate;
      }
      if (majority === undefined) continue;
      const entry = tally.get(reviewer) ?? { compared: 0, agreed: 0 };
      entry.compared += 1;
      if (majority === label) entry.agreed += 1;
      tally.set(reviewer, entry);
    }
  }
  const z = computeZ(options.confidence ?? 0.95);
  return [...tally]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reviewer, { compared, agreed }]) => ({
      reviewer,
      compared,
      agreed,
      share: agreed / compared,
      interval: wilsonInterval(agreed, compared, z),
    }));
}

export interface ReviewerAccuracy {
  reviewer: string;
  answered: number;
  correct: number;
  accuracy: number;
  interval: Interval;
}

/** Per reviewer accuracy on gold items (known answers), with a Wilson interval. Sorted by reviewer id. */
export function goldAccuracy(
  answers: readonly { reviewer: string; label: Label; gold: Label }[],
  options: ConfidenceOptions = {},
): ReviewerAccuracy[] {
  const tally = new Map<string, { answered: number; correct: number }>();
  for (const { reviewer, label, gold } of answers) {
    const entry = tally.get(reviewer) ?? { answered: 0, correct: 0 };
    entry.answered += 1;
    if (label === gold) entry.correct += 1;
    tally.set(reviewer, entry);
  }
  const z = computeZ(options.confidence ?? 0.95);
  return [...tally]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reviewer, { answered, correct }]) => ({
      reviewer,
      answered,
      correct,
      accuracy: correct / answered,
      interval: wilsonInterval(correct, answered, z),
    }));
}
