// Detectors scan views of a text, not only the text itself: obfuscation (full-width letters,
// zero-width characters inside a key, a base64-encoded key) defeats plain regexes. Each view
// keeps, for every UTF-16 unit of its text, the [from, to) range of the original it came from,
// so a hit in any view maps back to an exact original span. This runs on every event, so the
// common case (plain text, nothing to normalise or decode) returns after two linear scans.

import { isUtf8 } from 'node:buffer';
import type { FieldViews, TextField, TextView } from './checks.models.ts';
import { buildReadings } from './views-readings.models.ts';
import { buildJoinedView } from './views-joined.models.ts';
import { isClusterContinuation, needsNormalization } from './views-normalization.models.ts';

const DEFAULT_MAX_DECODED_CHARS = 64 * 1024;
const MIN_ENCODED_RUN = 16;
const MIN_PRINTABLE_SHARE = 0.9;
// UAX #15 stream-safe text never has more than 30 combining marks in a row; a longer pile is an
// attack on the normaliser, so clusters are cut there.
const MAX_CLUSTER_MARKS = 30;
const MAX_CACHED_CLUSTERS = 4096;

/** Zero-width, soft hyphen, bidi controls, variation selectors, tag characters: invisible when rendered. */
const IGNORABLE_ALL = /\p{Default_Ignorable_Code_Point}/gu;
const HEX_ONLY = /^(?:0x)?[0-9A-Fa-f]+$/;
/** Per ASCII code (read below 128 only: V8 reads past a typed array's end slowly): 1 for the base64 alphabets. */
const RUN_CHARS = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') RUN_CHARS[char.charCodeAt(0)] = 1;
/** Per ASCII code: the hex digit's value, or -1. */
const HEX_VALUES = new Int8Array(128).fill(-1);
for (const char of '0123456789abcdefABCDEF') HEX_VALUES[char.charCodeAt(0)] = Number.parseInt(char, 16);
const STD_ONLY_CHARS = /[+/]/;
const URL_ONLY_CHARS = /[-_]/;

/** Normalised form of single code points (full-width letters, zero-width characters…), reused across events. */
const normalizedCodePoints = new Map<string, string>();

/** A view's text and, per UTF-16 unit, the original range [from, to) it came from. */
interface MappedText {
  text: string;
  from: Int32Array;
  to: Int32Array;
}

/** Builds a MappedText piece by piece (typed arrays: plain-array pushes cost several times more). */
interface MapBuilder extends Omit<MappedText, 'text'> {
  parts: string[];
  length: number;
}

function createMapBuilder(capacity: number): MapBuilder {
  return { parts: [], from: new Int32Array(capacity), to: new Int32Array(capacity), length: 0 };
}

function reserve(out: MapBuilder, extra: number): void {
  if (out.length + extra <= out.from.length) return;
  const capacity = Math.max(out.length + extra, out.from.length * 2);
  const from = new Int32Array(capacity);
  const to = new Int32Array(capacity);
  from.set(out.from.subarray(0, out.length));
  to.set(out.to.subarray(0, out.length));
  Object.assign(out, { from, to });
}

function finishMap(out: MapBuilder): MappedText {
  return { text: out.parts.join(''), from: out.from.subarray(0, out.length), to: out.to.subarray(0, out.length) };
}

/**
 * `leaks`: whether leak detectors (secrets, PII) will scan this field, which only they need the
 * joined view for; by default only the output. Readings serve the injection rules, which scan
 * inputs and retrieved context, not answers.
 */
