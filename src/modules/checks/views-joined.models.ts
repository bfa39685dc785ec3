// The joined view: leaks as answers really contain them. A model that wraps its answer at a
// fixed width, a user who pastes a key from a terminal, a form that groups a card number its
// own way: the secret or number is there, but split by whitespace that no pattern expects.
// This view removes (or folds to one space) only the whitespace *inside token-like runs*, so
// prose is left as it is and most texts get no joined view at all:
// - spaced-out characters: 8+ single characters separated by 1–3 spaces (`4 2 4 2 …`, `s k _ l i v e …`);
// - digit groups: a card number in any grouping or wrapped over lines is written compact when
//   it has 13–19 digits and passes Luhn; other digit runs (phone numbers) that a line break or
//   several spaces split get one space in place of the break;
// - IBAN groups (`DE89 3704 0044` + line break + `0532 0130 00`): written compact;
// - keys wrapped over lines: a line ending in a key-like run (16+ key characters with digits
//   and letters) continues on the next line, indentation removed, when the next line starts
//   with a key-like run; also two key-like halves separated by one space;
// - a hyphen at a line end inside a digit run (`4532-0151-` + line break + `1283-0366`).
// Every unit of the view keeps the original range it came from, so spans stay exact.

import type { TextView } from './checks.models.ts';

/** A view's map back to the original text (undefined: `text` is the original). */
interface BaseMap {
  from: Int32Array;
  to: Int32Array;
}

/** A whitespace gap to change: removed (`replacement` '') or folded to one space. */
interface Edit {
  start: number;
  end: number;
  replacement: '' | ' ';
}

const MIN_SPACED_CHARS = 8;
const MAX_SPACED_GAP = 3;
const MAX_INDENT = 40;
const MIN_KEY_TAIL = 16;
const MIN_KEY_HALF = 8;
const MIN_KEY_HEAD = 4;
const MIN_CARD_DIGITS = 13;
const MAX_CARD_DIGITS = 19;
const MIN_PHONE_DIGITS = 7;
const MAX_PHONE_DIGITS = 15;
const MIN_IBAN = 15;
const MAX_IBAN = 34;
const MAX_DIGIT_GROUP = 15;

/** Per ASCII code: 1 for characters of API keys and tokens (base64 alphabets and `_ - + / =`). */
const KEY_CHARS = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=') KEY_CHARS[char.charCodeAt(0)] = 1;

/** Per ASCII code: 1 for the characters of `chars` (tables, not sets of strings: the chunk pass reads one per chunk). */
function asciiTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const char of chars) table[char.charCodeAt(0)] = 1;
  return table;
}

function isIn(table: Uint8Array, code: number): boolean {
  return code < 128 && table[code] === 1;
}

function isKeyChar(code: number): boolean {
  return code < 128 && KEY_CHARS[code] === 1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

function isLower(code: number): boolean {
  return code >= 97 && code <= 122;
}

function isSpace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

/** How two neighbouring chunks are separated. */
const GAP = { none: 0, single: 1, spaces: 2, wrap: 3, other: 4 } as const;
type Gap = (typeof GAP)[keyof typeof GAP];

function classifyGap(text: string, start: number, end: number): Gap {
  if (start === 0) return GAP.none;
  const length = end - start;
  let newlines = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 0x2028) newlines++;
    else if (code === 11 || code === 12 || code === 0x2029) return GAP.other;
  }
  if (newlines === 0) return length === 1 ? GAP.single : length <= MAX_SPACED_GAP ? GAP.spaces : GAP.other;
  return newlines === 1 && length <= MAX_INDENT + 2 ? GAP.wrap : GAP.other;
}

/** What a key-like run needs: length, and both digits and letters (words have no digits). */
function describeRun(text: string, start: number, end: number): { digits: number; upper: number; lower: number; symbols: number } {
  let digits = 0;
  let upper = 0;
  let lower = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (isDigit(code)) digits++;
    else if (isUpper(code)) upper++;
    else if (isLower(code)) lower++;
  }
  return { digits, upper, lower, symbols: end - start - digits - upper - lower };
}

