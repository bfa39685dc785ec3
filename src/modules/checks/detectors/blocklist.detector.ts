// Words and patterns a source never wants to see, usually in the model's output. Words are
// matched case-insensitively on whole words of the normalised view, so full-width letters and
// zero-width characters do not slip past. Patterns are regexes that approvers type into Slack
// or the API; a careless one such as (a+)+$ backtracks for hours on the wrong input. So:
// - validation rejects what is known to explode (nested quantifiers, repeated groups of
//   alternatives that can match the same text, backreferences, lookbehind) and caps length;
// - every view is scanned up to a size cap;
// - all patterns of one check run inside a vm time budget, because some polynomial cases
//   (\w+@\w+ on 200 KB of letters) pass any static check. A check that runs out of time
//   reports `pattern_timeout` instead of passing silently.
// - except straight patterns (no quantifier, no alternation: an escaped phrase, which is what
//   "Block answers with this phrase" proposes) on texts short enough that their worst case is a few
//   milliseconds: the vm's watchdog costs ~130 µs per run, more than all the detectors.

import { createContext, Script } from 'node:vm';
import safeRegex from 'safe-regex2';
import { VigilError } from '../../../platform/errors.ts';
import type { Detection, FieldViews, Severity, TextField } from '../checks.models.ts';
import { maskEvidence } from '../evidence.models.ts';

export const MAX_PATTERN_LENGTH = 500;
export const MAX_UNBOUNDED_REPEATS = 3;
const DEFAULT_MAX_SCAN_CHARS = 200 * 1024;
const DEFAULT_TIMEOUT_MS = 20;
const MAX_MATCHES_PER_PATTERN = 100;
/**
 * A straight pattern tries one path of at most its own length at each position, so scanning
 * costs at most (pattern length × characters scanned) steps; up to this many it runs without
 * the vm (1 KB × 500 characters, or 8 KB × 500: a few milliseconds at worst).
 */
const MAX_DIRECT_STEPS = 4_000_000;
const WORD_CHAR = String.raw`[\p{L}\p{N}_]`;
const PATTERN_FLAGS = 'giu';

export interface BlocklistConfig {
  words?: string[];
  patterns?: string[];
  /** Fields to scan; the model's output unless the source asks for more. */
  fields?: TextField[];
  severity?: Severity;
  /** Time budget of all patterns in one check. */
  timeoutMs?: number;
  maxScanChars?: number;
}

export interface CompiledBlocklist {
  detect(fields: FieldViews[]): Detection[];
}

export class BlocklistPatternError extends VigilError {
  readonly pattern: string;
  readonly reason: string;

  constructor(pattern: string, reason: string, index: number) {
    const shown = pattern.length > 80 ? `${pattern.slice(0, 77)}...` : pattern;
    super({
      code: 'blocklist.invalid_pattern',
      statusCode: 400,
      message: `Blocklist pattern #${index + 1} /${shown}/ was rejected: ${reason}`,
      details: [{ path: `patterns[${index}]`, message: reason }],
    });
    this.name = 'BlocklistPatternError';
    this.pattern = pattern;
    this.reason = reason;
  }
}

interface CompiledPattern {
  /** Its position in the configured list (evidence and timeout messages count from it). */
  index: number;
  regex: RegExp;
  /** For a straight pattern its length, the most steps one attempt can take; else null. */
  straightSteps: number | null;
}

interface GroupFrame {
  alternatives: string[];
  current: string;
}

/** The first character of an alternative when it is a plain letter or digit, else undefined. */
function literalHead(alternative: string): string | undefined {
  const head = alternative[0];
  return head !== undefined && /[\p{L}\p{N}]/u.test(head) ? head.toLowerCase() : undefined;
}

/** Alternatives starting with distinct literal characters cannot match the same text twice. */
function hasDistinctHeads(alternatives: readonly string[]): boolean {
  const heads = alternatives.map(literalHead);
  return heads.every((head) => head !== undefined) && new Set(heads).size === heads.length;
}

