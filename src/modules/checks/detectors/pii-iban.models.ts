import { type PiiMatch, isWordChar, scanCandidates } from './pii-text.models.ts';

// An IBAN (ISO 13616) is a country code, two check digits and a BBAN whose length is
// fixed per country, written either compact or in groups of four separated by spaces.
// Only the upper-case forms are matched: that is how banks print and transmit them, and
// matching lower case would turn ordinary words followed by digits into candidates.
const CANDIDATE = /[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,8}(?: [A-Z0-9]{1,3})?)/g;

/**
 * IBAN length per country, from the SWIFT IBAN Registry (all SEPA countries and every
 * other country that issues IBANs). A code not listed is not an IBAN country.
 */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29,
  BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29,
  ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20,
  LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19,
  MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24,
  SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
  YE: 30,
};

/** The ISO 7064 MOD 97-10 check: the rearranged IBAN read as a number leaves 1 mod 97. */
export function isIbanChecksumValid(compact: string): boolean {
  const checkDigits = Number(compact.slice(2, 4));
  if (checkDigits < 2 || checkDigits > 98) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i += 1) {
    const code = rearranged.charCodeAt(i);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder === 1;
}

/** True when the compact string has its country's IBAN length and a valid checksum. */
export function isValidIban(compact: string): boolean {
  return IBAN_LENGTHS[compact.slice(0, 2)] === compact.length && isIbanChecksumValid(compact);
}

/**
 * Where a candidate ends once it holds `length` IBAN characters; -1 when that point falls
 * inside a group (the text is a longer code, not this IBAN). The candidate pattern is
 * greedy, so a following upper-case word (`… 7034 SENT`) is cut off here.
 */
function cutAtLength(candidate: string, length: number): number {
  let count = 0;
  for (let i = 0; i < candidate.length; i += 1) {
    if (candidate[i] === ' ') continue;
    count += 1;
    if (count === length) return i + 1 === candidate.length || candidate[i + 1] === ' ' ? i + 1 : -1;
  }
  return -1;
}

/** Finds IBANs (compact or grouped by four) with a valid length for their country and checksum. */
export function findIbans(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  scanCandidates(CANDIDATE, text, (found) => {
    const start = found.index;
    const length = IBAN_LENGTHS[found[0].slice(0, 2)];
    if (length === undefined || isWordChar(text[start - 1])) return undefined;
    const cut = cutAtLength(found[0], length);
    const end = start + cut;
    if (cut < 0 || isWordChar(text[end])) return undefined;
    if (!isIbanChecksumValid(text.slice(start, end).replaceAll(' ', ''))) return undefined;
    matches.push({ kind: 'iban', start, end, score: 1 });
    return end;
  });
  return matches;
}
