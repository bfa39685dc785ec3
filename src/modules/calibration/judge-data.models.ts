// Verdicts improve the judge itself: adjudicated items as OpenAI chat fine-tuning examples,
// and the grader's most confident mistakes as few-shot examples for its prompt. Pure.
//
// A fine-tuning example is exactly what the grader sends (its rubric as the system message,
// the content between delimiters as the user message, with a nonce to echo) and, as the
// assistant's answer, the human label: score 1 for a violation, 0 otherwise, and the
// reviewers' reason. Secrets and personal data the detectors found are redacted by default.

import type { Detection } from '../checks/checks.models.ts';
import { buildGraderMessages, neutraliseDelimiters } from '../checks/graders/grader-request.models.ts';
import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import { REDACTED_DETECTORS } from '../review/review.models.ts';
import { redactText } from '../review/redaction.models.ts';
import type { DerivedLabel } from './calibration-labels.models.ts';

export interface JudgedContent {
  input: string | null;
  output: string;
  detections: Pick<Detection, 'detector' | 'kind' | 'field' | 'start' | 'end'>[];
}

export interface FinetuneLine {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
}

/** The text of a field with the secrets and personal data found in it replaced by `[redacted kind]`. */
export function redactField(content: JudgedContent, field: 'input' | 'output'): string | null {
  const text = field === 'input' ? content.input : content.output;
  if (text === null) return null;
  const spans = content.detections.filter((d) => d.field === field && REDACTED_DETECTORS.has(d.detector)).map(({ start, end, kind }) => ({ start, end, kind }));
  return redactText(text, spans);
}

export function describeHumanReason(label: DerivedLabel, dimension: string): string {
  if (label.reason) return label.reason;
  return label.violation ? `Reviewers judged this reply a ${dimension} violation.` : `Reviewers found no ${dimension} problem in this reply.`;
}

export function buildFinetuneLine(prompt: GraderPrompt, content: JudgedContent, label: DerivedLabel, options: { nonce: string; redact: boolean }): FinetuneLine {
  const input = options.redact ? redactField(content, 'input') : content.input;
  const output = (options.redact ? redactField(content, 'output') : content.output) ?? '';
  const messages = buildGraderMessages(prompt, { ...(input !== null ? { input } : {}), output }, options.nonce);
  const answer = { nonce: options.nonce, reason: describeHumanReason(label, prompt.dimension), label: label.violation ? 'violation' : 'ok', score: label.violation ? 1 : 0 };
  return { messages: [...messages, { role: 'assistant', content: JSON.stringify(answer) }] };
}

export interface ScoredLabel {
  itemId: string;
  score: number;
  violation: boolean;
  /** The live threshold of the item's source: what counts as a mistake. */
  threshold: number;
}

/** How wrong the grader was with how much confidence: the score's distance from the human label. */
export function measureMistake(item: Pick<ScoredLabel, 'score' | 'violation'>): number {
  return item.violation ? 1 - item.score : item.score;
}

/**
 * The grader's confident mistakes at each item's live threshold, most confident first, false
 * positives and false negatives alternating (both kinds teach the rubric's boundary), at most `limit`.
 */
export function selectInformativeCorrections<T extends ScoredLabel>(items: readonly T[], limit: number): T[] {
  const byConfidence = (a: T, b: T) => measureMistake(b) - measureMistake(a) || (a.itemId < b.itemId ? -1 : 1);
  const falsePositives = items.filter((item) => !item.violation && item.score >= item.threshold).sort(byConfidence);
  const falseNegatives = items.filter((item) => item.violation && item.score < item.threshold).sort(byConfidence);
  const confidence = (list: T[]) => (list[0] ? measureMistake(list[0]) : -1);
  const queues = confidence(falseNegatives) > confidence(falsePositives) ? [falseNegatives, falsePositives] : [falsePositives, falseNegatives];
  const picked: T[] = [];
  for (let turn = 0; picked.length < limit && (queues[0]!.length > 0 || queues[1]!.length > 0); turn++) {
    const next = queues[turn % 2]!.shift() ?? queues[(turn + 1) % 2]!.shift();
    if (next) picked.push(next);
  }
  return picked;
}

const MAX_EXAMPLE_CHARS = 600;

/** Customer text goes into the grader's own instructions here: cut short, and escaped so it can never close or forge a delimiter. */
function clip(text: string): string {
  return neutraliseDelimiters(text.length > MAX_EXAMPLE_CHARS ? `${text.slice(0, MAX_EXAMPLE_CHARS)}…` : text);
}

/** A Markdown section to paste into the grader's prompt: each example with the human verdict. */
export function formatFewShotExamples(examples: readonly { content: JudgedContent; score: number; label: DerivedLabel; source: string; itemId: string }[], dimension: string): string {
  const blocks = examples.map((example, index) => {
    const input = redactField(example.content, 'input');
    const verdict = example.label.violation ? 'violation (score 1.0)' : 'ok (score 0.0)';
    return [
      `### Example ${index + 1}`,
      ...(input !== null ? ['<input>', clip(input), '</input>'] : []),
      '<output>',
      clip(redactField(example.content, 'output') ?? ''),
      '</output>',
      `Correct answer: ${verdict}. ${describeHumanReason(example.label, dimension)}`,
      `(The grader said ${example.score.toFixed(2)}; ${example.source} item ${example.itemId}.)`,
    ].join('\n');
  });
  return ['## Examples reviewers corrected', '', ...blocks.flatMap((block) => [block, ''])].join('\n').trimEnd();
}