/** Long enough, and random-looking: digits and letters, or three capitals inside lower case (`hXQCXbinKD`). */
function isKeyLike(text: string, start: number, end: number, minLength: number): boolean {
  if (end - start < minLength) return false;
  const run = describeRun(text, start, end);
  if (run.digits > 0) return run.upper + run.lower > 0;
  const firstUpper = isUpper(text.charCodeAt(start)) ? 1 : 0;
  return run.lower > 0 && run.upper - firstUpper >= 3;
}

/**
 * Both sides of a line break are runs of capitals and digits (base32-like ids and keys such as
 * AWS access key ids, wrapped by a narrow column): joined when long enough and holding a digit,
 * or, without one, when they make an AWS key id exactly (its 16 base32 characters hold no digit
 * once in about 30 keys).
 */
function isUpperKeyWrap(text: string, left: Chunk, right: Chunk): boolean {
  const leftLength = left.end - left.tailStart;
  const rightLength = right.headEnd - right.start;
  if (leftLength < MIN_KEY_HEAD || rightLength < MIN_KEY_HEAD || !isClosingOnly(text, right.headEnd, right.end)) return false;
  const a = describeRun(text, left.tailStart, left.end);
  const b = describeRun(text, right.start, right.headEnd);
  if (a.lower + b.lower + a.symbols + b.symbols > 0) return false;
  if (isWrappedAwsKeyId(text, left.tailStart, leftLength, rightLength)) return true;
  return leftLength >= MIN_KEY_HALF && rightLength >= MIN_KEY_HALF && a.digits + b.digits > 0;
}

/** Prefixes of AWS access key ids: AKIA long-term, ASIA temporary (the ids of users and roles are no credentials). */
const AWS_KEY_ID_PREFIXES = ['AKIA', 'ASIA'];
const AWS_KEY_ID_LENGTH = 20;

function isWrappedAwsKeyId(text: string, leftStart: number, leftLength: number, rightLength: number): boolean {
  return leftLength + rightLength === AWS_KEY_ID_LENGTH && AWS_KEY_ID_PREFIXES.includes(text.slice(leftStart, leftStart + 4));
}

/** An AWS key id's prefix and a line break within its 20 characters: the one wrapped key the digit search cannot see. */
const AWS_KEY_ID_WRAP = new RegExp(String.raw`\b(?:${AWS_KEY_ID_PREFIXES.join('|')})[A-Z2-7]{0,12}[ \t]*\r?\n`);

/**
 * The rest of a key on the next line: the whole chunk (closing quotes and punctuation aside) is
 * key characters with a digit or an inner capital. Words, `snake_case` names and `key:` labels,
 * which start the next line of prose or YAML, are none of these.
 */
function isKeyHead(text: string, chunk: Chunk): boolean {
  const { start, headEnd: end } = chunk;
  if (end - start < MIN_KEY_HEAD || !isClosingOnly(text, end, chunk.end)) return false;
  const run = describeRun(text, start, end);
  if (run.digits > 0) return true;
  const firstUpper = isUpper(text.charCodeAt(start)) ? 1 : 0;
  return run.upper - firstUpper > 0 && run.lower > 0;
}

const CLOSING = asciiTable('"\'`)]},;.');

function isClosingOnly(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isIn(CLOSING, text.charCodeAt(i))) return false;
  return end - start <= 3;
}

/** One non-whitespace chunk and the gap before it. */
interface Chunk {
  start: number;
  end: number;
  gapStart: number;
  gap: Gap;
  /** End of the leading run of key characters. */
  headEnd: number;
  /** Start of the trailing run of key characters. */
  tailStart: number;
  /** End without trailing sentence punctuation, which the flags below ignore. */
  coreEnd: number;
  allDigits: boolean;
  allUpperOrDigit: boolean;
}