/** Walks the pattern once for the constructs that safe-regex2 does not judge. */
function findUnsafeConstruct(pattern: string): string | undefined {
  const stack: GroupFrame[] = [{ alternatives: [], current: '' }];
  let unbounded = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    const frame = stack[stack.length - 1] as GroupFrame;
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return `uses a backreference (\\${next}…), which can take exponential time`;
      frame.current += pattern.slice(i, i + 2);
      i++;
    } else if (char === '[') {
      let end = i + 1;
      while (end < pattern.length && pattern[end] !== ']') end += pattern[end] === '\\' ? 2 : 1;
      frame.current += pattern.slice(i, end + 1);
      i = end;
    } else if (char === '(') {
      if (pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) return 'uses lookbehind ((?<= or (?<!), which is not allowed';
      const prefix = /^\(\?(?::|=|!|<[^>]*>)/u.exec(pattern.slice(i))?.[0] ?? '(';
      stack.push({ alternatives: [], current: '' });
      i += prefix.length - 1;
    } else if (char === '|') {
      frame.alternatives.push(frame.current);
      frame.current = '';
    } else if (char === ')' && stack.length > 1) {
      stack.pop();
      const alternatives = [...frame.alternatives, frame.current];
      const quantifier = /^(?:[*+]|\{\d+,\d*\})/u.exec(pattern.slice(i + 1))?.[0];
      const repeats = quantifier !== undefined && !/^\{\d+,1\}$/u.test(quantifier);
      if (repeats && alternatives.length > 1 && !hasDistinctHeads(alternatives)) {
        return 'repeats a group of alternatives that can match the same text, e.g. (a|ab)+, which can take exponential time; start each alternative with a different letter or use a character class';
      }
      (stack[stack.length - 1] as GroupFrame).current += `(${alternatives.join('|')})`;
    } else {
      if (char === '*' || char === '+' || (char === '{' && /^\{\d+,\}/u.test(pattern.slice(i)))) unbounded++;
      frame.current += char;
    }
  }
  if (unbounded > MAX_UNBOUNDED_REPEATS) {
    return `has ${unbounded} unbounded repetitions (*, + or {n,}); at most ${MAX_UNBOUNDED_REPEATS} are allowed, bound the others, e.g. {0,50}`;
  }
  return undefined;
}

