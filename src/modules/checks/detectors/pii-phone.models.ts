import { type CountryCode, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { type PiiMatch, hasIdentifierLabelBefore, isInsideToken, isWordChar, textAfter, textBefore } from './pii-text.models.ts';

// Phone numbers are validated by libphonenumber with its full ("max") metadata, which
// checks each country's real number patterns, not only lengths. Its text matcher
// (`findNumbers`) costs ~200 µs per KB even on text without numbers and up to ~300 µs per
// number found, so we find candidates ourselves (7–15 digits with short separators), drop
// those our rules would reject anyway, and have it parse and validate only the rest.
const CANDIDATE = /\+?\(?\d(?:[ \t\u00A0()./-]{0,3}\d){6,17}/g;

/** Context that makes a number a phone number rather than an id (English and the common European words). */
const PHONE_KEYWORD =
  /\b(?:phone|tel|telephone|mobile|mob|cell|call|calling|callback|call back|text|sms|whats ?app|signal|telegram|fax|contact|reach|ring|dial|hotline|helpline|landline|number|voicemail|telefon\w*|rufnummer|nummer|handy|mobil|festnetz|anrufen|erreichbar|erreichen|t[ée]l[ée]phone|portable|num[ée]ro|tel[ée]fono|m[óo]vil|cellulare|telem[óo]vel)\b/i;

/**
 * Records whose numbers look like phone numbers: parcels and waybills (DHL and FedEx numbers are
 * 10–12 digits), orders, invoices, accounts. Such a word shortly before a number, with no phone
 * word after it, makes the number that record's id (`Tracking (DHL): 0034 0434 1234`).
 */
const RECORD_WORD =
  /\b(?:tracking|track|waybill|air ?waybill|awb|consignment|parcel|package|shipment|delivery|order|invoice|inv|account|acct|policy|claim|reservation|booking|confirmation|reference|ticket|case|serial|imei|iccid|sku|transaction|receipt|batch|lot|sendung(?:snummer)?|bestell(?:ung|nummer)|rechnung(?:snummer)?|kundennummer|auftrag(?:snummer)?|commande|facture|colis|pedido|factura)\b/gi;
/** A number followed by such a word names the record (`0034 0434 1234 is your tracking number`). */
const RECORD_AFTER = /^\W{0,3}(?:is|was|=)?\s*(?:your|the|our)?\s*(?:tracking|waybill|awb|consignment|parcel|order|invoice|account|reference|ticket|case|policy|claim|booking|confirmation|shipment)\b/i;
const RECORD_WINDOW = 40;
const SENTENCE_ENDS = ['\n', '. ', '? ', '! '];

function isNamedRecordBefore(text: string, index: number): boolean {
  // An international number is a phone number whatever is said before it; a record word counts
  // only in the number's own sentence.
  if (text[index] === '+') return false;
  const window = textBefore(text, index, RECORD_WINDOW);
  const before = window.slice(Math.max(0, ...SENTENCE_ENDS.map((end) => window.lastIndexOf(end) + 1)));
  let lastRecord = -1;
  RECORD_WORD.lastIndex = 0;
  for (let m = RECORD_WORD.exec(before); m !== null; m = RECORD_WORD.exec(before)) lastRecord = m.index + m[0].length;
  return lastRecord !== -1 && !PHONE_WORD.test(before.slice(lastRecord).replace(NUMBER_WORD, ''));
}

/** `number` names the record it follows (`account number`), so only another phone word re-opens the phone reading. */
const NUMBER_WORD = /\b(?:number|no|nummer|num[ée]ro)\b/gi;
const PHONE_WORD = PHONE_KEYWORD;

/** Dotted quads inside a candidate are IPv4 addresses (`5737 192.0.2.1` parses as a US number). */
const DOTTED_QUAD = /\d{1,3}(?:\.\d{1,3}){3}/;
const BARE_DIGITS = /^\d+$/;
const DATE_PREFIX = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?!\d)/;
const NON_DIGIT = /\D/g;
const LEADING_SEPARATORS = /^[^\d+(]+/;
const MIN_PHONE_DIGITS = 7;
/** E.164 caps a number at 15 digits: longer runs are card numbers, ids and amounts. */
const MAX_PHONE_DIGITS = 15;
const MEMO_SIZE = 1000;
const DIGIT_GROUP = /\+?\d+/g;
const DIGIT_GROUPS = /\d+/g;
const MAX_TRIMMED_GROUPS = 2;
const MAX_TRIMMED_GROUP_DIGITS = 2;

/**
 * Scores of a validated number. International (`+`) numbers and numbers next to a phone
 * word are certain; a formatted national number without such a word is likely; a bare
 * digit run is only a phone number when a phone word says so (otherwise it is an order
 * number, a timestamp or an id, and is dropped).
 */
const SCORE = { certain: 1, formatted: 0.8, bareWithKeyword: 0.7 } as const;

/** The regions national numbers are read in when a source says nothing: the most common callers. */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = ['US', 'GB', 'DE'];

/**
 * The trunk prefix a region's national format starts with (`0` in GB and DE: `020 7946 0018`),
 * or '' where national numbers are written without one (US `(201) 555-0123`, BR `(11) 96123-4567`):
 * the digits libphonenumber's own example number gains when it is formatted nationally.
 */
function readTrunkPrefix(region: CountryCode): string {
  const example = getExampleNumber(region, examples);
  if (example === undefined) return '';
  const national = example.formatNational().replace(NON_DIGIT, '');
  return national.endsWith(example.nationalNumber) ? national.slice(0, national.length - example.nationalNumber.length) : '';
}

/**
 * True when a national candidate (no `+`) can be a number of `region` as people write it: a
 * region whose national format starts with a trunk prefix needs it (`20 2412 3456` is not how
 * anyone in the UK writes a number, but `2024 1234` would validate as German without it).
 */
function isWrittenLikeRegion(candidate: string, trunkPrefix: string): boolean {
  if (trunkPrefix === '') return true;
  const firstDigit = /\d/.exec(candidate);
  return firstDigit !== null && candidate.startsWith(trunkPrefix, firstDigit.index);
}

/**
 * Builds a finder of phone numbers valid in their country, national numbers being read in each
 * of `regions` in turn (the first that validates wins). Validation dominates the cost of the
 * whole PII detector, and a bot repeats the same few numbers (its own hotline) in event after
 * event, so each finder remembers its last verdicts; the memo is bounded and never changes a result.
 */
export function createPhoneFinder(regions: CountryCode | readonly CountryCode[]): (text: string) => PiiMatch[] {
  const plans = (typeof regions === 'string' ? [regions] : regions).map((region) => ({ region, trunkPrefix: readTrunkPrefix(region) }));
  const verdicts = new Map<string, Verdict>();
  const parse = (candidate: string, region: CountryCode) => {
    const parsed = parsePhoneNumberFromString(candidate, { defaultCountry: region, extract: false });
    return parsed !== undefined && parsed.isPossible() && parsed.isValid() ? parsed : undefined;
  };
  const judge = (candidate: string): Verdict => {
    if (candidate.startsWith('+')) return parse(candidate, plans[0]?.region ?? 'US') ? VERDICT.valid : VERDICT.invalid;
    let verdict: Verdict = VERDICT.invalid;
    for (const [index, plan] of plans.entries()) {
      if (!isWrittenLikeRegion(candidate, plan.trunkPrefix)) continue;
      const parsed = parse(candidate, plan.region);
      if (parsed === undefined) continue;
      if (index === 0 || hasSameGroups(candidate, parsed.formatNational())) return VERDICT.valid;
      verdict = VERDICT.otherwiseGrouped;
    }
    return verdict;
  };
  const judgeOnce = (candidate: string): Verdict => {
    const known = verdicts.get(candidate);
    if (known !== undefined) return known;
    const verdict = judge(candidate);
    if (verdicts.size >= MEMO_SIZE) verdicts.clear();
    verdicts.set(candidate, verdict);
    return verdict;
  };
  return (text) => {
    const matches: PiiMatch[] = [];
    // exec, not matchAll: matchAll copies the regex on every call, and most texts hold no candidate.
    CANDIDATE.lastIndex = 0;
    for (let candidate = CANDIDATE.exec(text); candidate !== null; candidate = CANDIDATE.exec(text)) {
      const start = startOfPossiblePhone(text, candidate.index, candidate[0]);
      if (start === undefined) continue;
      const end = candidate.index + candidate[0].length;
      const judged = findValidSpan(text, listSpans(text, start, end), judgeOnce);
      if (judged === undefined) continue;
      const { span, verdict } = judged;
      const score = scorePhone(text, span.start, span.end, verdict === VERDICT.otherwiseGrouped);
      if (score > 0) matches.push({ kind: 'phone', start: span.start, end: span.end, score });
    }
    return matches;
  };
}

/**
 * What a candidate is: invalid everywhere; valid (an international number, or a national one in
 * the first region, or in another region written in that region's grouping); or valid only in
 * another region and grouped otherwise (`046 454 286` is a Canadian SIN's grouping, which
 * validates as a German number `04645 4286`): such a number needs a phone word.
 */
const VERDICT = { invalid: 0, valid: 1, otherwiseGrouped: 2 } as const;
type Verdict = (typeof VERDICT)[keyof typeof VERDICT];

/** The first span whose text is a valid number (spans are judged lazily: each costs a parse). */
function findValidSpan(
  text: string,
  spans: Array<{ start: number; end: number }>,
  judge: (candidate: string) => Verdict,
): { span: { start: number; end: number }; verdict: Verdict } | undefined {
  for (const span of spans) {
    const verdict = judge(text.slice(span.start, span.end));
    if (verdict !== VERDICT.invalid) return { span, verdict };
  }
  return undefined;
}

/** True when both strings split their digits into groups of the same lengths. */
function hasSameGroups(written: string, formatted: string): boolean {
  const lengths = (value: string) => (value.match(DIGIT_GROUPS) ?? []).map((group) => group.length).join(',');
  return lengths(written) === lengths(formatted);
}

/**
 * The candidate, then the candidate without one or two short (1–2 digit) groups at its end
 * or start: the candidate pattern runs on into small neighbouring numbers
 * (`1-800-555-0199 24/7`, `(201) 555-0123 10am`, `Step 2 202-555-0143`), which a
 * whole-candidate parse rejects. Longer groups are never cut off: a phone number found
 * inside a card number or an id would be a false positive.
 */
function listSpans(text: string, start: number, end: number): Array<{ start: number; end: number }> {
  const groups = [...text.slice(start, end).matchAll(DIGIT_GROUP)].map((g) => ({
    start: start + g.index,
    end: start + g.index + g[0].length,
    short: g[0].length <= MAX_TRIMMED_GROUP_DIGITS,
  }));
  const spans = [{ start, end }];
  for (let k = 1; k <= MAX_TRIMMED_GROUPS && k < groups.length; k += 1) {
    const last = groups[groups.length - 1 - k];
    if (last !== undefined && groups.slice(-k).every((g) => g.short)) spans.push({ start, end: last.end });
    const first = groups[k];
    if (first !== undefined && groups.slice(0, k).every((g) => g.short)) spans.push({ start: first.start, end });
  }
  return spans.filter((span) => {
    const digits = countDigits(text.slice(span.start, span.end));
    return digits >= MIN_PHONE_DIGITS && digits <= MAX_PHONE_DIGITS;
  });
}

function countDigits(value: string): number {
  return value.replace(NON_DIGIT, '').length;
}

/**
 * Where a candidate may hold a phone number, or undefined when it cannot: parsing costs
 * 10–60 µs, so the cheap rules that would reject its result anyway run first. A leading
 * date (`2024-03-02 202-555-0143`) is skipped rather than the whole candidate.
 */
function startOfPossiblePhone(text: string, index: number, candidate: string): number | undefined {
  if (isWordChar(text[index - 1]) || DOTTED_QUAD.test(candidate)) return undefined;
  if (BARE_DIGITS.test(candidate) && !PHONE_KEYWORD.test(textBefore(text, index, 40))) return undefined;
  if (hasIdentifierLabelBefore(text, index) || isNamedRecordBefore(text, index)) return undefined;
  const date = DATE_PREFIX.exec(candidate);
  const rest = date === null ? candidate : candidate.slice(date[0].length);
  const digits = countDigits(rest);
  if (digits < MIN_PHONE_DIGITS) return undefined;
  return date === null ? index : index + date[0].length + (LEADING_SEPARATORS.exec(rest)?.[0].length ?? 0);
}

function scorePhone(text: string, start: number, end: number, needsKeyword: boolean): number {
  const number = text.slice(start, end);
  // `2015550123.5`, `2015550123-x`: the number goes on past the candidate.
  if (isInsideToken(text, start, end, '-./')) return 0;
  if (RECORD_AFTER.test(textAfter(text, end, 40))) return 0;
  // `… (mobile)`, `… is her mobile`: the phone word may follow the number.
  const hasKeyword = PHONE_KEYWORD.test(textBefore(text, start, 40)) || PHONE_KEYWORD.test(textAfter(text, end, 24));
  if (BARE_DIGITS.test(number) || needsKeyword) return hasKeyword ? SCORE.bareWithKeyword : 0;
  return hasKeyword || number.startsWith('+') ? SCORE.certain : SCORE.formatted;
}