export function buildFieldViews(field: TextField, text: string, options?: { maxDecodedChars?: number; leaks?: boolean }): FieldViews {
  // A method, not a named arrow: under tsx's keepNames each named arrow costs a defineProperty.
  const views: TextView[] = [{ name: 'original', text, toOriginal(start, end) { return clampRange(start, end, text.length); } }];
  const normalized = needsNormalization(text) ? normalizeWithMap(text) : undefined;
  if (normalized !== undefined) views.push(createMappedView('normalized', normalized));

  const base = normalized?.text ?? text;
  const joined = (options?.leaks ?? field === 'output') ? buildJoinedView(base, normalized) : undefined;
  if (joined !== undefined) views.push(joined);
  // Text spelled as character references or bits hides instructions, not keys: only the fields the
  // injection rules read are decoded so (an answer's views stay as cheap as they were).
  const textEncodings = field !== 'output';
  if (hasEncodedHint(base, textEncodings)) {
    const budget = { left: options?.maxDecodedChars ?? DEFAULT_MAX_DECODED_CHARS };
    const once = decodeWithMap(base, normalized, budget, textEncodings);
    // Nested once: runs that only become decodable after the first pass (URL-encoded base64,
    // base64 of base64).
    const decoded = (once && decodeWithMap(once.text, once, budget, textEncodings)) ?? once;
    if (decoded !== undefined) views.push(createMappedView('decoded', decoded));
  }
  const readings = field === 'output' ? [] : buildReadings(normalized === undefined ? (views[0] as TextView) : (views[1] as TextView));
  return { field, original: text, views, ...(readings.length > 0 && { readings }) };
}

function clampRange(start: number, end: number, length: number): { start: number; end: number } {
  const s = Math.max(0, Math.min(start, length));
  return { start: s, end: Math.max(s, Math.min(end, length)) };
}

function createMappedView(name: TextView['name'], { text, from, to }: MappedText): TextView {
  const toOriginal = (start: number, end: number): { start: number; end: number } => {
    const { start: s, end: e } = clampRange(start, end, text.length);
    if (s < e) return { start: from[s] ?? 0, end: to[e - 1] ?? 0 };
    const at = s < text.length ? (from[s] ?? 0) : (to[text.length - 1] ?? 0);
    return { start: at, end: at };
  };
  return { name, text, toOriginal };
}

/**
 * NFKC plus removal of default-ignorable characters, one cluster (a base character and the
 * combining marks after it) at a time, so every output unit knows its original cluster. ASCII
 * not followed by a mark is copied as is. NFKC never composes across such cluster boundaries in
 * practice; if it did, the view would differ slightly from `text.normalize('NFKC')` but its
 * mapping would still be exact.
 */
function normalizeWithMap(text: string): MappedText {
  const out = createMapBuilder(text.length + 16);
  let literalStart = 0;
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) < 0x80 && (i + 1 >= text.length || !isClusterContinuation(text, i + 1))) {
      i++;
      continue;
    }
    appendLiteral(out, text, literalStart, i, undefined);
    const start = i;
    i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    for (let marks = 0; marks < MAX_CLUSTER_MARKS && i < text.length && isClusterContinuation(text, i); marks++) {
      i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    }
    appendPiece(out, normalizeCluster(text.slice(start, i)), start, i);
    literalStart = i;
  }
  appendLiteral(out, text, literalStart, text.length, undefined);
  return finishMap(out);
}

/**
 * Appends text[start, end) unchanged. Each unit keeps the original range of the unit it copies:
 * its own position when `source` is undefined (the text is the original), else source's map.
 */
function appendLiteral(out: MapBuilder, text: string, start: number, end: number, source: MappedText | undefined): void {
  if (end <= start) return;
  out.parts.push(text.slice(start, end));
  reserve(out, end - start);
  if (source === undefined) {
    for (let k = start; k < end; k++, out.length++) {
      out.from[out.length] = k;
      out.to[out.length] = k + 1;
    }
  } else {
    out.from.set(source.from.subarray(start, end), out.length);
    out.to.set(source.to.subarray(start, end), out.length);
    out.length += end - start;
  }
}

/** Appends a replacement whose every unit maps to the whole original range [from, to). */
function appendPiece(out: MapBuilder, piece: string, from: number, to: number): void {
  out.parts.push(piece);
  reserve(out, piece.length);
  out.from.fill(from, out.length, out.length + piece.length);
  out.to.fill(to, out.length, out.length + piece.length);
  out.length += piece.length;
}

function normalizeCluster(cluster: string): string {
  const cached = normalizedCodePoints.get(cluster);
  if (cached !== undefined) return cached;
  const normalized = cluster.normalize('NFKC').replace(IGNORABLE_ALL, '');
  if (cluster.length <= 2) {
    if (normalizedCodePoints.size >= MAX_CACHED_CLUSTERS) normalizedCodePoints.clear();
    normalizedCodePoints.set(cluster, normalized);
  }
  return normalized;
}

