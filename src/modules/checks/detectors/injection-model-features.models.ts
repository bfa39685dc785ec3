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
// A word that is a form in the concept lexicon (injection-concepts.models.ts) adds one feature per
// concept it names, and one for the pair of its concept and the concept seen a few words before it
// ("Écris … poème" is WRITE·ARTEFACT, as "write … poem" is): features shared by every language.
//
// Training and scoring share this one function, so they cannot disagree on a feature.

import { CONCEPT_LEXICON, CONCEPTS } from './injection-concepts.models.ts';

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

/**
 * A concept pairs with the last one seen at most this many words before it (or, in the languages
 * written without spaces, this many units: about as many words of two or three characters).
 */
const PAIR_WORDS = 6;
const PAIR_UNITS = 16;
const CONCEPT_SALT = 0x27220a95;

interface ConceptTable {
  /** Open-addressed by word hash: the word's hash and the bit mask of its concepts (0: empty slot). */
  keys: Int32Array;
  masks: Int32Array;
  /** Per concept, its bucket; per ordered pair (32 × first + second), the pair's. */
  single: Int32Array;
  pairs: Int32Array;
}

function buildConceptTable(field: ModelField): ConceptTable {
  const size = 1 << Math.ceil(Math.log2(Math.max(16, CONCEPT_LEXICON.words.size * 4)));
  const keys = new Int32Array(size);
  const masks = new Int32Array(size);
  for (const [form, mask] of CONCEPT_LEXICON.words) {
    let hash = SEEDS[field].word;
    let ok = true;
    for (let i = 0; i < form.length; i++) {
      const code = foldUnit(form.charCodeAt(i));
      if (code === 0) ok = false;
      hash = Math.imul(hash ^ code, FNV_PRIME);
    }
    // A form with a separator inside can never be one word of the text.
    if (!ok) continue;
    let slot = mixSlot(hash, size);
    while (masks[slot] !== 0 && keys[slot] !== hash) slot = (slot + 1) & (size - 1);
    keys[slot] = hash;
    masks[slot] = masks[slot]! | mask;
  }
  const seed = SEEDS[field].word ^ CONCEPT_SALT;
  const single = Int32Array.from(CONCEPTS, (_, index) => wordBucket(Math.imul(seed ^ (index + 1), FNV_PRIME) >>> 0));
  const pairs = Int32Array.from({ length: 32 * 32 }, (_, index) => wordBucket(Math.imul(seed ^ (0x10000 + index), FNV_PRIME) >>> 0));
  return { keys, masks, single, pairs };
}

function mixSlot(hash: number, size: number): number {
  return (hash ^ (hash >>> 16)) & (size - 1);
}

/** The concepts of a word, by its hash (as forEachFeature computes it for the field): a bit mask, 0 for most words. */
function conceptsOf(table: ConceptTable, word: number): number {
  const size = table.keys.length;
  const key = word | 0;
  for (let slot = mixSlot(key, size); table.masks[slot] !== 0; slot = (slot + 1) & (size - 1)) if (table.keys[slot] === key) return table.masks[slot]!;
  return 0;
}

/** Where the last concept was seen: its index (-1: none yet) and its place (a word's number, or a unit's offset). */
interface ConceptTrail {
  last: number;
  at: number;
}

