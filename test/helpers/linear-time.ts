import { expect } from 'vitest';

/** The best of `runs` timings of `work`, in ms: the least disturbed by other processes. */
function bestTime(work: () => void, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * Checks that `scan` grows linearly with its input: four times the text must cost well under
 * sixteen times as long (what a quadratic scan costs), and the larger run stays under `ceilingMs`
 * (a catastrophic regex takes minutes). A ratio, not a fixed bound alone, so a busy machine slows
 * both sizes and does not fail the test. `makeText(n)` builds a text of about n units.
 */
export function expectLinearTime(scan: (text: string) => void, makeText: (units: number) => string, units: number, ceilingMs = 5_000): void {
  const small = makeText(units);
  const large = makeText(units * 4);
  scan(small); // warm-up: compile the regexes and the JIT before timing
  const smallMs = bestTime(() => scan(small), 3);
  const largeMs = bestTime(() => scan(large), 2);
  expect(largeMs).toBeLessThan(ceilingMs);
  // 2 ms of slack: tiny timings are mostly noise.
  expect(largeMs, `${units} units took ${smallMs.toFixed(1)} ms, ${units * 4} took ${largeMs.toFixed(1)} ms`).toBeLessThan(smallMs * 9 + 2);
}
