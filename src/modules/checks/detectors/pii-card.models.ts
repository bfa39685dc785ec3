import { type PiiMatch, hasIdentifierLabelBefore, hasNamedIdentifierLabelBefore, isInsideToken, scanCandidates, textBefore } from './pii-text.models.ts';
import { isTestCardNumber } from './pii-test-card.models.ts';

// A card number (PAN) is 12–19 digits, written in one run or in groups separated by one
// space or one dash used consistently (4-4-4-4, 4-6-5 for Amex, 4-4-4-4-3 for 19 digits).
// Typographic dashes (‐ ‑ ‒ – —) count as dashes: NFKC keeps them, and LLM output uses them.
const CANDIDATE = /\d{4}([ \u2010-\u2014-])\d{3,6}(?:\1\d{1,6}){1,4}|\d{12,19}/g;
const NON_DIGIT = /\D/g;
const DIGIT = /\d/;
/** `0000 0000 0000 0000` passes Luhn; a run of one digit is a placeholder, never a card. */
const ONE_DIGIT_REPEATED = /^(\d)\1+$/;

/**
 * Issuer identification ranges of the major networks and the lengths they issue, from
 * the networks' published ranges (ISO/IEC 7812 IINs). A Luhn-valid number in a known
 * range is a card; one outside every range is only a card when the text says so.
 */
const NETWORKS: ReadonlyArray<{ prefix: RegExp; lengths: readonly number[] }> = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(?:6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^35(?:2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^(?:30[0-5]|3095|36|3[89])/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
  { prefix: /^(?:5018|5020|5038|5893|6304|6759|676[1-3])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
  { prefix: /^220[0-4]/, lengths: [16, 17, 18, 19] }, // Mir
];

const CARD_KEYWORD =
  /\b(?:card|credit|debit|visa|mastercard|amex|american express|discover|jcb|diners|maestro|unionpay|cc|pan|cvv|cvc|payment)\b/i;

/** Luhn-valid with a known issuer range is certain; Luhn-valid elsewhere needs a card word. */
const SCORE = { knownIssuer: 1, unknownIssuerWithKeyword: 0.6 } as const;

/** The Luhn (mod 10) check every payment card number carries in its last digit. */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** True when the number falls in a network's issuer range at a length that network issues. */
export function hasKnownIssuer(digits: string): boolean {
  return NETWORKS.some((network) => network.prefix.test(digits) && network.lengths.includes(digits.length));
}

/** Finds Luhn-valid card numbers that stand alone (not inside a longer id, UUID or number). */
export function findCreditCards(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  scanCandidates(CANDIDATE, text, (found) => {
    const start = found.index;
    const end = start + found[0].length;
    const score = scoreCard(text, start, end, found[1]);
    if (score === 0) return undefined;
    const testCard = isTestCardNumber(text.slice(start, end).replace(NON_DIGIT, ''));
    matches.push({ kind: testCard ? 'test_card' : 'credit_card', start, end, score });
    return end;
  });
  return matches;
}

function scoreCard(text: string, start: number, end: number, separator: string | undefined): number {
  if (isInsideToken(text, start, end, '-./') || text[start - 1] === '+') return 0;
  if (separator !== undefined && continuesGroups(text, start, end, separator)) return 0;
  const digits = text.slice(start, end).replace(NON_DIGIT, '');
  if (digits.length < 12 || digits.length > 19 || !isLuhnValid(digits)) return 0;
  if (ONE_DIGIT_REPEATED.test(digits)) return 0;
  // `card #4532…`, `Card No. 3782 …`: a bare `#` or `No.` before a number in a card network's
  // range at its length is how forms label the card itself; `order #…` names another record.
  if (hasKnownIssuer(digits)) return hasNamedIdentifierLabelBefore(text, start) ? 0 : SCORE.knownIssuer;
  if (hasIdentifierLabelBefore(text, start)) return 0;
  return CARD_KEYWORD.test(textBefore(text, start, 40)) ? SCORE.unknownIssuerWithKeyword : 0;
}

/** More groups on either side (`1111 2222 3333 4444 5555`) make this part of a longer number. */
function continuesGroups(text: string, start: number, end: number, separator: string): boolean {
  const groupBefore = text[start - 1] === separator && DIGIT.test(text[start - 2] ?? '');
  const groupAfter = text[end] === separator && DIGIT.test(text[end + 1] ?? '');
  return groupBefore || groupAfter;
}
