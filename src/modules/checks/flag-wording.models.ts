import { GRADER_UNAVAILABLE, SEVERITY_RANK, type Detection, type FlagOrigin, type Severity, type TextField } from './checks.models.ts';
import {
  APP_FLAG_NAMES, BLOCKLIST_KINDS, GRADER_TOPICS, INJECTION_KINDS, PII_KINDS, PROMPT_LEAK_KINDS, SECRET_KINDS, capitalize, humanizeCode,
} from './flag-kinds.models.ts';

// One vocabulary for every message a person reads about a flag: review cards, escalation
// titles, incident evidence, probe cards, the digest. Plain text, no mrkdwn: callers escape it
// like any other text, and add emoji only beside these words, never instead of them.

/** Anything shaped like a flag: a stored Flag, a detection, an app flag, a digest's `app:name` count. */
export interface FlagLike {
  /** Detector or grader name, the app's flag name (bare with origin `app`, or `app:`-prefixed), or `grader_unavailable`. */
  check: string;
  origin?: FlagOrigin;
  kind?: string;
  severity?: Severity;
  /** Where it was found, when known (detections know it; flags do not). */
  field?: TextField;
  score?: number;
  reason?: string;
}

export interface FlagWording {
  /** "Possible secret leak: AWS access key in the answer" — a card header, a page title. */
  headline: string;
  /** "AWS access key in the answer" — a list item or part of a sentence. */
  short: string;
  /** "Possible secret leak" — the kind of problem. */
  category: string;
  /** "AWS access key" — what was found, without where. */
  what: string;
  /** "in the answer", or null when the flag does not say. */
  where: string | null;
  /** "Vigil's secret scanner", "the AI tone judge", "the app". */
  foundBy: string;
  /** "Critical", "Warning", "Info". */
  severityWords: string;
}

export interface WordingOptions {
  /** The source's name, to say whose answer it was ("in a support-bot answer"). */
  source?: string;
}

/** App flags are named by the app: counted as `app:<name>`, apart from Vigil's checks of the same name. */
export const APP_FLAG_PREFIX = 'app:';
/** The check name of a probe that got through (monitoring's PROBE_FLAG_CHECK). */
const PROBE_CHECK = 'probe';

export const SEVERITY_WORDS: Record<Severity, string> = { critical: 'Critical', warn: 'Warning', info: 'Info' };

const ORIGIN_RANK: Record<FlagOrigin, number> = { detector: 3, grader: 2, app: 1, system: 0 };

const DETECTOR_TOPICS: Record<string, { category: (field?: TextField) => string; kinds: Readonly<Record<string, string>>; foundBy: string }> = {
  secrets: { category: (field) => (field === 'input' ? 'Secret shared by the user' : 'Possible secret leak'), kinds: SECRET_KINDS, foundBy: 'Vigil’s secret scanner' },
  pii: { category: (field) => (field === 'input' ? 'Personal data from the user' : 'Possible personal data leak'), kinds: PII_KINDS, foundBy: 'Vigil’s personal-data scanner' },
  injection: { category: () => 'Possible prompt injection', kinds: INJECTION_KINDS, foundBy: 'Vigil’s injection scanner' },
  prompt_leak: { category: () => 'System prompt leak', kinds: PROMPT_LEAK_KINDS, foundBy: 'Vigil’s prompt-leak check' },
  blocklist: { category: () => 'Blocked wording', kinds: BLOCKLIST_KINDS, foundBy: 'the source’s blocklist' },
};

/** Which part of the event, in the words of someone reading a conversation. */
export function describeField(field: TextField, options: WordingOptions = {}): string {
  const of = options.source ? ` to ${options.source}` : '';
  if (field === 'input') return `in the user’s message${of}`;
  if (field === 'context') return `in the retrieved context${options.source ? ` of ${options.source}` : ''}`;
  return options.source ? `in a ${options.source} answer` : 'in the answer';
}

/** A detection as a flag that knows where it was found. */
export function toFlagLike(detection: Pick<Detection, 'detector' | 'kind' | 'field' | 'severity'> & { score?: number }): FlagLike {
  const flag: FlagLike = { check: detection.detector, origin: 'detector', kind: detection.kind, field: detection.field, severity: detection.severity };
  return detection.score === undefined ? flag : { ...flag, score: detection.score };
}

function splitAppName(flag: FlagLike): string | null {
  if (flag.check.startsWith(APP_FLAG_PREFIX)) return flag.check.slice(APP_FLAG_PREFIX.length);
  return flag.origin === 'app' ? flag.check : null;
}

function compose(category: string, what: string, where: string | null, foundBy: string, severity: Severity | undefined): FlagWording {
  const short = where ? `${what} ${where}` : what;
  return { headline: `${category}: ${short}`, short, category, what, where, foundBy, severityWords: SEVERITY_WORDS[severity ?? 'warn'] };
}

