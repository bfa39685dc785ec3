// Runs the injection rules over one text. Case-insensitive Unicode regexes ('iu') are about
// seven times slower in V8 than case-sensitive ones, so the rules are written readably with
// 'i' and compiled once with their literals folded to lower case, then run over a lower-cased
// copy of the text whose offsets still match the original's.

import type { ReadingName, TextField } from '../checks.models.ts';
import { isMention, MENTION_FACTOR } from './injection-mention.models.ts';
import { createNeedleScan, type NeedleScan } from './injection-needles.models.ts';
import { INJECTION_RULES, type InjectionFeature, type InjectionRule } from './injection-rules.models.ts';

const MAX_MATCHES_PER_RULE = 16;
/** Where the phrase of a spanStartsAtWord rule begins inside its match. */
const WORD_START = /[\p{L}\p{N}@]/u;
const MAX_EVIDENCE_CHARS = 60;

/** The readings (views-readings.models.ts) the rules also run on. */
export const READING_NAMES = ['skeleton', 'leet', 'rot13', 'reversed', 'reversed_words'] as const satisfies readonly ReadingName[];

export type HiddenIn = 'normalized' | 'decoded' | 'tags' | (typeof READING_NAMES)[number];

export interface InjectionHit {
  feature: InjectionFeature;
  ruleId: string;
  weight: number;
  /** Span in the original text. */
  start: number;
  end: number;
  evidence: string;
  /** Set when the wording is only visible after normalising or decoding the text. */
  hiddenIn?: HiddenIn;
}

/** Lower-cases the literal characters of a regex source, leaving escapes (\p{L}, \S, \b…) intact. */
export function foldRegexLiterals(source: string): string {
  let folded = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i] ?? '';
    if (char !== '\\') {
      folded += char.toLowerCase();
      continue;
    }
    const next = source[i + 1] ?? '';
    const braced = 'pPu'.includes(next) && source[i + 2] === '{' ? source.indexOf('}', i + 2) : -1;
    const end = braced === -1 ? i + 1 : braced;
    folded += source.slice(i, end + 1);
    i = end;
  }
  return folded;
}

/** `text.toLowerCase()` when it keeps every offset (almost always), else a per-character fold. */
export function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let folded = '';
  for (const char of text) {
    const lowerChar = char.toLowerCase();
    folded += lowerChar.length === char.length ? lowerChar : char;
  }
  return folded;
}

const COMPILED_RULES = INJECTION_RULES.map((rule) => {
  const { source, flags } = rule.pattern;
  const folded = flags.includes('i');
  const compiledFlags = flags.replace('i', '').replace('g', '') + 'g';
  return { rule, folded, pattern: new RegExp(folded ? foldRegexLiterals(source) : source, compiledFlags) };
});

// Needles outside ASCII (the multilingual rules' words) sit in a finder of their own, run only
// when the text has letters of those scripts: their letters, each a class of its own, would
// make the ASCII finder's table four times larger, and slower on every English text.
export const isAsciiNeedle = (needle: string): boolean => /^[ -~]*$/.test(needle);
/**
 * Letters of the scripts the non-ASCII needles are written in, and the typographic apostrophe,
 * dashes and arrows some needles hold ("n’es plus", "AI —", "[ADMIN → AI]"); not other symbols
 * such as €. Every non-ASCII needle must contain one (tested), or its rule would never run on a
 * text without foreign letters.
 */
// The ranges are whole Unicode blocks; a block that starts with a combining mark is not a misleading class.
// eslint-disable-next-line no-misleading-character-class
export const FOREIGN_LETTER = /[\u2013\u2014\u2019\u2192\u00bb\u00c0-\u024f\u0370-\u04ff\u0590-\u06ff\u0900-\u09ff\u0e00-\u0e7f\u1e00-\u1eff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

/** A needle scan over `needles` and, per needle index, the rules that need that needle. */
function createRuleMarker(folded: boolean, keep: (needle: string) => boolean): { scan: NeedleScan; rulesOf: number[][] } {
  const rulesByNeedle = new Map<string, number[]>();
  COMPILED_RULES.forEach((compiled, index) => {
    if (compiled.folded !== folded) return;
    for (const needle of compiled.rule.needs) if (needle !== '' && keep(needle)) rulesByNeedle.set(needle, [...(rulesByNeedle.get(needle) ?? []), index]);
  });
  const needles = [...rulesByNeedle.keys()];
  return { scan: createNeedleScan(needles), rulesOf: needles.map((needle) => rulesByNeedle.get(needle)!) };
}
const foldedAscii = createRuleMarker(true, isAsciiNeedle);
const foldedForeign = createRuleMarker(true, (needle) => !isAsciiNeedle(needle));
const exact = createRuleMarker(false, () => true);

/**
 * The rules the text's needles allow, as a list of indexes and a per-rule mark against doubles,
 * both reused by every call (matchRules does not nest): a new array of this size is allocated
 * outside the heap, and that cost a fifth of a short input's scan; a pass over every rule's mark
 * cost a third of the rest, where a text allows a rule or two.
 */
const MARKED = new Uint8Array(COMPILED_RULES.length);
const runnable: number[] = [];
// One function per table, made once: found needles mark their rules with no closure or set per text.
const markFoldedAscii = (index: number): void => markRules(foldedAscii.rulesOf[index]!);
const markFoldedForeign = (index: number): void => markRules(foldedForeign.rulesOf[index]!);
const markExact = (index: number): void => markRules(exact.rulesOf[index]!);

function markRules(rules: readonly number[]): void {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (MARKED[rule] === 1) continue;
    MARKED[rule] = 1;
    runnable.push(rule);
  }
}