/**
 * Something a decoder could work on: a %xx escape, a 16-character base64/hex-alphabet run and,
 * with `textEncodings`, a numeric character reference or 32 bits written as bytes.
 */
export function hasEncodedHint(text: string, textEncodings = true): boolean {
  for (let at = text.indexOf('%'); at !== -1; at = text.indexOf('%', at + 1)) if (isPercentEscape(text, at)) return true;
  return (textEncodings && (text.includes('&#') || hasBinaryBytes(text))) || hasEncodedRun(text);
}

/** One numeric character reference ("&#105;", "&#x69;"), read where the pass stands. */
const NUMERIC_REFERENCE = /&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));/y;
/** Bytes written as bits, 8 to a group, at least four groups ("01101001 01100111 …"). */
const BINARY_BYTES = /(?:[01]{8}[ \t]?){4,}/y;
const isBit = (code: number): boolean => code === 0x30 || code === 0x31;
/** A bit run starts a word: it does not continue a number or a name. */
const ASCII_ALNUM = /[0-9A-Za-z]/;

/**
 * Four bytes of bits in a row. Finds a run of 8 bits by reading its last unit first and jumping
 * past a non-bit (a regex tried at every digit cost the views line twice its time), then checks
 * the run with BINARY_BYTES.
 */
function hasBinaryBytes(text: string): boolean {
  let start = 0;
  while (start + 8 <= text.length) {
    let back = start + 7;
    while (back >= start && isBit(text.charCodeAt(back))) back--;
    if (back >= start) {
      start = back + 1;
      continue;
    }
    BINARY_BYTES.lastIndex = start;
    if (BINARY_BYTES.test(text)) return true;
    start += 8;
  }
  return false;
}

/** Decodes consecutive numeric character references starting at `start` (HTML and XML escape text so). */
function decodeReferenceGroup(text: string, start: number): { decoded: string | undefined; end: number } {
  let decoded = '';
  let end = start;
  for (;;) {
    NUMERIC_REFERENCE.lastIndex = end;
    const m = NUMERIC_REFERENCE.exec(text);
    if (m === null) break;
    const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2] ?? '', 10);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) break;
    decoded += String.fromCodePoint(code);
    end = NUMERIC_REFERENCE.lastIndex;
  }
  return { decoded: end > start ? decoded : undefined, end: Math.max(end, start + 2) };
}

/** Decodes a run of bits written 8 to a byte starting at `start`; undefined when there is none or it is not text. */
function decodeBinaryRun(text: string, start: number): { decoded: string | undefined; end: number } {
  BINARY_BYTES.lastIndex = start;
  const m = BINARY_BYTES.exec(text);
  if (m === null || /[01]/.test(text[start + m[0].length] ?? '')) return { decoded: undefined, end: start };
  const bytes = (m[0].match(/[01]{8}/g) ?? []).map((bits) => parseInt(bits, 2));
  return { decoded: decodeBytes(Buffer.from(bytes)), end: start + m[0].trimEnd().length };
}

// MIN_ENCODED_RUN run characters in a row; `start` is 0 or just after a non-run character. A `[…]{16}`
// regex retries at every offset; this reads a possible run's last character first and skips past it.
function hasEncodedRun(text: string): boolean {
  let start = 0;
  while (start + MIN_ENCODED_RUN <= text.length) {
    let back = start + MIN_ENCODED_RUN - 1;
    while (back >= start && isEncodedRunChar(text.charCodeAt(back))) back--;
    if (back < start) return true;
    start = back + 1;
  }
  return false;
}

function isEncodedRunChar(code: number): boolean {
  return code < 128 && RUN_CHARS[code] === 1;
}

function hexValue(code: number): number {
  return code < 128 ? (HEX_VALUES[code] ?? -1) : -1;
}

function isPercentEscape(text: string, at: number): boolean {
  return text.charCodeAt(at) === 0x25 && hexValue(text.charCodeAt(at + 1)) >= 0 && hexValue(text.charCodeAt(at + 2)) >= 0;
}

/** Valid UTF-8 that is at least 90% printable (tabs and newlines count as printable). */
function decodeBytes(bytes: Buffer): string | undefined {
  if (bytes.length === 0 || !isUtf8(bytes)) return undefined;
  const decoded = bytes.toString('utf8');
  let controls = 0;
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) controls++;
  }
  return controls <= decoded.length * (1 - MIN_PRINTABLE_SHARE) ? decoded : undefined;
}