function readChunk(text: string, start: number, gapStart: number): Chunk {
  let i = start;
  let headEnd = -1;
  let tailStart = start;
  let allDigits = true;
  let allUpperOrDigit = true;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) break;
    if (!isKeyChar(code)) {
      if (headEnd === -1) headEnd = i;
      tailStart = i + 1;
    }
    if (!isDigit(code)) {
      allDigits = false;
      if (!isUpper(code)) allUpperOrDigit = false;
    }
    i++;
  }
  const chunk = { start, end: i, coreEnd: i, gapStart, gap: classifyGap(text, gapStart, start), headEnd: headEnd === -1 ? i : headEnd, tailStart, allDigits, allUpperOrDigit };
  // `… 0130 00.`: sentence punctuation after the last group is not part of it.
  let coreEnd = i;
  while (coreEnd > start + 1 && i - coreEnd < 3 && isIn(TRAILING_PUNCTUATION, text.charCodeAt(coreEnd - 1))) coreEnd--;
  if (coreEnd < i) {
    chunk.coreEnd = coreEnd;
    chunk.allDigits = chunk.allUpperOrDigit = true;
    for (let k = start; k < coreEnd; k++) {
      const code = text.charCodeAt(k);
      if (!isDigit(code)) chunk.allDigits = false;
      if (!isDigit(code) && !isUpper(code)) chunk.allUpperOrDigit = false;
    }
  }
  return chunk;
}

const TRAILING_PUNCTUATION = asciiTable('.,;:)!?"\'');

/** The edits of a run of chunks [first, last]: every gap between them removed or folded. */
function editGaps(chunks: Chunk[], first: number, last: number, replacement: '' | ' ', edits: Edit[], onlyUnusual = false): void {
  for (let k = first + 1; k <= last; k++) {
    const chunk = chunks[k] as Chunk;
    if (onlyUnusual && chunk.gap === GAP.single) continue;
    edits.push({ start: chunk.gapStart, end: chunk.start, replacement });
  }
}

/** Spaced-out characters: runs of MIN_SPACED_CHARS+ one-character chunks. */
function findSpacedRuns(chunks: Chunk[], edits: Edit[]): void {
  let first = -1;
  for (let k = 0; k <= chunks.length; k++) {
    const chunk = chunks[k];
    const single = chunk !== undefined && chunk.end - chunk.start === 1 && chunk.headEnd === chunk.end;
    const continues = single && first !== -1 && (chunk.gap === GAP.single || chunk.gap === GAP.spaces);
    if (continues) continue;
    if (first !== -1 && k - first >= MIN_SPACED_CHARS) editGaps(chunks, first, k - 1, '', edits);
    first = single ? k : -1;
  }
}

function isLuhnValid(text: string, start: number, end: number): boolean {
  let sum = 0;
  let position = 0;
  for (let i = end - 1; i >= start; i--) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) continue;
    let digit = code - 48;
    if (position++ % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Digit groups (cards, phones) and IBAN groups. */
function findGroupRuns(text: string, chunks: Chunk[], edits: Edit[]): void {
  let k = 0;
  while (k < chunks.length) {
    const first = chunks[k] as Chunk;
    const iban = first.end - first.start === 4 && first.allUpperOrDigit && isUpper(text.charCodeAt(first.start)) && isUpper(text.charCodeAt(first.start + 1)) && isDigit(text.charCodeAt(first.start + 2)) && isDigit(text.charCodeAt(first.start + 3));
    if (!iban && !(first.allDigits && first.coreEnd - first.start <= MAX_DIGIT_GROUP)) {
      k++;
      continue;
    }
    let last = k;
    let length = first.coreEnd - first.start;
    let unusual = false;
    while (last + 1 < chunks.length && (chunks[last] as Chunk).coreEnd === (chunks[last] as Chunk).end) {
      const next = chunks[last + 1] as Chunk;
      const size = next.coreEnd - next.start;
      const fits = iban ? next.allUpperOrDigit && size <= 4 : next.allDigits && size <= MAX_DIGIT_GROUP;
      if (!fits || next.gap === GAP.other || next.gap === GAP.none) break;
      if (next.gap !== GAP.single) unusual = true;
      length += size;
      last++;
    }
    if (last > k) {
      const start = first.start;
      const end = (chunks[last] as Chunk).coreEnd;
      if (iban && length >= MIN_IBAN && length <= MAX_IBAN) editGaps(chunks, k, last, '', edits);
      else if (!iban && length >= MIN_CARD_DIGITS && length <= MAX_CARD_DIGITS && isLuhnValid(text, start, end)) editGaps(chunks, k, last, '', edits);
      else if (!iban && unusual && length >= MIN_PHONE_DIGITS && length <= MAX_PHONE_DIGITS) editGaps(chunks, k, last, ' ', edits, true);
    }
    k = last + 1;
  }
}

/** Keys wrapped over lines or split by one space, and hyphenated digit runs wrapped at a line end. */
function findKeyJoins(text: string, chunks: Chunk[], edits: Edit[]): void {
  for (let k = 1; k < chunks.length; k++) {
    const left = chunks[k - 1] as Chunk;
    const right = chunks[k] as Chunk;
    if (right.gap !== GAP.wrap && right.gap !== GAP.single) continue;
    if (right.headEnd === right.start) continue;
    const wrap = right.gap === GAP.wrap;
    const joinsKey = wrap
      ? (isKeyLike(text, left.tailStart, left.end, MIN_KEY_TAIL) && isKeyHead(text, right)) || isUpperKeyWrap(text, left, right)
      : isKeyLike(text, left.tailStart, left.end, MIN_KEY_HALF) && isKeyLike(text, right.start, right.headEnd, MIN_KEY_HALF) && isKeyHead(text, right);
    const hyphenated = wrap && text.charCodeAt(left.end - 1) === 45 && isDigit(text.charCodeAt(left.end - 2)) && isDigit(text.charCodeAt(right.start));
    if (joinsKey || hyphenated) edits.push({ start: right.gapStart, end: right.start, replacement: '' });
  }
}

function listChunks(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let i = 0;
  while (i < text.length) {
    const gapStart = i;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) break;
    const chunk = readChunk(text, i, gapStart);
    chunks.push(chunk);
    i = chunk.end;
  }
  return chunks;
}