export function validateBlocklistPattern(pattern: string): { ok: true } | { ok: false; reason: string } {
  if (pattern.trim().length === 0) return { ok: false, reason: 'the pattern is empty' };
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed` };
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, PATTERN_FLAGS);
  } catch (error) {
    return { ok: false, reason: `not a valid regular expression: ${(error as Error).message}` };
  }
  const unsafe = findUnsafeConstruct(pattern);
  if (unsafe !== undefined) return { ok: false, reason: unsafe };
  if (!safeRegex(pattern, { limit: Number.MAX_SAFE_INTEGER })) {
    return { ok: false, reason: 'nests quantifiers, e.g. (a+)+ or (.*a){20}, which can take exponential time' };
  }
  if (!safeRegex(pattern)) return { ok: false, reason: 'has more than 25 repetitions; split it into several patterns' };
  if (new RegExp(`^(?:${compiled.source})$`, 'u').test('')) return { ok: false, reason: 'matches the empty string, so it would flag every text' };
  return { ok: true };
}

/**
 * True when the pattern has no quantifier (`* + ? {`) and no alternation outside character
 * classes: each match attempt then follows one path, never backtracks into a choice, and costs
 * at most the pattern's length. Conservative: an escape with braces (`\p{L}`) counts as a quantifier.
 */
export function isStraightPattern(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      i++;
    } else if (char === '[') {
      while (i + 1 < pattern.length && pattern[i + 1] !== ']') i += pattern[i + 1] === '\\' ? 2 : 1;
      i++;
    } else if (char === '(' && pattern[i + 1] === '?') {
      i++; // a group's (?: (?= (?! (?<name> prefix, not a quantifier
    } else if (char === '*' || char === '+' || char === '?' || char === '{' || char === '|') {
      return false;
    }
  }
  return true;
}

/**
 * V8 interprets a regex on its first run and compiles it to machine code afterwards; running
 * it once here keeps that first, slow run off the first (possibly 200 KB) real check.
 */
function warmUp(regex: RegExp): RegExp {
  regex.exec('warm up');
  regex.lastIndex = 0;
  return regex;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');
}

/**
 * One regex for all words, longest first. A word is bounded by non-word characters on each
 * side where it starts or ends with a word character ("c++" only at its start). Words are
 * grouped by those two needs so the regex holds at most four copies of the Unicode letter
 * class, not two per word: compiling 200 words × 2 × \p{L} takes V8 hundreds of milliseconds.
 */
function compileWords(words: readonly string[]): { regex: RegExp; byKey: Map<string, string> } | undefined {
  const byKey = new Map<string, string>();
  for (const word of words) {
    const key = word.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
    if (key.length > 0 && !byKey.has(key)) byKey.set(key, word.trim());
  }
  if (byKey.size === 0) return undefined;
  const isWordChar = (char: string | undefined): boolean => char !== undefined && /[\p{L}\p{N}_]/u.test(char);
  const groups = new Map<string, string[]>();
  for (const key of [...byKey.keys()].sort((a, b) => b.length - a.length)) {
    const sides = `${isWordChar(key[0]) ? 'B' : '-'}${isWordChar(key[key.length - 1]) ? 'B' : '-'}`;
    groups.set(sides, [...(groups.get(sides) ?? []), escapeRegex(key).replace(/ /gu, String.raw`\s+`)]);
  }
  const alternatives = [...groups].map(([sides, bodies]) => {
    const before = sides[0] === 'B' ? `(?<!${WORD_CHAR})` : '';
    const after = sides[1] === 'B' ? `(?!${WORD_CHAR})` : '';
    return `${before}(?:${bodies.join('|')})${after}`;
  });
  return { regex: warmUp(new RegExp(alternatives.join('|'), 'gu')), byKey };
}

/** Lower case with every offset kept (see the same helper in injection-scan.models.ts). */
function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  return lower.length === text.length ? lower : [...text].map((c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c)).join('');
}

export function compileBlocklist(config: BlocklistConfig): CompiledBlocklist {
  const patterns = (config.patterns ?? []).map((pattern, index) => {
    const verdict = validateBlocklistPattern(pattern);
    if (!verdict.ok) throw new BlocklistPatternError(pattern, verdict.reason, index);
    return { index, regex: warmUp(new RegExp(pattern, PATTERN_FLAGS)), straightSteps: isStraightPattern(pattern) ? pattern.length : null };
  });
  const words = compileWords(config.words ?? []);
  const fields = new Set<TextField>(config.fields ?? ['output']);
  const severity = config.severity ?? 'warn';
  const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxScanChars = config.maxScanChars ?? DEFAULT_MAX_SCAN_CHARS;

  // The vm runs a closure of this realm; its only job is to make the scan interruptible.
  let job: () => void = () => undefined;
  const context = createContext({ scan: () => job() });
  const script = new Script('scan()');

  const scanWords = (field: FieldViews, found: Map<string, Detection>): void => {
    if (words === undefined) return;
    for (const view of field.views) {
      const text = lowerSameLength(view.text.slice(0, maxScanChars));
      words.regex.lastIndex = 0;
      for (let m = words.regex.exec(text); m !== null; m = words.regex.exec(text)) {
        const { start, end } = view.toOriginal(m.index, m.index + m[0].length);
        const configured = words.byKey.get(m[0].replace(/\s+/gu, ' ')) ?? m[0];
        found.set(`word:${start}:${end}`, { detector: 'blocklist', kind: 'word', field: field.field, score: 1, severity, start, end, evidence: configured });
      }
    }
  };

  const scanPatterns = (field: FieldViews, selected: readonly CompiledPattern[], found: Map<string, Detection>, progress: { pattern: number }): void => {
    for (const { index, regex: pattern } of selected) {
      progress.pattern = index;
      for (const view of field.views) {
        const text = view.text.slice(0, maxScanChars);
        pattern.lastIndex = 0;
        let count = 0;
        for (let m = pattern.exec(text); m !== null && count < MAX_MATCHES_PER_PATTERN; m = pattern.exec(text), count++) {
          if (m[0].length === 0) {
            pattern.lastIndex++;
            continue;
          }
          const { start, end } = view.toOriginal(m.index, m.index + m[0].length);
          found.set(`pattern:${index}:${start}:${end}`, {
            detector: 'blocklist', kind: 'pattern', field: field.field, score: 1, severity, start, end, evidence: maskEvidence(m[0]),
          });
        }
      }
    }
  };

  return {
    detect(input) {
      const found = new Map<string, Detection>();
      const scanned = input.filter((field) => fields.has(field.field));
      for (const field of scanned) scanWords(field, found);
      if (patterns.length === 0 || scanned.length === 0) return [...found.values()];
      const progress = { field: scanned[0]?.field ?? 'output', pattern: 0 };
      let scannedChars = 0;
      for (const field of scanned) for (const view of field.views) scannedChars += Math.min(view.text.length, maxScanChars);
      const direct = patterns.filter((pattern) => pattern.straightSteps !== null && pattern.straightSteps * scannedChars <= MAX_DIRECT_STEPS);
      const budgeted = direct.length === patterns.length ? [] : patterns.filter((pattern) => !direct.includes(pattern));
      for (const field of scanned) scanPatterns(field, direct, found, progress);
      if (budgeted.length === 0) return [...found.values()];
      job = () => {
        for (const field of scanned) {
          progress.field = field.field;
          scanPatterns(field, budgeted, found, progress);
        }
      };
      try {
        script.runInContext(context, { timeout });
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
        found.set('timeout', {
          detector: 'blocklist', kind: 'pattern_timeout', field: progress.field, score: 0.5, severity: 'warn', start: 0, end: 0,
          evidence: `pattern #${progress.pattern + 1} ran out of its ${timeout} ms budget; later patterns were not checked`,
        });
      } finally {
        job = () => undefined;
      }
      return [...found.values()];
    },
  };
}
