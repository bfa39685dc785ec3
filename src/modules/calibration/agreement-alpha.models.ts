// Krippendorff's alpha through the coincidence matrix (Krippendorff, "Computing
// Krippendorff's Alpha-Reliability", 2011): any number of coders, missing values, and
// nominal, ordinal or interval metrics. α = 1 − D_o / D_e.
//
// The coincidence matrix is never built: D_o sums δ² over the value pairs of each unit
// (weighted 1 / (m_u − 1)), and D_e needs only the marginals n_c. Cost is O(Σ m_u²) for
// D_o plus O(V) (nominal, interval) or O(V²) (ordinal) for D_e, V = distinct values.

import type { Label } from './agreement.models.ts';

export type AlphaLevel = 'nominal' | 'ordinal' | 'interval';

export interface AlphaResult {
  /** NaN when there is nothing to disagree about (one value only) or no unit with two values. */
  alpha: number;
  observedDisagreement: number;
  expectedDisagreement: number;
  /** n: values in units coded by at least two coders (the only ones that can be paired). */
  pairableValues: number;
  pairableUnits: number;
}

interface EncodedUnits {
  /** Category index of every pairable value, unit after unit. */
  values: Int32Array;
  /** Unit u spans values[offsets[u]] .. values[offsets[u + 1]]. */
  offsets: Int32Array;
  marginals: Float64Array;
  categories: Label[];
}

function encodeUnits(units: readonly (readonly (Label | null | undefined)[])[], level: AlphaLevel): EncodedUnits {
  const indexByLabel = new Map<Label, number>();
  const categories: Label[] = [];
  const values: number[] = [];
  const offsets: number[] = [0];
  const unitValues: number[] = [];
  for (const unit of units) {
    unitValues.length = 0;
    for (const value of unit) {
      if (value === null || value === undefined) continue;
      if (level !== 'nominal' && !(typeof value === 'number' && Number.isFinite(value))) {
        throw new RangeError(`${level} alpha needs finite numbers, got ${JSON.stringify(value)}`);
      }
      let index = indexByLabel.get(value);
      if (index === undefined) {
        index = categories.length;
        indexByLabel.set(value, index);
        categories.push(value);
      }
      unitValues.push(index);
    }
    // A value no other coder saw cannot be paired and does not enter alpha.
    if (unitValues.length < 2) continue;
    for (const index of unitValues) values.push(index);
    offsets.push(values.length);
  }
  const marginals = new Float64Array(categories.length);
  for (const index of values) marginals[index]! += 1;
  return { values: Int32Array.from(values), offsets: Int32Array.from(offsets), marginals, categories };
}

/** δ²(c, k) between category indices for the level, given the marginals. */
function createDistance(encoded: EncodedUnits, level: AlphaLevel): (c: number, k: number) => number {
  if (level === 'nominal') return (c, k) => (c === k ? 0 : 1);
  const numeric = encoded.categories.map(Number);
  if (level === 'interval') return (c, k) => (numeric[c]! - numeric[k]!) ** 2;
  // Ordinal: the distance between ranks c < k is the number of values from c to k, minus half of the two ends.
  const order = numeric.map((_, i) => i).sort((a, b) => numeric[a]! - numeric[b]!);
  const rank = new Int32Array(order.length);
  order.forEach((category, r) => (rank[category] = r));
  const prefix = new Float64Array(order.length + 1);
  order.forEach((category, r) => (prefix[r + 1] = prefix[r]! + encoded.marginals[category]!));
  return (c, k) => {
    const low = Math.min(rank[c]!, rank[k]!);
    const high = Math.max(rank[c]!, rank[k]!);
    return (prefix[high + 1]! - prefix[low]! - (encoded.marginals[order[low]!]! + encoded.marginals[order[high]!]!) / 2) ** 2;
  };
}

function computeExpectedSum(encoded: EncodedUnits, level: AlphaLevel, distance: (c: number, k: number) => number): number {
  const { marginals, categories } = encoded;
  let n = 0;
  for (const count of marginals) n += count;
  if (level === 'nominal') {
    let squares = 0;
    for (const count of marginals) squares += count * count;
    return n * n - squares;
  }
  if (level === 'interval') {
    let sum = 0;
    let sumSq = 0;
    marginals.forEach((count, c) => {
      const v = Number(categories[c]);
      sum += count * v;
      sumSq += count * v * v;
    });
    return 2 * n * sumSq - 2 * sum * sum;
  }
  let total = 0;
  for (let c = 0; c < marginals.length; c++) {
    for (let k = c + 1; k < marginals.length; k++) total += 2 * marginals[c]! * marginals[k]! * distance(c, k);
  }
  return total;
}

/** `units` is units × coders; null or undefined marks a value the coder did not give. */
export function krippendorffAlpha(units: readonly (readonly (Label | null | undefined)[])[], level: AlphaLevel): AlphaResult {
  const encoded = encodeUnits(units, level);
  const { values, offsets } = encoded;
  const n = values.length;
  const pairableUnits = offsets.length - 1;
  const distance = createDistance(encoded, level);
  let observedSum = 0;
  for (let u = 0; u < pairableUnits; u++) {
    const start = offsets[u]!;
    const end = offsets[u + 1]!;
    let unitSum = 0;
    for (let i = start; i < end; i++) {
      for (let j = i + 1; j < end; j++) unitSum += distance(values[i]!, values[j]!);
    }
    observedSum += (2 * unitSum) / (end - start - 1);
  }
  const observedDisagreement = n > 0 ? observedSum / n : Number.NaN;
  const expectedDisagreement = n > 1 ? computeExpectedSum(encoded, level, distance) / (n * (n - 1)) : Number.NaN;
  const alpha = expectedDisagreement > 0 ? 1 - observedDisagreement / expectedDisagreement : Number.NaN;
  return { alpha, observedDisagreement, expectedDisagreement, pairableValues: n, pairableUnits };
}
