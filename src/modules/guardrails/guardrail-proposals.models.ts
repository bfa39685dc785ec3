import type { Detection, DetectorName } from '../checks/checks.models.ts';
import { redactText, type RedactionSpan } from '../review/redaction.models.ts';
import { encodeTightenChoice, type TightenChoice } from './guardrails.actions.ts';
import type { DetectorAction, GuardrailSpec } from './guardrails.models.ts';
import { PREVIEW_DAYS, TIGHTEN_COPY, describeDetectorSwitch, describePatternCount, describeThresholdChange } from './guardrail-copy.models.ts';

// What the tighten modal proposes for one review item, and the previews that let an approver
// judge a change before making it. Pure: the recent events and scores are parameters.

export { PREVIEW_DAYS, describePatternCount } from './guardrail-copy.models.ts';
export const DAY_MS = 86_400_000;
const PHRASE_MAX_WORDS = 8;
const PHRASE_MAX_CHARS = 80;
/** Detectors whose evidence is customer data: never copied into a guardrail, which is public to the app and the log channel. */
const SENSITIVE_DETECTORS: ReadonlySet<string> = new Set(['secrets', 'pii', 'prompt_leak']);

export function escapeRegexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');
}

/** The first sentence of at least three words, cut to a few words: specific enough to block, short enough to edit. */
function pickPhrase(output: string): string | null {
  const sentences = output
    .split(/(?<=[.!?])\s+|\n+/u)
    .map((sentence) => sentence.replace(/\s+/gu, ' ').trim())
    .filter((sentence) => sentence.length > 0);
  const chosen = sentences.find((sentence) => sentence.split(' ').length >= 3) ?? sentences[0];
  if (!chosen) return null;
  let phrase = chosen.split(' ').slice(0, PHRASE_MAX_WORDS).join(' ');
  if (phrase.length > PHRASE_MAX_CHARS) phrase = phrase.slice(0, PHRASE_MAX_CHARS).replace(/\s+\S*$/u, '');
  return phrase.replace(/[\s.,;:!?]+$/u, '') || null;
}

/**
 * A regex proposal taken from the output: the text a non-sensitive detector matched in it
 * (an injection or a leaked prompt), else its first real sentence, as an escaped literal.
 */
export function proposeBlockPattern(output: string, detections: readonly Pick<Detection, 'detector' | 'field' | 'start' | 'end'>[]): string | null {
  const onOutput = detections.filter((d) => d.field === 'output' && d.end > d.start);
  const sensitive = onOutput.filter((d) => SENSITIVE_DETECTORS.has(d.detector));
  const overlapsSensitive = (d: { start: number; end: number }) => sensitive.some((s) => s.start < d.end && d.start < s.end);
  const matched = onOutput.find((d) => !SENSITIVE_DETECTORS.has(d.detector) && d.end - d.start <= PHRASE_MAX_CHARS && !overlapsSensitive(d));
  if (matched) return escapeRegexLiteral(output.slice(matched.start, matched.end).replace(/\s+/gu, ' ').trim()) || null;
  // A sensitive span becomes a line break, so no phrase can run across it.
  let masked = output;
  for (const span of [...sensitive].sort((a, b) => b.start - a.start)) masked = `${masked.slice(0, span.start)}\n${masked.slice(span.end)}`;
  const literal = pickPhrase(masked);
  return literal ? escapeRegexLiteral(literal) : null;
}

/** Redacts secrets and personal data found in the text (detector offsets), before any cutting or escaping. */
export function collectSensitiveSpans(detections: readonly Pick<Detection, 'detector' | 'field' | 'start' | 'end' | 'kind'>[]): RedactionSpan[] {
  return detections.filter((d) => d.field === 'output' && SENSITIVE_DETECTORS.has(d.detector)).map(({ start, end, kind }) => ({ start, end, kind }));
}

