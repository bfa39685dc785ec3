// Randomness is a parameter of every domain function (`rng: () => number`), so tests and
// replays can run the exact same draws. Production passes `Math.random`; tests pass this.

/**
 * A seeded uniform generator on [0, 1) (mulberry32: 32-bit state, period 2^32). Good enough
 * for sampling tests and simulations; not for anything that must be unpredictable.
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
