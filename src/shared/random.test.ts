import { describe, expect, it } from 'vitest';
import { createSeededRandom } from './random.ts';

describe('createSeededRandom', () => {
  it('repeats the same sequence for the same seed and a different one for another seed', () => {
    const first = createSeededRandom(42);
    const second = createSeededRandom(42);
    const other = createSeededRandom(43);
    const a = Array.from({ length: 5 }, () => first());
    expect(Array.from({ length: 5 }, () => second())).toEqual(a);
    expect(Array.from({ length: 5 }, () => other())).not.toEqual(a);
  });

  it('stays in [0, 1) with a uniform mean and spread', () => {
    const rng = createSeededRandom(7);
    const n = 100_000;
    let sum = 0;
    let belowTenth = 0;
    let outOfRange = 0;
    for (let i = 0; i < n; i += 1) {
      const u = rng();
      if (!(u >= 0 && u < 1)) outOfRange += 1;
      sum += u;
      if (u < 0.1) belowTenth += 1;
    }
    expect(outOfRange).toBe(0);
    // Uniform: mean 1/2 with standard error sqrt(1/12 / n); P(u < 0.1) = 0.1.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(belowTenth / n - 0.1)).toBeLessThan(4 * Math.sqrt((0.1 * 0.9) / n));
  });
});