/** The rules marked for `text` and `lower`, in rule order, with every mark cleared again. */
function listRunnableRules(text: string, lower: string): number[] {
  runnable.length = 0;
  foldedAscii.scan(lower, markFoldedAscii);
  if (FOREIGN_LETTER.test(lower)) foldedForeign.scan(lower, markFoldedForeign);
  exact.scan(text, markExact);
  for (const rule of runnable) MARKED[rule] = 0;
  return runnable.sort((a, b) => a - b);
}

/**
 * What is looked for in an answer: what a document it quotes may carry to the AI (an address
 * to it, exfiltration, hidden text, forged role markers). The rest of an answer's wording is the
 * assistant's own, so overrides, personas and requests for the system prompt are left to the
 * input, and a task or answer shape (weight 0 outside retrieved context) is not looked for.
 */
export const QUOTED_FEATURES: ReadonlySet<InjectionFeature> = new Set(['indirect_instruction', 'exfiltration', 'hidden_text', 'role_marker']);
/** Features whose wording an answer has only from a document it quotes: weighed there as in the document. */
const ADDRESSED_FEATURES: ReadonlySet<InjectionFeature> = new Set(['indirect_instruction', 'hidden_text']);

function weighMatch(rule: InjectionRule, match: RegExpExecArray, field: TextField | undefined): number {
  const weight = typeof rule.weight === 'number' ? rule.weight : rule.weight(match);
  const readAsDocument = field === 'context' || (field === 'output' && ADDRESSED_FEATURES.has(rule.feature));
  if (!readAsDocument || rule.contextWeight === undefined) return weight;
  return Math.max(weight, typeof rule.contextWeight === 'number' ? rule.contextWeight : rule.contextWeight(match));
}

/** The match, or its first and last words around " … " when it is long. */
function shorten(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  if (flat.length <= MAX_EVIDENCE_CHARS) return flat;
  const words = flat.split(' ');
  const budget = Math.floor((MAX_EVIDENCE_CHARS - 3) / 2);
  const take = (list: string[]): string[] => {
    const kept: string[] = [];
    for (const word of list) {
      if (kept.join(' ').length + word.length + 1 > budget && kept.length > 0) break;
      kept.push(word.slice(0, budget));
    }
    return kept;
  };
  return `${take(words).join(' ')} … ${take([...words].reverse()).reverse().join(' ')}`;
}

/** Every match of every rule in `text`, with spans mapped to the original by `toOriginal`. */
export function matchRules(
  text: string,
  toOriginal: (start: number, end: number) => { start: number; end: number },
  hiddenIn?: HiddenIn,
  field?: TextField,
): InjectionHit[] {
  const lower = lowerSameLength(text);
  const label = hiddenIn === undefined ? '' : `[${hiddenIn}] `;
  const hits: InjectionHit[] = [];
  for (const index of listRunnableRules(text, lower)) {
    const { rule, folded, pattern } = COMPILED_RULES[index] as (typeof COMPILED_RULES)[number];
    // A rule that weighs nothing outside retrieved context is not run there.
    if (rule.weight === 0 && field !== 'context') continue;
    if (field === 'output' && !QUOTED_FEATURES.has(rule.feature)) continue;
    const target = folded ? lower : text;
    pattern.lastIndex = 0;
    let seen = 0;
    for (let m = pattern.exec(target); m !== null && seen < MAX_MATCHES_PER_RULE; m = pattern.exec(target)) {
      seen++;
      if (m[0].length === 0) pattern.lastIndex++;
      const end = m.index + m[0].length;
      const start = rule.spanStartsAtWord ? m.index + Math.max(0, m[0].search(WORD_START)) : m.index;
      const weight = weighMatch(rule, m, field) * (isMention(text, start, end) ? MENTION_FACTOR : 1);
      if (weight <= 0) continue;
      const evidence = label + shorten(text.slice(start, end));
      hits.push({ feature: rule.feature, ruleId: rule.id, weight, ...toOriginal(start, end), evidence, ...(hiddenIn && { hiddenIn }) });
    }
  }
  return hits;
}