/**
 * Whether any rule could apply, looked for mostly from the digits (V8 finds them natively): a
 * digit group next to another group across a gap, a spaced-out digit, or a key-like run with a
 * digit that ends at whitespace (a wrapped key has digits on one of its lines). Prose has few
 * digits, so most texts cost that scan and three native substring searches for the triggers
 * without a digit (an AWS key id wrapped over lines, spaced-out letters).
 */
function mayNeedJoining(text: string): boolean {
  return hasDigitTrigger(text) || hasLetterOnlyTrigger(text);
}

/**
 * The two triggers without a digit, each looked for only after a native search for a substring
 * prose rarely holds: a regex tried at every offset of prose cost the views a third more.
 */
function hasLetterOnlyTrigger(text: string): boolean {
  if (AWS_KEY_ID_PREFIXES.some((prefix) => text.includes(prefix)) && AWS_KEY_ID_WRAP.test(text)) return true;
  return text.includes('_ ') && SPACED_LETTERS.test(text);
}

function hasDigitTrigger(text: string): boolean {
  DIGIT_SEARCH.lastIndex = 0;
  // test() and lastIndex, not exec(): no match array per digit run.
  while (DIGIT_SEARCH.test(text)) {
    const at = DIGIT_SEARCH.lastIndex - 1;
    let chunkEnd = at + 1;
    while (chunkEnd < text.length && !isSpace(text.charCodeAt(chunkEnd))) chunkEnd++;
    if (isDigitChunkTrigger(text, at, chunkEnd)) return true;
    DIGIT_SEARCH.lastIndex = chunkEnd;
  }
  return false;
}

/**
 * Whether a rule may start from the chunk (a run of non-space) ending at `chunkEnd` whose first
 * digit is at `at`: a spaced-out digit, a digit group beside another group, digits hyphenated
 * over a line end, or a key-like run that goes on after the whitespace.
 */
export function isDigitChunkTrigger(text: string, at: number, chunkEnd: number): boolean {
  let chunkStart = at;
  while (chunkStart > 0 && !isSpace(text.charCodeAt(chunkStart - 1))) chunkStart--;
  if (chunkEnd - chunkStart === 1 && countSpacedAround(text, at) >= MIN_SPACED_CHARS) return true;
  if (isGroupChunk(text, chunkStart, chunkEnd) && hasGroupNeighbour(text, chunkStart, chunkEnd)) return true;
  if (text.charCodeAt(chunkEnd - 1) === 45 && isDigit(nextNonSpace(text, chunkEnd))) return true;
  let runStart = at;
  while (runStart > chunkStart && isKeyChar(text.charCodeAt(runStart - 1))) runStart--;
  let runEnd = at + 1;
  while (runEnd < chunkEnd && isKeyChar(text.charCodeAt(runEnd))) runEnd++;
  return runEnd === chunkEnd && runEnd - runStart >= MIN_KEY_HALF && hasLetter(text, runStart, runEnd) && continuesAsKey(text, chunkEnd);
}