/** A window of `radius` characters around [start, end), redacted, with "…" where it was cut. */
export function excerptAround(text: string, spans: readonly RedactionSpan[], start: number, end: number, radius = 120): string {
  const from = Math.max(0, start - radius);
  const to = Math.min(text.length, end + radius);
  const shifted = spans.filter((span) => span.end > from && span.start < to).map((span) => ({ ...span, start: span.start - from, end: span.end - from }));
  return `${from > 0 ? '…' : ''}${redactText(text.slice(from, to), shifted)}${to < text.length ? '…' : ''}`;
}

export interface PatternPreview {
  pattern: string;
  scanned: number;
  matched: number;
  /** True when the scan stopped at its time budget: `matched` counts only the `scanned` events. */
  partial: boolean;
  samples: { occurredAt: number; excerpt: string }[];
}

export interface ThresholdPreview {
  grader: string;
  current: number;
  proposed: number;
  /** Scored events of the last 7 days that the proposed threshold flags and the current one does not. */
  extraFlagged: number;
  extraPerDay: number;
  scored: number;
}

export function computeThresholdPreview(input: { grader: string; current: number; proposed: number; extraFlagged: number; scored: number; days?: number }): ThresholdPreview {
  const days = input.days ?? PREVIEW_DAYS;
  return { grader: input.grader, current: input.current, proposed: input.proposed, extraFlagged: input.extraFlagged, scored: input.scored, extraPerDay: input.extraFlagged / days };
}

export interface ChoiceOption {
  value: string;
  choice: TightenChoice;
  label: string;
  description: string;
}

export interface TightenOptionsInput {
  spec: GuardrailSpec;
  /** This item's grader scores. */
  scores: readonly { grader: string; score: number }[];
  thresholdPreviews: ReadonlyMap<string, ThresholdPreview>;
  /** Detectors that fired on this item's event, with how many recent events they fired on. */
  detectors: readonly { detector: DetectorName; recentCount: number }[];
  pattern: PatternPreview | null;
  rollback: { target: string | null; live: string | null };
  /** The detector to propose first (a leak or an injection on this item); see `chooseLeadDetector`. */
  leadDetector?: DetectorName | null;
}

/**
 * The radio options of the tighten modal, at most 10 (Slack's limit): the change that fits the
 * item's strongest finding first (its detector for a leak or an injection, else blocking the
 * phrase), then thresholds, other detectors, the kill switch and a rollback.
 */
export function listTightenOptions(input: TightenOptionsInput): ChoiceOption[] {
  const options: ChoiceOption[] = [];
  const add = (choice: TightenChoice, label: string, description: string) => options.push({ value: encodeTightenChoice(choice), choice, label, description });
  const addDetector = ({ detector, recentCount }: { detector: DetectorName; recentCount: number }) => {
    const action: DetectorAction = input.spec.detectors[detector].action;
    if (action === 'block') return;
    const words = describeDetectorSwitch(detector, action, recentCount);
    add({ kind: 'detector', detector }, words.label, words.description);
  };
  const lead = input.detectors.find((d) => d.detector === input.leadDetector);
  if (lead) addDetector(lead);
  const preview = input.pattern;
  add({ kind: 'block_pattern' }, TIGHTEN_COPY.blockPattern, preview ? describePatternCount(preview) : TIGHTEN_COPY.blockPatternEmpty);
  for (const { grader, score } of input.scores) {
    const rule = input.spec.graders[grader];
    const threshold = input.thresholdPreviews.get(grader);
    if (!rule || !threshold || score >= rule.threshold) continue;
    const words = describeThresholdChange(grader, score, rule.threshold, threshold.extraPerDay);
    add({ kind: 'threshold', grader }, words.label, words.description);
  }
  for (const detector of input.detectors) if (detector !== lead) addDetector(detector);
  if (input.spec.kill_switch.on) add({ kind: 'kill_switch', on: false }, 'Lift the kill switch', '/v1/check answers normally again');
  else add({ kind: 'kill_switch', on: true }, 'Turn the kill switch on', '/v1/check answers block for everything until lifted');
  if (input.rollback.target) {
    add({ kind: 'rollback' }, `Roll back to ${input.rollback.target}`, `Last known-good release; live now: ${input.rollback.live ?? 'unknown'}`);
  }
  return options.slice(0, 10);
}

