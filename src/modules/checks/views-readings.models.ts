// Readings: views that re-read a text the way a model would, so that wording disguised for a
// regex still reads as wording. Only the injection rules scan them (a leak detector would only
// find noise in a ROT13 reading), and each is built only when a cheap gate says the text could
// need it, so ordinary text costs a few regex tests and no copy:
// - skeleton: Unicode confusables (UTS #39 data) and accents folded to the Latin letters they
//   imitate, when a word mixes ASCII letters with look-alikes ("Ignоre" with a Cyrillic о);
// - leet: "1gn0r3 4ll pr3v10u5", "i g n o r e" and "ig-nore pre*vious" folded back, when the text
//   has such words;
// - rot13, reversed, reversed_words: when the text asks for decoding or is full of the ROT13
//   or mirrored forms of the commonest English words.
// Every reading keeps, per UTF-16 unit, the original range it came from.

import type { TextView } from './checks.models.ts';
import { foldConfusable, foldLeet, isAccentFold, isInstructionWord, segmentWords, SMALL_CAPITAL } from './views-folding.models.ts';

/** A reading's text and, per UTF-16 unit, the original range [from, to) it came from. */
interface Layer {
  text: string;
  from: Int32Array;
  to: Int32Array;
}

class LayerBuilder {
  private parts: string[] = [];
  private from: number[] = [];
  private to: number[] = [];

  /** Appends `piece`, every unit of which maps to the source layer's units [start, end). */
  push(piece: string, source: Layer, start: number, end: number): void {
    if (piece.length === 0) return;
    this.parts.push(piece);
    const from = source.from[start] ?? 0;
    const to = source.to[Math.max(start, end - 1)] ?? from;
    for (let k = 0; k < piece.length; k++) {
      this.from.push(from);
      this.to.push(to);
    }
  }

  /** Appends the source layer's units [start, end) unchanged, each keeping its own range. */
  copy(source: Layer, start: number, end: number): void {
    if (end <= start) return;
    this.parts.push(source.text.slice(start, end));
    for (let k = start; k < end; k++) {
      this.from.push(source.from[k] ?? 0);
      this.to.push(source.to[k] ?? 0);
    }
  }

  finish(): Layer {
    return { text: this.parts.join(''), from: Int32Array.from(this.from), to: Int32Array.from(this.to) };
  }
}

// ---- Gates: cheap tests on the text before any reading is built ----

const NON_ASCII_ALL = /[\u0080-\uffff]/g;
const LETTER_OR_MARK_CHAR = /^[\p{L}\p{M}]$/u;
const ASCII_LETTER = /^[A-Za-z]$/;

/**
 * A non-ASCII letter or mark right beside an ASCII letter: a word that mixes scripts or
 * accents. Jumps from one non-ASCII character to the next (a /u regex over the whole text
 * costs several times more, and most texts have a few non-ASCII symbols such as € or —).
 */
function hasLetterBesideAscii(text: string): boolean {
  NON_ASCII_ALL.lastIndex = 0;
  let smallCapitals = 0;
  for (let m = NON_ASCII_ALL.exec(text); m !== null; m = NON_ASCII_ALL.exec(text)) {
    // A sentence in small capitals ("ɪɢɴᴏʀᴇ ᴀʟʟ") has no ASCII letter beside them.
    if (SMALL_CAPITAL.test(m[0]) && ++smallCapitals >= 4) return true;
    const at = m.index;
    if (!ASCII_LETTER.test(text[at - 1] ?? '') && !ASCII_LETTER.test(text[at + 1] ?? '')) continue;
    if (LETTER_OR_MARK_CHAR.test(m[0])) return true;
  }
  return false;
}
/**
 * A leet digit or symbol between ASCII letters ("pr3v10us", "1gn0re"), and four single
 * characters separated by one space, dot, dash, underscore or star ("i g n o r e"). Two plain
 * regexes, each of which rejects an ordinary position at its first or second character: one
 * alternation of both tried every pattern at every offset. ASCII classes only: a /u regex costs
 * several times more on every text.
 */
