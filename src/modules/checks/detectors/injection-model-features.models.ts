// Features of the learned injection model: hashed character 3–5-grams and word 1–2-grams of a
// case-folded view of the text (letters and digits kept, every other run of characters one
// space). Hashing (FNV-1a into 2^16 buckets) keeps the weights a fixed, small array and lets
// unseen wording share evidence with seen wording through its n-grams, which is what makes a
// lexical model generalise beyond the strings it was trained on. Every feature of retrieved
// context gets a salt of its own (SEEDS): "write a poem" is an ordinary request from the user,
// and an instruction planted in a document the assistant reads.
// 2^16 buckets of 8 bits (64 KB) stay in the CPU's cache between events; 2^18 (tried) gave no
// better held-out figures and cost a cache miss per n-gram.
//
// Training and scoring share this one function, so they cannot disagree on a feature.

export const HASH_BITS = 16;
const BUCKET_MASK = (1 << HASH_BITS) - 1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const CHAR_SALT = 0x9e3779b1;
const WORD_SALT = 0x85ebca6b;
const CONTEXT_SALT = 0xc2b2ae35;
// sumFeatureWeights is written out for 3- to 5-grams: a change here must be made there too (its test compares the two per offset).
const MIN_CHAR_GRAM = 3;
const MAX_CHAR_GRAM = 5;
export type ModelField = 'input' | 'context';

/**
 * The seeds of character n-gram and word hashes per field, as 32-bit integers (Math.imul reads
 * them so). Every feature of retrieved context is salted: the two fields learn apart, in one
 * table. Shared features had taught the input model from documents (a security article quoting
 * "ignore previous instructions" is benign context) and the context model from questions; apart,
 * the out-of-source AUC of each training source rose from 0.80 to 0.86 on average.
 */
const SEEDS: Record<ModelField, { char: number; word: number }> = {
  input: { char: (FNV_OFFSET ^ CHAR_SALT) | 0, word: (FNV_OFFSET ^ WORD_SALT) | 0 },
  context: { char: (FNV_OFFSET ^ CHAR_SALT ^ CONTEXT_SALT) | 0, word: (FNV_OFFSET ^ WORD_SALT ^ CONTEXT_SALT) | 0 },
};

function wordBucket(word: number): number {
  return (word ^ (word >>> 13)) & BUCKET_MASK;
}

function pairBucket(previous: number, word: number): number {
  const pair = (Math.imul(previous ^ 0x27d4eb2d, FNV_PRIME) ^ word) >>> 0;
  return (pair ^ (pair >>> 16)) & BUCKET_MASK;
}

/** Per UTF-16 unit: the folded unit, or 0 for a separator. */
const foldedUnits = new Map<number, number>();

function foldUnit(code: number): number {
  if (code < 128) {
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) return code;
    if (code >= 65 && code <= 90) return code + 32;
    return 0;
  }
  let folded = foldedUnits.get(code);
  if (folded === undefined) {
    const char = String.fromCharCode(code);
    // Punctuation, symbols and spaces of every script separate words; letters fold to lower case.
    const lower = /[\p{L}\p{N}\p{M}]/u.test(char) || (code >= 0xd800 && code <= 0xdfff) ? char.toLowerCase() : '';
    folded = lower.length === 1 ? lower.charCodeAt(0) : lower.length === 0 ? 0 : code;
    foldedUnits.set(code, folded);
  }
  return folded;
}

/**
 * The folded text as char codes, one per unit of `text` (0 = separator, runs of separators
 * kept as they are so offsets stay those of `text`).
 */
export function foldText(text: string, into?: Uint16Array): Uint16Array {
  const out = into && into.length >= text.length ? into.subarray(0, text.length) : new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = foldUnit(text.charCodeAt(i));
  return out;
}

/** Called once per feature occurrence with its bucket and the offset in the text where it starts. */
export type FeatureSink = (bucket: number, position: number) => void;

/**
 * Emits every feature of `text`. A separator run counts as one space for character n-grams, so
 * "ignore   all" and "ignore, all" share their n-grams.
 */
export function forEachFeature(folded: Uint16Array, field: ModelField, sink: FeatureSink): void {
  const length = folded.length;
  // Character n-grams over the sequence with separator runs squeezed to one space.
  const squeezed = new Uint16Array(length);
  const origin = new Int32Array(length);
  let size = 0;
  for (let i = 0; i < length; i++) {
    const code = folded[i]!;
    if (code === 0 && (size === 0 || squeezed[size - 1] === 32)) continue;
    squeezed[size] = code === 0 ? 32 : code;
    origin[size++] = i;
  }
  for (let start = 0; start < size; start++) {
    let hash = SEEDS[field].char;
    const end = Math.min(size, start + MAX_CHAR_GRAM);
    for (let k = start; k < end; k++) {
      hash = Math.imul(hash ^ squeezed[k]!, FNV_PRIME);
      if (k - start + 1 >= MIN_CHAR_GRAM) sink((hash ^ (hash >>> 15)) & BUCKET_MASK, origin[start]!);
    }
  }
  // Word unigrams and bigrams.
  let previous = 0;
  let hasPrevious = false;
  for (let i = 0; i < length; ) {
    if (folded[i] === 0) {
      i++;
      continue;
    }
    const start = i;
    let hash = SEEDS[field].word;
    while (i < length && folded[i] !== 0) hash = Math.imul(hash ^ folded[i++]!, FNV_PRIME);
    const word = hash >>> 0;
    sink(wordBucket(word), start);
    if (hasPrevious) sink(pairBucket(previous, word), start);
    previous = word;
    hasPrevious = true;
  }
}

