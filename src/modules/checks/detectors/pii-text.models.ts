// Shared vocabulary of the PII finders: what a finder returns, and the boundary and
// context tests they all need. A finder sees one view's text and returns spans in it;
// the detector maps them back to the original text.

export const PII_KINDS = ['email', 'phone', 'credit_card', 'iban', 'us_ssn', 'ip_address'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** Kinds a finder reports: the configurable kinds, and published test cards (found with `credit_card`). */
export type PiiFoundKind = PiiKind | 'test_card';

/** A validated hit in one view's text (offsets in that view, end exclusive). */
export interface PiiMatch {
  kind: PiiFoundKind;
  start: number;
  end: number;
  /** Confidence in [0, 1]: 1 when a validator confirms it, lower on weaker context. */
  score: number;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** True for letters, digits (any script) and underscore: characters that continue a token. */
export function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD_CHAR.test(char);
}

/**
 * True when [start, end) is only a slice of a longer token: a word character touches it,
 * or a joiner (e.g. `-` in a UUID, `.` in a version string) sits between it and another
 * word character. `joiners` lists the characters that glue tokens for this kind.
 */
export function isInsideToken(text: string, start: number, end: number, joiners: string): boolean {
  const before = text[start - 1];
  const after = text[end];
  if (isWordChar(before) || isWordChar(after)) return true;
  if (before !== undefined && joiners.includes(before) && isWordChar(text[start - 2])) return true;
  if (after !== undefined && joiners.includes(after) && isWordChar(text[end + 1])) return true;
  return false;
}

/** The `width` characters before `start` (the context a label like "SSN:" lives in). */
export function textBefore(text: string, start: number, width: number): string {
  return text.slice(Math.max(0, start - width), start);
}

/** The `width` characters after `end`. */
export function textAfter(text: string, end: number, width: number): string {
  return text.slice(end, end + width);
}

/**
 * Labels of identifiers that are not personal data: a number right after "order #",
 * "invoice no.", "tracking:" or "order number is" is a record id even when its digits
 * happen to validate as a phone or card number.
 */
const ID_WORDS = String.raw`order|invoice|ticket|case|ref|reference|tracking|shipment|waybill|awb|consignment|parcel|sku|isbn|serial|confirmation|booking|transaction|txn|receipt|po|id|build|job|run|pr|issue`;
const IDENTIFIER_LABEL = new RegExp(String.raw`(?:\b(?:${ID_WORDS})\b\s*(?:#|no\.?|num(?:ber)?\.?|id)?\s*(?:(?:is|was)\b)?\s*[:#=]?\s*|#\s*)$`, 'i');
const NAMED_IDENTIFIER_LABEL = new RegExp(String.raw`\b(?:${ID_WORDS})\b\s*(?:#|no\.?|num(?:ber)?\.?|id)?\s*(?:(?:is|was)\b)?\s*[:#=]?\s*$`, 'i');

/** True when the text just before `start` labels what follows as a record id (a bare `#` counts). */
export function hasIdentifierLabelBefore(text: string, start: number): boolean {
  return IDENTIFIER_LABEL.test(textBefore(text, start, 32));
}

/** Like hasIdentifierLabelBefore, but a bare `#` or `No.` is not enough: an id word must name the record. */
export function hasNamedIdentifierLabelBefore(text: string, start: number): boolean {
  return NAMED_IDENTIFIER_LABEL.test(textBefore(text, start, 32));
}

/**
 * Seven digits with at most three separator characters between neighbours (the separators of
 * phone, card and SSN candidates together). Every phone, card and SSN candidate holds such a
 * run, so a text without one, as most texts are, needs none of their scans.
 */
const DIGIT_RUN = /\d(?:[ \t\u00A0()./\u2010-\u2014-]{0,3}\d){6}/;

/** True when `text` may hold a phone, card or SSN candidate. */
export function hasDigitRun(text: string): boolean {
  return DIGIT_RUN.test(text);
}

/**
 * Runs a global pattern over `text`. `visit` returns the end of an accepted match, where
 * the next attempt starts, or undefined to retry one character later: a rejected
 * candidate (`XX12 DE89 3704 …`) may hide a real one that starts inside it.
 */
export function scanCandidates(
  pattern: RegExp,
  text: string,
  visit: (found: RegExpExecArray) => number | undefined,
): void {
  pattern.lastIndex = 0;
  for (let found = pattern.exec(text); found !== null; found = pattern.exec(text)) {
    pattern.lastIndex = visit(found) ?? found.index + 1;
  }
}
