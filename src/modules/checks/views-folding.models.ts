// Character folds behind the skeleton and leet readings (views-readings.models.ts).
// Confusables come from Unicode's own table (UTS #39 confusables.txt, via unhomoglyph), not a
// hand list: a Cyrillic о, a Greek ο and a Latin small capital ɪ all fold to the Latin letter
// they imitate. Only letters that fold to ASCII letters are replaced, so punctuation and real
// non-Latin words are left as they are.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** UTS #39 confusables (v13): a character → its prototype, e.g. "о" (U+043E) → "o". */
const CONFUSABLES = require('unhomoglyph/data.json') as Record<string, string>;

const ASCII_LETTERS = /^[A-Za-z]+$/;
const LETTER_OR_MARK = /^[\p{L}\p{M}]/u;
const MARK = /^\p{M}+$/u;
const LATIN_WITH_MARKS = /^([A-Za-z])\p{M}+$/u;
const MAX_CACHED = 4096;

const foldedChars = new Map<string, string | null>();

/**
 * Small capitals that the confusables table leaves out or maps to another letter (it reads ʀ as
 * nothing and ɢ as nothing): "fancy text" generators write whole sentences in them ("ɪɢɴᴏʀᴇ ᴀʟʟ").
 */
const SMALL_CAPITALS: Record<string, string> = {
  'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm',
  'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ǫ': 'q', 'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z',
};
/** Small capitals in a text: enough of them make it a look-alike text even without ASCII letters beside them. */
export const SMALL_CAPITAL = new RegExp(`[${Object.keys(SMALL_CAPITALS).join('')}]`);

function computeFold(char: string): string | null {
  if (!LETTER_OR_MARK.test(char)) return null;
  const small = SMALL_CAPITALS[char];
  if (small !== undefined) return small;
  // Stacked accents ("ì̸g̷n̷o̷r̷e̷") and lone marks fold away; accented Latin letters fold to their base.
  if (MARK.test(char)) return '';
  const prototype = CONFUSABLES[char];
  if (prototype !== undefined && ASCII_LETTERS.test(prototype)) {
    // The table maps capital I look-alikes to "l" (I and l are confusable in ASCII); the
    // lower-case form says which letter was meant: Cyrillic І → і → i.
    if (prototype === 'l' && char !== char.toLowerCase()) {
      const lower = CONFUSABLES[char.toLowerCase()];
      if (lower !== undefined && ASCII_LETTERS.test(lower)) return lower.toUpperCase();
    }
    return prototype;
  }
  const base = LATIN_WITH_MARKS.exec(char.normalize('NFD'));
  return base?.[1] ?? null;
}

/** True when `char` folds only by losing its accents (é → e), not as a look-alike of another script. */
export function isAccentFold(char: string): boolean {
  return CONFUSABLES[char] === undefined || !ASCII_LETTERS.test(CONFUSABLES[char] ?? '');
}

/** The ASCII letters `char` (one code point) imitates, '' for a mark, undefined when it stays. */
export function foldConfusable(char: string): string | undefined {
  let folded = foldedChars.get(char);
  if (folded === undefined) {
    folded = computeFold(char);
    if (foldedChars.size >= MAX_CACHED) foldedChars.clear();
    foldedChars.set(char, folded);
  }
  return folded ?? undefined;
}

const LEET: Record<string, string> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't' };
/** Symbols that end sentences or join words too often to be read as letters at a token's end. */
const INNER_ONLY = new Set(['!', '|', '+']);
const HAS_ASCII_LETTER = /[A-Za-z]/;

/**
 * Leet digits and symbols in a token that has letters, read as letters, one for one (the
 * result has the token's length). "1" reads as "l" beside another 1 ("a11", "wi11"), else as
 * "i" ("1gn0re", "p0l1cy").
 */
export function foldLeet(token: string): string {
  if (!HAS_ASCII_LETTER.test(token)) return token;
  const folded = foldLeetInner(token);
  // "|gn0r3", "!nstructions": a symbol at the edge reads as "i" when that makes a word of instructions.
  if (INNER_ONLY.has(token[0] ?? '') || INNER_ONLY.has(token[token.length - 1] ?? '')) {
    const edges = folded.replace(/^[!|]/, 'i').replace(/[!|]$/, 'i');
    if (VOCABULARY.has(edges.toLowerCase())) return edges;
  }
  return folded;
}

function foldLeetInner(token: string): string {
  let out = '';
  for (let k = 0; k < token.length; k++) {
    const char = token[k] ?? '';
    const atEdge = k === 0 || k === token.length - 1;
    if (char === '1') {
      out += token[k - 1] === '1' || token[k + 1] === '1' ? 'l' : 'i';
    } else if (LEET[char] !== undefined && !(atEdge && INNER_ONLY.has(char))) {
      out += LEET[char];
    } else {
      out += char;
    }
  }
  return out;
}

/** Words a run of spaced letters is split into: common English and the words of instructions to a model. */
const VOCABULARY = new Set(
  `a i an the and or but if then so to of in on at by for with from as is are was were be been am it its this that these those
  you your yours me my we our us they them their he she his her him all any every each no not nor now new old only just also
  do does did done don't can could will would shall should must may might have has had get got let make say tell show give
  print write output reply respond answer repeat reveal ignore disregard forget skip override bypass stop start begin continue
  follow obey previous prior above earlier before original initial instruction instructions rule rules prompt prompts system
  message messages guideline guidelines policy policies filter filters restriction restrictions limit limits mode developer
  admin root access secret secrets password passwords key keys token data everything anything nothing something what which
  who how why when where there here about into over under after again own other more most very act pretend role play like
  as unrestricted unfiltered jailbreak dan free enable enabled disable disabled send email forward post link url image code
  run execute include summary summarize summarise translate document text above below following instead ai assistant model
  chatbot user users human bot safety ethical ethics moral content please reveal hidden internal confidential`.split(/\s+/),
);
/** True when `word` (lower case) is one of the words instructions to a model are made of. */
export function isInstructionWord(word: string): boolean {
  return VOCABULARY.has(word);
}

const MAX_WORD = 13;
const MIN_COVERED_SHARE = 0.8;

/**
 * Where spaces go in letters written without word breaks ("ignoreallpreviousinstructions"):
 * the positions of a split into vocabulary words with the fewest pieces, or none when less
 * than 80 % of the letters fall in known words.
 */
export function segmentWords(letters: string): Set<number> {
  const n = letters.length;
  // cost[i]: fewest pieces for letters[0, i), unknown single letters costing 3 each.
  const cost = new Float64Array(n + 1).fill(Infinity);
  const back = new Int32Array(n + 1);
  cost[0] = 0;
  for (let end = 1; end <= n; end++) {
    for (let start = Math.max(0, end - MAX_WORD); start < end; start++) {
      const known = VOCABULARY.has(letters.slice(start, end));
      if (!known && end - start > 1) continue;
      const next = (cost[start] ?? Infinity) + (known ? 1 : 3);
      if (next < (cost[end] ?? Infinity)) {
        cost[end] = next;
        back[end] = start;
      }
    }
  }
  const breaks = new Set<number>();
  let covered = 0;
  for (let end = n; end > 0; end = back[end] ?? 0) {
    const start = back[end] ?? 0;
    if (VOCABULARY.has(letters.slice(start, end))) covered += end - start;
    if (start > 0) breaks.add(start);
  }
  return covered >= MIN_COVERED_SHARE * n ? breaks : new Set();
}