const LEET_WORD = /[A-Za-z][0134578@$|!+]+[A-Za-z]/g;
// `(?:^|[^A-Za-z0-9])X.X.X.X(?![A-Za-z0-9])`, but starting at the first separator and checking
// behind it for the first character and its boundary: V8 then tries only the offsets of a
// separator, which halves the cost on a 2.4 KB text.
const SPACED_CHARS = /[ .\-_*][A-Za-z0-9@$][ .\-_*][A-Za-z0-9@$][ .\-_*](?<=(?:^|[^A-Za-z0-9])[A-Za-z0-9@$][ .\-_*][A-Za-z0-9@$][ .\-_*][A-Za-z0-9@$][ .\-_*])[A-Za-z0-9@$](?![A-Za-z0-9])/;

/** Four single characters separated by one space, dot, dash, underscore or star, not inside a longer word. */
export function hasSpacedChars(text: string): boolean {
  return SPACED_CHARS.test(text);
}
/** Wording that asks for decoding. */
const DECODE_CUE = /rot.?13|caesar|cipher|decod|decrypt|revers|backward|mirror|unscrambl|right to left/i;
/** Words of ordinary English prose: a text that has them is not written in ROT13 or mirrored throughout. */
const PLAIN_ENGLISH = / (?:the|and|you|is) /i;
/** The ROT13 forms of common English words, and their mirrored forms. */
const ROT13_WORDS = /\b(?:gur|naq|lbh|lbhe|guvf|gung|jvgu|sbe|nyy|abj|vtaber|cerivbhf|vafgehpgvbaf|flfgrz|cebzcg|fnl|cevag|gryy|erirny)\b/gi;
const MIRRORED_WORDS = /\b(?:eht|dna|uoy|ruoy|siht|taht|htiw|rof|lla|won|erongi|suoiverp|snoitcurtsni|metsys|tpmorp|yas|tnirp|llet|laever)\b/gi;

/** A dash, star, underscore or middle dot inside a word ("ig-nore", "pre*vious"). */
const WORD_SEPARATOR = /[-*_·](?=[A-Za-z0-9@$!|])/g;
const TOKEN_CHAR = /[A-Za-z0-9@$!|+]/;
const TOKEN_OR_SEPARATOR = /[A-Za-z0-9@$!|+*_·-]/;
const SEPARATORS = /[-*_·]/g;

/**
 * Two words of instructions split by a separator ("ig-nore … pre-vious"): jumps from separator to
 * separator, so prose with its "e-mail" and "well-known" costs a few lookups.
 */
function hasSplitInstructionWords(text: string): boolean {
  let found = 0;
  WORD_SEPARATOR.lastIndex = 0;
  for (let m = WORD_SEPARATOR.exec(text); m !== null; m = WORD_SEPARATOR.exec(text)) {
    if (!TOKEN_CHAR.test(text[m.index - 1] ?? '')) continue;
    let start = m.index;
    while (start > 0 && TOKEN_OR_SEPARATOR.test(text[start - 1] ?? '')) start--;
    let end = m.index + 1;
    while (end < text.length && TOKEN_OR_SEPARATOR.test(text[end] ?? '')) end++;
    if (isInstructionWord(foldLeet(text.slice(start, end).replace(SEPARATORS, '')).toLowerCase()) && ++found >= 2) return true;
    WORD_SEPARATOR.lastIndex = end;
  }
  return false;
}

/** Two leet words, one run of spaced letters, or two words split by separators. */
function hasLeetOrSpacing(text: string): boolean {
  if (hasSpacedChars(text) || hasSplitInstructionWords(text)) return true;
  LEET_WORD.lastIndex = 0;
  return LEET_WORD.test(text) && LEET_WORD.test(text);
}

function countDistinct(pattern: RegExp, text: string, enough: number): boolean {
  const seen = new Set<string>();
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    seen.add(m[0].toLowerCase());
    if (seen.size >= enough) return true;
  }
  return false;
}

// ---- Readings ----

function layerOf(view: TextView): Layer {
  const from = new Int32Array(view.text.length);
  const to = new Int32Array(view.text.length);
  for (let i = 0; i < view.text.length; i++) {
    const range = view.toOriginal(i, i + 1);
    from[i] = range.start;
    to[i] = range.end;
  }
  return { text: view.text, from, to };
}

const WORD_CHAR = /[\p{L}\p{M}]/u;

