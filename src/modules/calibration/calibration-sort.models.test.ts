import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../shared/random.ts';
import { sortScoresDescending } from './calibration-sort.models.ts';

describe('sortScoresDescending', () => {
  it('orders scores like a numeric sort, including 0, 1, ties and subnormal values', () => {
    const rng = createSeededRandom(21);
    const special = [0, 1, 5e-324, 1e-300, 0.5, 0.5, 0.1 + 0.2, 0.3];
    const values = [...special, ...Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? Math.round(rng() * 100) / 100 : rng()))];
    const { scores } = sortScoresDescending(Float64Array.from(values), new Float64Array(values.length));
    expect([...scores]).toEqual([...Float64Array.from(values).sort()].reverse());
  });

  it('carries each payload with its score and keeps equal scores in input order', () => {
    const { scores, payload } = sortScoresDescending(Float64Array.from([0.2, 0.9, 0.2, 0.5]), Float64Array.from([1, 2, 3, 4]));
    expect([...scores]).toEqual([0.9, 0.5, 0.2, 0.2]);
    expect([...payload]).toEqual([2, 4, 1, 3]);
  });

  it('handles empty input and a single repeated value', () => {
    expect(sortScoresDescending(new Float64Array(0), new Float64Array(0)).scores).toHaveLength(0);
    expect([...sortScoresDescending(Float64Array.from([0.7, 0.7]), Float64Array.from([1, 2])).payload]).toEqual([1, 2]);
  });
});