/** Per ASCII code: its folded unit (letters lower-cased, digits kept) or 0; the common case of foldUnit without its branches. */
const ASCII_FOLDED = new Uint16Array(128);
for (let code = 0; code < 128; code++) ASCII_FOLDED[code] = foldUnit(code);

/** Per field, per ASCII unit as squeezed (a separator is 32): the hash of a character n-gram after its first unit. */
const FIRST_UNIT_HASH: Record<ModelField, Int32Array> = { input: listFirstUnitHashes('input'), context: listFirstUnitHashes('context') };

function listFirstUnitHashes(field: ModelField): Int32Array {
  const hashes = new Int32Array(128);
  for (let code = 0; code < 128; code++) hashes[code] = Math.imul(SEEDS[field].char ^ code, FNV_PRIME);
  return hashes;
}

function charGramBucket(hash: number): number {
  return (hash ^ (hash >>> 15)) & BUCKET_MASK;
}

/**
 * The same features as forEachFeature(foldText(text)), written straight into per-offset totals:
 * `sums[p + 1]` gets the (quantised) weights and `counts[p + 1]` the number of features starting
 * at offset p. This is the part of the model that runs on every event, so it reads the text once:
 * each unit is folded and squeezed as it comes, and extends the n-grams still open before it —
 * the one started by the previous unit, and those started two, three and four units back, which
 * it completes as a 3-, 4- and 5-gram. A start's weights add up in locals and are written once,
 * when its 5-gram closes (or at the end). The 8-bit weights are read as stored: a quarter of the
 * memory of floats, and the table's cache misses were most of its cost.
 */
export function sumFeatureWeights(text: string, field: ModelField, weights: Int8Array, sums: Float64Array, counts: Int32Array): void {
  const length = text.length;
  // Open character n-grams, by how many units they hold: hash, offset of their first unit (-1:
  // none open), and for those past three units the weights summed so far.
  let hash1 = 0, hash2 = 0, hash3 = 0, hash4 = 0;
  let at1 = -1, at2 = -1, at3 = -1, at4 = -1;
  let sum3 = 0, sum4 = 0;
  const { char: charSeed, word: wordSeed } = SEEDS[field];
  const firstUnitHash = FIRST_UNIT_HASH[field];
  let word = wordSeed;
  let wordAt = 0;
  let previousWord = 0;
  let hasPrevious = false;
  let last = 32;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    let code = unit < 128 ? ASCII_FOLDED[unit]! : foldUnit(unit);
    if (code !== 0) {
      if (last === 32) wordAt = i;
      word = Math.imul(word ^ code, FNV_PRIME);
    } else {
      // A run of separators is one space; its first unit ends the word before it.
      if (last === 32) continue;
      code = 32;
      addWord(word >>> 0, wordAt, hasPrevious, previousWord, weights, sums, counts);
      previousWord = word >>> 0;
      hasPrevious = true;
      word = wordSeed;
    }
    last = code;
    if (at4 >= 0) {
      const hash5 = Math.imul(hash4 ^ code, FNV_PRIME);
      sums[at4 + 1]! += sum4 + weights[charGramBucket(hash5)]!;
      counts[at4 + 1]! += 3;
    }
    if (at3 >= 0) {
      hash4 = Math.imul(hash3 ^ code, FNV_PRIME);
      sum4 = sum3 + weights[charGramBucket(hash4)]!;
    }
    at4 = at3;
    if (at2 >= 0) {
      hash3 = Math.imul(hash2 ^ code, FNV_PRIME);
      sum3 = weights[charGramBucket(hash3)]!;
    }
    at3 = at2;
    hash2 = Math.imul(hash1 ^ code, FNV_PRIME);
    at2 = at1;
    hash1 = code < 128 ? firstUnitHash[code]! : Math.imul(charSeed ^ code, FNV_PRIME);
    at1 = i;
  }
  // Starts too near the end for a 5-gram keep the 3- and 4-grams they have.
  if (at4 >= 0) {
    sums[at4 + 1]! += sum4;
    counts[at4 + 1]! += 2;
  }
  if (at3 >= 0) {
    sums[at3 + 1]! += sum3;
    counts[at3 + 1]! += 1;
  }
  if (last !== 32) addWord(word >>> 0, wordAt, hasPrevious, previousWord, weights, sums, counts);
}

/** A word's unigram and, after the first word, its pair with the previous one, at the word's offset. */
function addWord(word: number, at: number, hasPrevious: boolean, previous: number, weights: Int8Array, sums: Float64Array, counts: Int32Array): void {
  let sum = weights[wordBucket(word)]!;
  if (hasPrevious) sum += weights[pairBucket(previous, word)]!;
  sums[at + 1]! += sum;
  counts[at + 1]! += hasPrevious ? 2 : 1;
}

/** The readable n-grams (words and word pairs) of a span with their buckets, for evidence. */
export function listWordGrams(text: string, field: ModelField): { gram: string; bucket: number }[] {
  const folded = foldText(text);
  const grams: { gram: string; bucket: number }[] = [];
  let previous: { word: number; start: number; end: number } | undefined;
  for (let i = 0; i < folded.length; ) {
    if (folded[i] === 0) {
      i++;
      continue;
    }
    const start = i;
    let hash = SEEDS[field].word;
    while (i < folded.length && folded[i] !== 0) hash = Math.imul(hash ^ folded[i++]!, FNV_PRIME);
    const word = hash >>> 0;
    grams.push({ gram: text.slice(start, i).toLowerCase(), bucket: wordBucket(word) });
    if (previous) grams.push({ gram: text.slice(previous.start, i).toLowerCase().replace(/\s+/g, ' '), bucket: pairBucket(previous.word, word) });
    previous = { word, start, end: i };
  }
  return grams;
}
