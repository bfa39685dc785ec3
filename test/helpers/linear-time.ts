import { expect } from 'vitest';

/** Times `work` once, in ms. */
function timeOnce(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
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
  // Interleaved, best of each: a burst of load on the machine slows one run, not all of one size.
  let smallMs = Infinity;
  let largeMs = Infinity;
  for (let round = 0; round < 5; round++) {
    smallMs = Math.min(smallMs, timeOnce(() => scan(small)));
    largeMs = Math.min(largeMs, timeOnce(() => scan(large)));
  }
  expect(largeMs).toBeLessThan(ceilingMs);
  // 5 ms of slack: tiny timings are mostly noise.
  expect(largeMs, `${units} units took ${smallMs.toFixed(1)} ms, ${units * 4} took ${largeMs.toFixed(1)} ms`).toBeLessThan(smallMs * 12 + 5);
}