/** Plain words for one flag; never a raw code, whatever the detector, grader or app sent. */
export function describeFlag(flag: FlagLike, options: WordingOptions = {}): FlagWording {
  const where = flag.field ? describeField(flag.field, options) : null;
  const appName = splitAppName(flag);
  if (appName !== null) {
    const what = APP_FLAG_NAMES[appName] ?? humanizeCode(appName);
    return compose(`Flagged by ${options.source ?? 'the app'}`, what, where, options.source ?? 'the app', flag.severity);
  }
  if (flag.check === PROBE_CHECK) {
    const probe = flag.kind ? humanizeCode(flag.kind) : 'an attack';
    return compose('Attack probe got through', `Vigil’s synthetic attack “${probe}”`, where, 'Vigil’s scheduled probes', flag.severity);
  }
  if (flag.check === GRADER_UNAVAILABLE) {
    return compose('Not graded', 'the AI judge was unavailable, so a person checks instead', null, 'Vigil', flag.severity);
  }
  const detector = flag.origin === 'grader' || flag.origin === 'system' ? undefined : DETECTOR_TOPICS[flag.check];
  if (detector) {
    const what = flag.kind ? (detector.kinds[flag.kind] ?? humanizeCode(flag.kind)) : 'a match';
    return compose(detector.category(flag.field), what, where, detector.foundBy, flag.severity);
  }
  return describeGraderFlag(flag, where, options);
}

function describeGraderFlag(flag: FlagLike, where: string | null, options: WordingOptions): FlagWording {
  const judge = `the AI ${humanizeCode(flag.check)} judge`;
  if (flag.kind === 'judge_hijacked') {
    return compose('AI judge hijacked', `the content took over ${judge}, so its score is not trusted`, null, judge, flag.severity);
  }
  const topic = GRADER_TOPICS[flag.check];
  const place = where ?? (flag.check === 'injection' ? null : describeField('output', options));
  const borderline = flag.kind === 'borderline' ? ' (borderline)' : '';
  if (topic) {
    const headline = `${topic.headline}${borderline}`;
    const wording = compose(headline, topic.short, place, judge, flag.severity);
    return { ...wording, headline: place ? `${headline} ${place}` : headline };
  }
  const category = `${capitalize(humanizeCode(flag.check))} judge flagged it${borderline}`;
  const what = flag.kind && flag.kind !== 'violation' ? humanizeCode(flag.kind) : `a ${humanizeCode(flag.check)} problem`;
  return compose(category, what, place, judge, flag.severity);
}

/**
 * The flag a reader should hear about first: the most severe; among equals, what Vigil found
 * itself before what a judge thought, before what the app said; then the higher score.
 * Ties keep input order, so the first of equal flags wins.
 */
export function strongestFlag<T extends FlagLike>(flags: readonly T[]): T | null {
  let best: T | null = null;
  for (const flag of flags) if (best === null || compareStrength(flag, best) > 0) best = flag;
  return best;
}

function compareStrength(a: FlagLike, b: FlagLike): number {
  const rank = (flag: FlagLike) => [
    SEVERITY_RANK[flag.severity ?? 'warn'],
    ORIGIN_RANK[flag.origin ?? (splitAppName(flag) !== null ? 'app' : 'detector')],
    flag.score ?? 0,
  ];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i += 1) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return 0;
}

/**
 * Several flags in one line, strongest first, one mention per distinct finding:
 * "AWS access key and email address in the answer; jailbreak attempt in the user’s message, and 2 more".
 */
export function summarizeFlags(flags: readonly FlagLike[], options: WordingOptions & { max?: number } = {}): string {
  const ordered = [...flags].sort((a, b) => compareStrength(b, a));
  const groups = new Map<string, string[]>();
  let shown = 0;
  let hidden = 0;
  for (const flag of ordered) {
    const wording = describeFlag(flag, options);
    const key = wording.where ?? '';
    const whats = groups.get(key) ?? [];
    if (whats.includes(wording.what)) continue;
    if (shown >= (options.max ?? 3)) { hidden += 1; continue; }
    whats.push(wording.what);
    groups.set(key, whats);
    shown += 1;
  }
  const parts = [...groups].map(([where, whats]) => `${joinWords(whats)}${where ? ` ${where}` : ''}`);
  return `${parts.join('; ')}${hidden > 0 ? `, and ${hidden} more` : ''}`;
}

/** "a", "a and b", "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** A check's name alone, as a digest counts them: `pii` → "Personal data", `app:user_report` → "App flag: user report". */
export function describeCheck(check: string): string {
  if (check.startsWith(APP_FLAG_PREFIX)) return `App flag: ${humanizeCode(check.slice(APP_FLAG_PREFIX.length))}`;
  return CHECK_NAMES[check] ?? capitalize(humanizeCode(check));
}

const CHECK_NAMES: Readonly<Record<string, string>> = {
  secrets: 'Secrets',
  pii: 'Personal data',
  injection: 'Prompt injection',
  prompt_leak: 'System prompt leak',
  blocklist: 'Blocked wording',
  tone: 'Tone',
  brand: 'Brand voice',
  policy: 'Content policy',
  [GRADER_UNAVAILABLE]: 'Not graded (AI judge unavailable)',
  [PROBE_CHECK]: 'Attack probes that got through',
};

/** "1 event", "3 events". */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