/**
 * Accents are part of French or Spanish spelling ("olvidé" is not "olvide"); they are read as
 * decoration only in a word where a third of the letters or more carry them ("ìgnòrè", Zalgo text).
 */
function isMostlyAccented(text: string, at: number): boolean {
  let start = at;
  let end = at + 1;
  while (start > 0 && WORD_CHAR.test(text[start - 1] ?? '')) start--;
  while (end < text.length && WORD_CHAR.test(text[end] ?? '')) end++;
  let accented = 0;
  let letters = 0;
  for (const char of text.slice(start, end)) {
    if (/\p{M}/u.test(char)) continue;
    letters++;
    if (char.normalize('NFD').length > 1 || char.charCodeAt(0) >= 0x80) accented++;
  }
  return accented * 3 >= letters;
}

/** Look-alike letters replaced one code point at a time; undefined when nothing changes. */
function foldSkeleton(layer: Layer): Layer | undefined {
  const out = new LayerBuilder();
  let changed = false;
  let copied = 0;
  const text = layer.text;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    if (code >= 0x80) {
      const char = text.slice(i, i + width);
      const folded = foldConfusable(char);
      if (folded !== undefined && (!isAccentFold(char) || isMostlyAccented(text, i))) {
        out.copy(layer, copied, i);
        out.push(folded, layer, i, i + width);
        copied = i + width;
        changed = true;
      }
    }
    i += width;
  }
  if (!changed) return undefined;
  out.copy(layer, copied, text.length);
  return out.finish();
}

const SPACED_RUN = /(?<![\p{L}\p{N}])[A-Za-z0-9@$!|](?:[ .\-_*][A-Za-z0-9@$!|]){2,}(?![\p{L}\p{N}])/gu;
const LEET_TOKEN = /[A-Za-z0-9@$!|+]+(?:[-*_·][A-Za-z0-9@$!|+]+)*/g;
const LEET_PART = /[A-Za-z0-9@$!|+]+/g;

/** Spaced letters joined (and split into words when nothing else separates them), then leet folded. */
function foldLeetAndSpacing(layer: Layer): Layer | undefined {
  const joined = new LayerBuilder();
  let copied = 0;
  SPACED_RUN.lastIndex = 0;
  for (let m = SPACED_RUN.exec(layer.text); m !== null; m = SPACED_RUN.exec(layer.text)) {
    joined.copy(layer, copied, m.index);
    const letters = m[0].replace(/[ .\-_*]/g, '');
    const breaks = letters.length >= 8 ? segmentWords(foldLeet(letters.toLowerCase())) : new Set<number>();
    for (let k = 0; k < letters.length; k++) {
      const at = m.index + 2 * k;
      joined.push(letters[k] ?? '', layer, at, at + 1);
      if (breaks.has(k + 1)) joined.push(' ', layer, at + 1, at + 2);
    }
    copied = m.index + m[0].length;
  }
  joined.copy(layer, copied, layer.text.length);
  const spaced = joined.finish();

  const out = new LayerBuilder();
  copied = 0;
  LEET_TOKEN.lastIndex = 0;
  for (let m = LEET_TOKEN.exec(spaced.text); m !== null; m = LEET_TOKEN.exec(spaced.text)) {
    const token = m[0];
    const joined = token.replace(SEPARATORS, '');
    const joinedFolded = joined.length < token.length ? foldLeet(joined) : '';
    if (joinedFolded !== '' && isInstructionWord(joinedFolded.toLowerCase())) {
      // "ig-nore" reads as "ignore": each letter keeps its own unit, the separators drop out.
      out.copy(spaced, copied, m.index);
      let k = 0;
      for (let j = 0; j < token.length; j++) if (!'-*_·'.includes(token[j] ?? '')) out.push(joinedFolded[k++] ?? '', spaced, m.index + j, m.index + j + 1);
      copied = m.index + token.length;
      continue;
    }
    // Otherwise each part on its own, the same length as the token.
    const folded = joined.length < token.length ? token.replace(LEET_PART, (part) => foldLeet(part)) : foldLeet(token);
    if (folded === token) continue;
    out.copy(spaced, copied, m.index);
    for (let k = 0; k < folded.length; k++) out.push(folded[k] ?? '', spaced, m.index + k, m.index + k + 1);
    copied = m.index + token.length;
  }
  out.copy(spaced, copied, spaced.text.length);
  const result = out.finish();
  return result.text === layer.text ? undefined : result;
}