/** Decodes a base64 (std or url-safe) or hex run when it yields mostly printable UTF-8. */
function decodeRun(run: string): string | undefined {
  let bodyEnd = run.length;
  while (bodyEnd > 0 && run.charCodeAt(bodyEnd - 1) === 0x3d) bodyEnd--;
  const body = run.slice(0, bodyEnd);
  if (HEX_ONLY.test(body)) {
    const hex = body.startsWith('0x') ? body.slice(2) : body;
    if (hex.length >= MIN_ENCODED_RUN && hex.length % 2 === 0) {
      const decoded = decodeBytes(Buffer.from(hex, 'hex'));
      if (decoded !== undefined) return decoded;
    }
  }
  if (body.length % 4 === 1 || (body.length !== run.length && run.length % 4 !== 0)) return undefined;
  if (STD_ONLY_CHARS.test(body) && URL_ONLY_CHARS.test(body)) return undefined;
  return decodeBytes(Buffer.from(body, 'base64'));
}

/** Decodes a group of consecutive %xx escapes starting at `start`; `end` is where the group stops. */
function decodePercentGroup(text: string, start: number): { decoded: string | undefined; end: number } {
  const bytes: number[] = [];
  let end = start;
  while (isPercentEscape(text, end)) {
    bytes.push(hexValue(text.charCodeAt(end + 1)) * 16 + hexValue(text.charCodeAt(end + 2)));
    end += 3;
  }
  return { decoded: decodeBytes(Buffer.from(bytes)), end };
}

/**
 * One left-to-right pass that replaces decodable runs in `text`. Every decoded unit maps to the
 * whole encoded run in the original; literal units keep their own mapping. `map` is the mapping
 * of `text` to the original, undefined when `text` is the original; `textEncodings` as in hasEncodedHint.
 */
function decodeWithMap(text: string, map: MappedText | undefined, budget: { left: number }, textEncodings: boolean): MappedText | undefined {
  const out = createMapBuilder(text.length + 16);
  let copied = 0;
  const emit = (start: number, end: number, decoded: string): void => {
    appendLiteral(out, text, copied, start, map);
    appendPiece(out, decoded, map === undefined ? start : (map.from[start] ?? 0), map === undefined ? end : (map.to[end - 1] ?? 0));
    budget.left -= decoded.length;
    copied = end;
  };

  let i = 0;
  while (i < text.length && budget.left > 0) {
    const code = text.charCodeAt(i);
    if (textEncodings && code === 0x26 && text.charCodeAt(i + 1) === 0x23) {
      const { decoded, end } = decodeReferenceGroup(text, i);
      if (decoded !== undefined && decoded.length <= budget.left) emit(i, end, decoded);
      i = end;
      continue;
    }
    if (textEncodings && isBit(code) && (i === 0 || !ASCII_ALNUM.test(text[i - 1] ?? ''))) {
      const { decoded, end } = decodeBinaryRun(text, i);
      if (decoded !== undefined && decoded.length <= budget.left) {
        emit(i, end, decoded);
        i = end;
        continue;
      }
    }
    if (isPercentEscape(text, i)) {
      const { decoded, end } = decodePercentGroup(text, i);
      if (decoded !== undefined && decoded.length <= budget.left) emit(i, end, decoded);
      i = end;
    } else if (isEncodedRunChar(text.charCodeAt(i))) {
      let end = i + 1;
      while (end < text.length && isEncodedRunChar(text.charCodeAt(end))) end++;
      const bodyEnd = end;
      while (end < text.length && end - bodyEnd < 2 && text.charCodeAt(end) === 0x3d) end++;
      // Hex halves a run and base64 keeps 3/4 of it: a run whose half cannot fit is not tried.
      if (bodyEnd - i >= MIN_ENCODED_RUN && (end - i) / 2 <= budget.left) {
        const decoded = decodeRun(text.slice(i, end));
        if (decoded !== undefined && decoded.length <= budget.left) emit(i, end, decoded);
      }
      i = end;
    } else {
      i++;
    }
  }
  if (copied === 0) return undefined;
  appendLiteral(out, text, copied, text.length, map);
  return finishMap(out);
}
