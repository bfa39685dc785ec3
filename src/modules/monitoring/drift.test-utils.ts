// Seeded samples for the drift tests. Every generator uses only operations that are exact or
// correctly rounded in IEEE doubles (sums of k / 2^32, products, floor), so the same seeds in
// Python (mulberry32 ported bit for bit, see docs/drift.md) give the same values, and the
// reference numbers in the tests could be computed with scipy and Evidently's code.

import { createSeededRandom } from '../../shared/random.ts';

/** Approximately normal: mean + scale · (sum of 12 uniforms − 6) (Irwin–Hall). */
export function createNormalSample(seed: number, size: number, mean: number, scale: number): number[] {
  const random = createSeededRandom(seed);
  const values: number[] = [];
  for (let i = 0; i < size; i += 1) {
    let sum = 0;
    for (let k = 0; k < 12; k += 1) sum += random();
    values.push(mean + scale * (sum - 6));
  }
  return values;
}

/** Judge-style scores on five levels {0, 0.25, 0.5, 0.75, 1}; skew > 1 pushes them down. */
export function createFiveLevelScores(seed: number, size: number, skew: number): number[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: size }, () => Math.min(Math.floor(random() ** skew * 5), 4) / 4);
}

/** Categories drawn with the given weights (cumulative, in order). */
export function createCategories(
  seed: number,
  size: number,
  weights: readonly number[],
  names: readonly string[],
): string[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: size }, () => {
    const u = random();
    let cumulative = 0;
    for (let i = 0; i < weights.length; i += 1) {
      cumulative += weights[i] as number;
      if (u < cumulative) return names[i] as string;
    }
    return names[names.length - 1] as string;
  });
}