/** isSpace as a regex class (JS's \s also holds U+FEFF, which isSpace does not). */
const SPACE_CLASS = String.raw`\t-\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
const SPACE = `[${SPACE_CLASS}]`;
const NOT_SPACE = `[^${SPACE_CLASS}]`;

/**
 * The digits whose chunk hasDigitTrigger must read. Most digits in prose end a plain number
 * followed by a lower-case word ("3 seats", "2024, and"): no rule can start there, so V8 skips
 * them natively instead of the loop reading each chunk. A digit is still read when it is a
 * single character after another one (a spaced-out key read backwards), or when only capitals
 * stand between it and a group before it ("DE 8937…"). The word after must be lower-case letters
 * up to a character no key holds: "abcd-EF" could continue a wrapped key.
 */
export const DIGIT_SEARCH = new RegExp(
  // Every branch starts at the digit (a pattern that opens with a lookbehind is tried at every
  // offset), and only at a run's first digit: the others end the same number, and no branch but
  // the first can match at them.
  String.raw`\d(?<!\d\d)(?:${[
    String.raw`(?![\d.,:%)]*[ \t]+[a-z]{2,}(?![A-Za-z0-9_+/=-]))`,
    String.raw`(?<=(?:^|${SPACE})${NOT_SPACE}[ \t]{1,3}\d)(?!${NOT_SPACE})`,
    String.raw`(?<=[A-Z0-9]${SPACE}+[A-Z]*\d)`,
  ].join('|')})`,
  'g',
);

/**
 * Spaced-out characters without a digit (`s k _ l i v e _ p X o j …`: a 24-character key holds
 * none once in about 70): eight one-character chunks, each followed by one to three spaces or
 * tabs. Looked for when the text holds `_ `, as the spaced prefixes of most key formats do
 * (`sk_live_`, `ghp_`, `github_pat_`).
 */
const SPACED_LETTERS = /(?<!\S)(?:\S[ \t]{1,3}){7}\S(?!\S)/;

function isGroupNeighbour(code: number): boolean {
  return isDigit(code) || isUpper(code);
}

/** A chunk of capitals and digits only (a card, IBAN or phone group), holding a digit. */
function isGroupChunk(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isGroupNeighbour(text.charCodeAt(i))) return false;
  return end > start;
}

/**
 * A neighbouring group chunk across a gap, the two together at least MIN_GROUP_PAIR long:
 * `4539 1488`, `DE89 3704`, `020 7946`, but not `50 GB`. Each neighbour is read only while it
 * holds capitals and digits, so the word after an ordinary number costs one character.
 */
function hasGroupNeighbour(text: string, start: number, end: number): boolean {
  let nextStart = end;
  while (nextStart < text.length && isSpace(text.charCodeAt(nextStart))) nextStart++;
  let nextEnd = nextStart;
  while (nextEnd < text.length && isGroupNeighbour(text.charCodeAt(nextEnd))) nextEnd++;
  const nextIsGroup = nextEnd > nextStart && (nextEnd === text.length || isSpace(text.charCodeAt(nextEnd)));
  if (nextStart > end && nextIsGroup && end - start + nextEnd - nextStart >= MIN_GROUP_PAIR) return true;
  let previousEnd = start;
  while (previousEnd > 0 && isSpace(text.charCodeAt(previousEnd - 1))) previousEnd--;
  let previousStart = previousEnd;
  while (previousStart > 0 && isGroupNeighbour(text.charCodeAt(previousStart - 1))) previousStart--;
  const previousIsGroup = previousEnd > previousStart && (previousStart === 0 || isSpace(text.charCodeAt(previousStart - 1)));
  return previousEnd < start && previousIsGroup && end - start + previousEnd - previousStart >= MIN_GROUP_PAIR;
}

const MIN_GROUP_PAIR = 6;

/**
 * After a key-like run: one space, or one line break and indentation, then a chunk starting with
 * MIN_KEY_HEAD key characters among which a digit or a capital (a paragraph break or a word ends it).
 */
function continuesAsKey(text: string, from: number): boolean {
  let i = from;
  let newlines = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) {
    if (text.charCodeAt(i) === 10) newlines++;
    i++;
  }
  if (i === from || newlines > 1 || i - from > MAX_INDENT + 2 || (newlines === 0 && i - from > 1)) return false;
  let marked = false;
  let k = i;
  while (k < text.length && isKeyChar(text.charCodeAt(k))) {
    if (isDigit(text.charCodeAt(k)) || (k > i && isUpper(text.charCodeAt(k)))) marked = true;
    k++;
  }
  return k - i >= MIN_KEY_HEAD && marked;
}

function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i > from && i < text.length ? text.charCodeAt(i) : 0;
}

function hasLetter(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i) | 0x20;
    if (code >= 97 && code <= 122) return true;
  }
  return false;
}

/** One-character chunks separated by 1–3 spaces around `at` (itself one), counting it. */
function countSpacedAround(text: string, at: number): number {
  let count = 1;
  for (const step of [-1, 1]) {
    let i = at;
    for (;;) {
      let gap = 0;
      let j = i + step;
      while (gap < MAX_SPACED_GAP && j >= 0 && j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) {
        gap++;
        j += step;
      }
      if (gap === 0 || j < 0 || j >= text.length || isSpace(text.charCodeAt(j))) break;
      const beyond = text.charCodeAt(j + step);
      if (j + step >= 0 && j + step < text.length && !isSpace(beyond)) break;
      count++;
      i = j;
      if (count >= MIN_SPACED_CHARS) return count;
    }
  }
  return count;
}

/** The gaps to change in `text`, sorted and disjoint (a gap two rules change is removed). */
export function findJoinEdits(text: string): Edit[] {
  if (!mayNeedJoining(text)) return [];
  const chunks = listChunks(text);
  const edits: Edit[] = [];
  findSpacedRuns(chunks, edits);
  findGroupRuns(text, chunks, edits);
  findKeyJoins(text, chunks, edits);
  if (edits.length <= 1) return edits;
  edits.sort((a, b) => a.start - b.start || a.replacement.length - b.replacement.length);
  return edits.filter((edit, index) => index === 0 || edit.start !== (edits[index - 1] as Edit).start);
}

/**
 * The joined view of `text` (the original, or a view of it whose map is `base`), or undefined
 * when no gap inside a token-like run was found.
 */
export function buildJoinedView(text: string, base?: BaseMap): TextView | undefined {
  const edits = findJoinEdits(text);
  if (edits.length === 0) return undefined;
  const parts: string[] = [];
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  let length = 0;
  let copied = 0;
  const copy = (start: number, end: number): void => {
    parts.push(text.slice(start, end));
    for (let k = start; k < end; k++, length++) {
      from[length] = base === undefined ? k : (base.from[k] ?? 0);
      to[length] = base === undefined ? k + 1 : (base.to[k] ?? 0);
    }
  };
  for (const edit of edits) {
    copy(copied, edit.start);
    if (edit.replacement === ' ') {
      parts.push(' ');
      from[length] = base === undefined ? edit.start : (base.from[edit.start] ?? 0);
      to[length] = base === undefined ? edit.end : (base.to[edit.end - 1] ?? 0);
      length++;
    }
    copied = edit.end;
  }
  copy(copied, text.length);
  const joined = parts.join('');
  const fromView = from.subarray(0, length);
  const toView = to.subarray(0, length);
  return {
    name: 'joined',
    text: joined,
    toOriginal(start, end) {
      const s = Math.max(0, Math.min(start, joined.length));
      const e = Math.max(s, Math.min(end, joined.length));
      if (s < e) return { start: fromView[s] ?? 0, end: toView[e - 1] ?? 0 };
      const at = s < joined.length ? (fromView[s] ?? 0) : (toView[joined.length - 1] ?? 0);
      return { start: at, end: at };
    },
  };
}