/** The index of the lowest concept in a mask. */
function lowestConcept(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

/** The bucket of every concept in a mask, for evidence. */
function listConceptBuckets(table: ConceptTable, mask: number): number[] {
  const buckets: number[] = [];
  for (let rest = mask; rest !== 0; rest &= rest - 1) buckets.push(table.single[lowestConcept(rest)]!);
  return buckets;
}

/** A word's features as a concept, when it is a form of the lexicon; `index` is its number among the text's words. */
function emitWordConcepts(table: ConceptTable, word: number, position: number, index: number, trail: ConceptTrail, sink: FeatureSink): void {
  const concepts = conceptsOf(table, word);
  if (concepts !== 0) emitConcepts(table, concepts, position, index, PAIR_WORDS, trail, sink);
}

/** Emits a word's or substring's concepts, and the pair of its first concept with the last one seen within `reach`. */
function emitConcepts(table: ConceptTable, mask: number, position: number, at: number, reach: number, trail: ConceptTrail, sink: FeatureSink): void {
  const first = lowestConcept(mask);
  for (let rest = mask; rest !== 0; rest &= rest - 1) sink(table.single[lowestConcept(rest)]!, position);
  if (trail.last >= 0 && at - trail.at <= reach) sink(table.pairs[trail.last * 32 + first]!, position);
  trail.last = first;
  trail.at = at;
}

/** Scripts whose forms are substrings: Thai, kana, CJK ideographs, Hangul. */
const UNSPACED_SCRIPT = /[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

/**
 * The substring forms by their first unit, longest first, behind two bit sets: the units that
 * start a form, and (hashed) the first two units of every form (each has two or more). A text is
 * scanned once, and at most offsets, two reads of 8 KB tables say that no form starts there (a
 * table indexed by unit, 256 KB, missed the cache at every ideograph: 10 µs per KB of Chinese).
 */
const UNSPACED_FORMS = listUnspacedForms();

function pairSlot(first: number, second: number): number {
  return (Math.imul(first, 0x9e37) ^ second) & 0xffff;
}

function hasBit(bits: Uint32Array, index: number): boolean {
  return (bits[index >>> 5]! & (1 << (index & 31))) !== 0;
}

function listUnspacedForms(): { starts: Uint32Array; pairs: Uint32Array; byPair: Map<number, string[]> } {
  const starts = new Uint32Array(1 << 11);
  const pairs = new Uint32Array(1 << 11);
  const byPair = new Map<number, string[]>();
  for (const form of [...CONCEPT_LEXICON.substrings.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1))) {
    const unit = form.charCodeAt(0);
    const pair = pairSlot(unit, form.charCodeAt(1));
    starts[unit >>> 5]! |= 1 << (unit & 31);
    pairs[pair >>> 5]! |= 1 << (pair & 31);
    const key = unit * 0x10000 + form.charCodeAt(1);
    byPair.set(key, [...(byPair.get(key) ?? []), form]);
  }
  return { starts, pairs, byPair };
}

/** The longest form that starts at offset `at` of `text`, if any. */
function formAt(text: string, at: number): string | undefined {
  const { starts, pairs, byPair } = UNSPACED_FORMS;
  const unit = text.charCodeAt(at);
  if (!hasBit(starts, unit)) return undefined;
  const next = text.charCodeAt(at + 1);
  if (!hasBit(pairs, pairSlot(unit, next))) return undefined;
  const candidates = byPair.get(unit * 0x10000 + next);
  if (candidates === undefined) return undefined;
  for (const candidate of candidates) if (text.startsWith(candidate, at)) return candidate;
  return undefined;
}

/** Calls `visit` with each form found as a substring (longest first, not overlapping) in a text that holds a script written without spaces. */
function forEachUnspacedForm(text: string, visit: (form: string, at: number) => void): void {
  if (!UNSPACED_SCRIPT.test(text)) return;
  for (let i = 0; i < text.length; ) {
    const form = formAt(text, i);
    if (form === undefined) {
      i++;
      continue;
    }
    visit(form, i);
    i += form.length;
  }
}

/** The concept features of the forms found as substrings. */
function forEachUnspacedConcept(text: string, table: ConceptTable, sink: FeatureSink): void {
  const trail: ConceptTrail = { last: -1, at: 0 };
  forEachUnspacedForm(text, (form, at) => emitConcepts(table, CONCEPT_LEXICON.substrings.get(form)!, at, at, PAIR_UNITS, trail, sink));
}

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
export function forEachFeature(text: string, field: ModelField, sink: FeatureSink): void {
  const folded = foldText(text);
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
  // Word unigrams and bigrams, and the words' concepts.
  const table = CONCEPT_TABLES[field];
  const trail: ConceptTrail = { last: -1, at: 0 };
  let words = 0;
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
    emitWordConcepts(table, word, start, words, trail, sink);
    words++;
    previous = word;
    hasPrevious = true;
  }
  forEachUnspacedConcept(text, table, sink);
}

/** Per ASCII code: its folded unit (letters lower-cased, digits kept) or 0; the common case of foldUnit without its branches. */
const ASCII_FOLDED = new Uint16Array(128);
for (let code = 0; code < 128; code++) ASCII_FOLDED[code] = foldUnit(code);

const CONCEPT_TABLES: Record<ModelField, ConceptTable> = { input: buildConceptTable('input'), context: buildConceptTable('context') };

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
  // Concepts are rare (a few words in a hundred): they go through a sink, the n-grams inline.
  const table = CONCEPT_TABLES[field];
  const trail: ConceptTrail = { last: -1, at: 0 };
  const sink: FeatureSink = (bucket, position) => {
    sums[position + 1]! += weights[bucket]!;
    counts[position + 1]!++;
  };
  let words = 0;
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
      emitWordConcepts(table, word >>> 0, wordAt, words, trail, sink);
      words++;
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
  if (last !== 32) {
    addWord(word >>> 0, wordAt, hasPrevious, previousWord, weights, sums, counts);
    emitWordConcepts(table, word >>> 0, wordAt, words, trail, sink);
  }
  forEachUnspacedConcept(text, table, sink);
}

/** A word's unigram and, after the first word, its pair with the previous one, at the word's offset. */
function addWord(word: number, at: number, hasPrevious: boolean, previous: number, weights: Int8Array, sums: Float64Array, counts: Int32Array): void {
  let sum = weights[wordBucket(word)]!;
  if (hasPrevious) sum += weights[pairBucket(previous, word)]!;
  sums[at + 1]! += sum;
  counts[at + 1]! += hasPrevious ? 2 : 1;
}

/**
 * The readable n-grams (words and word pairs) of a span with their buckets, for evidence; a word
 * of the concept lexicon once more per concept, so "poème" is shown for what ARTEFACT weighs.
 */
export function listWordGrams(text: string, field: ModelField): { gram: string; bucket: number }[] {
  const folded = foldText(text);
  const table = CONCEPT_TABLES[field];
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
    for (const bucket of listConceptBuckets(table, conceptsOf(table, word))) grams.push({ gram: text.slice(start, i).toLowerCase(), bucket });
    if (previous) grams.push({ gram: text.slice(previous.start, i).toLowerCase().replace(/\s+/g, ' '), bucket: pairBucket(previous.word, word) });
    previous = { word, start, end: i };
  }
  forEachUnspacedForm(text, (form) => {
    for (const bucket of listConceptBuckets(table, CONCEPT_LEXICON.substrings.get(form)!)) grams.push({ gram: form, bucket });
  });
  return grams;
}
