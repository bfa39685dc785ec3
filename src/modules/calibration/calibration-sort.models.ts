// Orders a million scores in tens of milliseconds. A comparator sort of indices, or a
// binary search per item into the sorted scores, is dominated by cache misses at this size
// (seconds, measured); an LSD radix sort reads sequentially and writes to few streams.
// Scores are ≥ 0, and for non-negative IEEE-754 doubles the bit pattern, read as an
// unsigned integer, orders like the number itself. Each item's payload travels with its
// score, so the caller never reads its inputs in random order afterwards.

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LOW_WORD = IS_LITTLE_ENDIAN ? 0 : 1;
const HIGH_WORD = 1 - LOW_WORD;
const DIGIT_BITS = 11;
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;
const PASSES = Math.ceil(64 / DIGIT_BITS);

export interface SortedScores {
  /** The scores, highest first; equal scores keep their input order. */
  scores: Float64Array;
  /** payload[i] travelled with score[i]. */
  payload: Float64Array;
}

/** Bits [shift, shift + DIGIT_BITS) of the 64-bit key (high:low). */
function readDigit(low: number, high: number, shift: number): number {
  if (shift >= 32) return (high >>> (shift - 32)) & DIGIT_MASK;
  if (shift + DIGIT_BITS <= 32) return (low >>> shift) & DIGIT_MASK;
  return ((low >>> shift) | (high << (32 - shift))) & DIGIT_MASK;
}

/** Sorts non-negative scores (−0 must already be normalised to +0) highest first, carrying a payload. */
export function sortScoresDescending(score: Float64Array, payload: Float64Array): SortedScores {
  const n = score.length;
  const words = new Uint32Array(score.buffer, score.byteOffset, n * 2);
  let low = new Uint32Array(n);
  let high = new Uint32Array(n);
  let carried = Float64Array.from(payload);
  let nextLow = new Uint32Array(n);
  let nextHigh = new Uint32Array(n);
  let nextCarried = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    low[i] = words[2 * i + LOW_WORD]!;
    high[i] = words[2 * i + HIGH_WORD]!;
  }
  const counts = new Uint32Array(DIGIT_MASK + 1);
  for (let pass = 0; pass < PASSES && n > 0; pass++) {
    const shift = pass * DIGIT_BITS;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[readDigit(low[i]!, high[i]!, shift)]! += 1;
    // A digit shared by every item (common in the exponent bits) leaves the order unchanged.
    if (counts[readDigit(low[0]!, high[0]!, shift)] === n) continue;
    let start = 0;
    for (let digit = DIGIT_MASK; digit >= 0; digit--) {
      const count = counts[digit]!;
      counts[digit] = start;
      start += count;
    }
    for (let i = 0; i < n; i++) {
      const position = counts[readDigit(low[i]!, high[i]!, shift)]!++;
      nextLow[position] = low[i]!;
      nextHigh[position] = high[i]!;
      nextCarried[position] = carried[i]!;
    }
    [low, nextLow] = [nextLow, low];
    [high, nextHigh] = [nextHigh, high];
    [carried, nextCarried] = [nextCarried, carried];
  }
  const scores = new Float64Array(n);
  const sortedWords = new Uint32Array(scores.buffer);
  for (let i = 0; i < n; i++) {
    sortedWords[2 * i + LOW_WORD] = low[i]!;
    sortedWords[2 * i + HIGH_WORD] = high[i]!;
  }
  return { scores, payload: carried };
}