function rotate13(layer: Layer): Layer {
  const text = layer.text.replace(/[A-Za-z]/g, (char) => {
    const base = char <= 'Z' ? 65 : 97;
    return String.fromCharCode(((char.charCodeAt(0) - base + 13) % 26) + base);
  });
  return { text, from: layer.from, to: layer.to };
}

/** Code points of layer.text[start, end) in reverse order, appended to `out`. */
function pushReversed(out: LayerBuilder, layer: Layer, start: number, end: number): void {
  for (let i = end; i > start; ) {
    const low = layer.text.charCodeAt(i - 1);
    const width = low >= 0xdc00 && low <= 0xdfff && i - 2 >= start ? 2 : 1;
    out.push(layer.text.slice(i - width, i), layer, i - width, i);
    i -= width;
  }
}

function reverseAll(layer: Layer): Layer {
  const out = new LayerBuilder();
  pushReversed(out, layer, 0, layer.text.length);
  return out.finish();
}

/** Each word mirrored in place, word order kept: "erongi lla" → "ignore all". */
function reverseWords(layer: Layer): Layer {
  const out = new LayerBuilder();
  const word = /[\p{L}\p{N}'’]+/gu;
  let copied = 0;
  for (let m = word.exec(layer.text); m !== null; m = word.exec(layer.text)) {
    out.copy(layer, copied, m.index);
    pushReversed(out, layer, m.index, m.index + m[0].length);
    copied = m.index + m[0].length;
  }
  out.copy(layer, copied, layer.text.length);
  return out.finish();
}

function createLayerView(name: TextView['name'], { text, from, to }: Layer): TextView {
  return {
    name,
    text,
    toOriginal(start, end) {
      const s = Math.max(0, Math.min(start, text.length));
      const e = Math.max(s, Math.min(end, text.length));
      if (s < e) {
        // Mirrored readings run backwards through the original: the span is the units' hull.
        let lo = from[s] ?? 0;
        let hi = to[s] ?? 0;
        for (let k = s + 1; k < e; k++) {
          lo = Math.min(lo, from[k] ?? lo);
          hi = Math.max(hi, to[k] ?? hi);
        }
        return { start: lo, end: hi };
      }
      const at = s < text.length ? (from[s] ?? 0) : (to[text.length - 1] ?? 0);
      return { start: at, end: at };
    },
  };
}

/** Longer texts are not re-read: an attack is short, and the budget per event is fixed. */
const MAX_READING_CHARS = 32 * 1024;

/**
 * The readings of `base` (the normalised view when there is one, else the original). Empty for
 * plain text: each reading is built only when its gate passes.
 */
export function buildReadings(base: TextView): TextView[] {
  const text = base.text;
  if (text.length > MAX_READING_CHARS) return [];
  const hasLookAlikes = hasLetterBesideAscii(text);
  const hasLeet = hasLeetOrSpacing(text);
  const asksDecoding = DECODE_CUE.test(text);
  const isPlainEnglish = !asksDecoding && PLAIN_ENGLISH.test(text);
  const hasRot13 = asksDecoding || (!isPlainEnglish && countDistinct(ROT13_WORDS, text, 2));
  const hasMirrored = asksDecoding || (!isPlainEnglish && countDistinct(MIRRORED_WORDS, text, 2));
  if (!hasLookAlikes && !hasLeet && !hasRot13 && !hasMirrored) return [];

  const readings: TextView[] = [];
  let layer = layerOf(base);
  const skeleton = hasLookAlikes ? foldSkeleton(layer) : undefined;
  if (skeleton !== undefined) {
    readings.push(createLayerView('skeleton', skeleton));
    layer = skeleton;
  }
  const leet = hasLeet || skeleton !== undefined ? foldLeetAndSpacing(layer) : undefined;
  if (leet !== undefined) readings.push(createLayerView('leet', leet));
  if (hasRot13) readings.push(createLayerView('rot13', rotate13(layer)));
  if (hasMirrored) {
    readings.push(createLayerView('reversed', reverseAll(layer)));
    readings.push(createLayerView('reversed_words', reverseWords(layer)));
  }
  return readings;
}
