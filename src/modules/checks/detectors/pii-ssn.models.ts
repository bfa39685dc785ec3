import {
  type PiiMatch,
  hasIdentifierLabelBefore,
  isInsideToken,
  scanCandidates,
  textAfter,
  textBefore,
} from './pii-text.models.ts';

// A US Social Security number is AAA-GG-SSSS (area, group, serial). It carries no check
// digit, so beyond the SSA's never-assigned ranges the context is the only evidence:
// a bare 9-digit run is reported only when an SSN word is next to it.
// Typographic dashes (‐ ‑ ‒ – —) count as dashes, as they do for card numbers.
const CANDIDATE = /(\d{3})([ \u2010-\u2014-])(\d{2})\2(\d{4})|\d{9}/g;

const SSN_KEYWORD = /\bssn\b|\bss#|\bsocial(?:\s+security)?\b|\bsoc\.?\s?sec\b|\btaxpayer\b/i;

/**
 * Numbers that are not anyone's: the SSA's historical advertising/misuse numbers
 * (078-05-1120 from the 1938 Woolworth wallet insert, 219-09-9999 from a 1940 SSA
 * pamphlet), the LifeLock advertising number, and the placeholder every form shows.
 */
const EXAMPLE_NUMBERS = new Set(['078051120', '219099999', '457555462', '123456789']);
const ONE_DIGIT_REPEATED = /^(\d)\1+$/;
const NON_DIGIT = /\D/g;
const DIGIT = /\d/;

const SCORE = { withKeyword: 1, bareWithKeyword: 0.9, dashed: 0.6, spaced: 0.4 } as const;

/**
 * True when the SSA could have issued the number: area not 000, 666 or 900–999 (never
 * assigned, SSA randomization rules of 2011), group not 00, serial not 0000.
 */
export function isAssignableSsn(digits: string): boolean {
  const area = Number(digits.slice(0, 3));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return false;
  return !EXAMPLE_NUMBERS.has(digits) && !ONE_DIGIT_REPEATED.test(digits);
}

/** Finds SSNs written AAA-GG-SSSS or AAA GG SSSS, and bare 9-digit ones next to an SSN word. */
export function findUsSsns(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  scanCandidates(CANDIDATE, text, (found) => {
    const start = found.index;
    const end = start + found[0].length;
    const score = scoreSsn(text, start, end, found[2]);
    if (score === 0) return undefined;
    matches.push({ kind: 'us_ssn', start, end, score });
    return end;
  });
  return matches;
}

function scoreSsn(text: string, start: number, end: number, separator: string | undefined): number {
  if (isInsideToken(text, start, end, '-./') || text[start - 1] === '+') return 0;
  if (!isAssignableSsn(text.slice(start, end).replace(NON_DIGIT, ''))) return 0;
  // `1 536 22 1478 9` is one spaced number (a phone, an amount), not an SSN inside it.
  if (separator === ' ' && continuesSpaced(text, start, end)) return 0;
  const hasKeyword = SSN_KEYWORD.test(textBefore(text, start, 40)) || SSN_KEYWORD.test(textAfter(text, end, 20));
  // `SS# 536-22-1478`: the SSN word outranks the `#` that otherwise labels a record id.
  if (!hasKeyword && hasIdentifierLabelBefore(text, start)) return 0;
  if (separator === undefined) return hasKeyword ? SCORE.bareWithKeyword : 0;
  if (hasKeyword) return SCORE.withKeyword;
  return separator === ' ' ? SCORE.spaced : SCORE.dashed;
}

function continuesSpaced(text: string, start: number, end: number): boolean {
  const before = text[start - 1] === ' ' && DIGIT.test(text[start - 2] ?? '');
  const after = text[end] === ' ' && DIGIT.test(text[end + 1] ?? '');
  return before || after;
}
