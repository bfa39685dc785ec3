import type { Detection, Severity } from '../checks/checks.models.ts';
import { escapeMrkdwn } from '../../shared/mrkdwn.ts';
import { redactText, type RedactionSpan } from './redaction.models.ts';

// The review card's view model: everything a card, its modals and its follow-ups show,
// filled by the review usecases. `input`, `output`, names and reasons are untrusted text;
// the blocks escape them. `notes` are the exception: safe mrkdwn that Vigil built itself.

export type ReviewDecision = 'approve' | 'reject';
export type ReviewCardState = 'pending' | 'needs_adjudication' | 'final' | 'expired';

export interface ReviewCardVerdict {
  reviewerId: string;
  decision: ReviewDecision;
  reasonCategory?: string;
  /** The reviewer's own words on a reject; untrusted, escaped where shown. */
  note?: string;
  tone?: number;
  brand?: number;
  edgeCase?: boolean;
}

export interface ReviewCardModel {
  itemId: string;
  source: string;
  release: string | null;
  model: string | null;
  modelVersion: string | null;
  occurredAt: number;
  priority: Severity;
  /** Why the item was chosen for review. */
  reasons: { code: string; detail: string }[];
  detections: Pick<Detection, 'detector' | 'kind' | 'severity' | 'field' | 'evidence' | 'start' | 'end'>[];
  appFlags: { name: string; severity?: Severity; score?: number; reason?: string }[];
  /** Raw and untrusted. */
  input: string | null;
  output: string;
  /** Secrets and PII redacted; on by default. */
  redact: boolean;
  graderScores: { grader: string; score: number; threshold: number; label?: string }[];
  /** Blind review: false until this reviewer's verdict is in, so the judge does not anchor the human. */
  showScores: boolean;
  verdicts: ReviewCardVerdict[];
  requiredVerdicts: number;
  state: ReviewCardState;
  outcome: 'approved' | 'rejected' | null;
  /** The approver whose decision settled a disagreement, when one did. */
  adjudicatedBy?: string;
  /** The source's reject reason categories (codes). */
  rejectReasons: string[];
  /** Rated dimensions, e.g. `['tone', 'brand', 'policy', 'accuracy']`. */
  dimensions: string[];
  /** Follow-ups shown in a context line; already safe mrkdwn built by Vigil. */
  notes: string[];
  canTighten?: boolean;
  canEscalate?: boolean;
  /** A synthetic attack Vigil sent (a probe) that got through: the card says so and asks for no ratings. */
  probe?: { name: string; reason: string | null };
}

/** Detectors whose matches are hidden when the card redacts: a leaked system prompt or canary is as sensitive as a secret. */
export const REDACTED_DETECTORS: ReadonlySet<string> = new Set(['secrets', 'pii', 'prompt_leak']);

export function collectRedactionSpans(card: ReviewCardModel, field: 'input' | 'output'): RedactionSpan[] {
  if (!card.redact) return [];
  return card.detections
    .filter((detection) => detection.field === field && REDACTED_DETECTORS.has(detection.detector))
    .map(({ start, end, kind }) => ({ start, end, kind }));
}

/** The raw text of a field as the card may show it: redacted when the card redacts. Not yet escaped. */
export function selectShownText(card: ReviewCardModel, field: 'input' | 'output'): string | null {
  const text = field === 'input' ? card.input : card.output;
  return text === null ? null : redactText(text, collectRedactionSpans(card, field));
}

/** Voting controls show only while verdicts are being collected. */
export function isCardVotable(card: ReviewCardModel): boolean {
  return card.state === 'pending';
}

/** Final and expired cards are a record: no votes, only the menu (View full, tighten, escalate). */
export function isCardClosed(card: ReviewCardModel): boolean {
  return card.state === 'final' || card.state === 'expired';
}

/**
 * A short hash of the whole card. Block ids include it because Slack asks for a new block_id
 * on every iteration of an updated message; equal cards get equal ids, so tests stay stable.
 */
export function computeCardVersion(card: ReviewCardModel): string {
  let hash = 0x811c9dc5;
  const text = JSON.stringify(card);
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36).padStart(7, '0');
}

/** Formats a grader score against its threshold; a score at or over the threshold is a flag. */
export function describeGraderScore(score: ReviewCardModel['graderScores'][number]): string {
  const flagged = score.score >= score.threshold;
  const label = score.label ? ` — ${escapeMrkdwn(score.label)}` : '';
  const against = flagged ? `at or over its ${score.threshold.toFixed(2)} threshold, flagged` : `under its ${score.threshold.toFixed(2)} threshold`;
  return `${flagged ? ':warning:' : ':white_check_mark:'} *${escapeMrkdwn(score.grader)}* ${score.score.toFixed(2)}, ${against}${label}`;
}
