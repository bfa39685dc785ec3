import type { Detection, Severity } from '../checks/checks.models.ts';
import type { AppFlag } from '../ingestion/ingestion.models.ts';
import type { Reason } from '../sampling/sampling.models.ts';
import { formatMention } from '../../shared/mrkdwn.ts';
import type { ReviewConfig } from './review.config.ts';
import type { DecisionMode, ReviewItemState, ReviewOutcome } from './review-items.models.ts';
import type { ReviewCardModel, ReviewCardState, ReviewCardVerdict, ReviewDecision } from './review.models.ts';

// Maps stored rows onto the card's view model. Blind review lives here: the card in the
// channel shows grader scores only once the item is final; a voter sees them in an ephemeral.

export interface CardItem {
  id: string;
  source: string;
  state: ReviewItemState;
  priority: Severity;
  reasons: Reason[];
  requiredVerdicts: number;
  outcome: ReviewOutcome | null;
  decisionMode: DecisionMode | null;
  decidedBy: string | null;
  seenCount: number;
}

export interface CardEvent {
  input: string | null;
  output: string;
  release: string | null;
  model: string | null;
  modelVersion: string | null;
  occurredAt: number;
  detections: Detection[];
  appFlags: AppFlag[] | null;
  /** Set when the event's text was erased: the card says so instead of showing it. */
  erasedAt?: number | null;
}

export interface CardVerdict {
  reviewerId: string;
  decision: ReviewDecision | null;
  reasonCategory: string | null;
  tone: number | null;
  brand: number | null;
  edgeCase: boolean;
}

export interface CardSources {
  item: CardItem;
  event: CardEvent;
  graders: { grader: string; score: number; label: string }[];
  verdicts: CardVerdict[];
}

export type CardConfig = Pick<ReviewConfig, 'blind' | 'redact' | 'reject_reasons' | 'dimensions'>;

export function toCardState(state: ReviewItemState): ReviewCardState {
  if (state === 'queued' || state === 'in_review') return 'pending';
  return state;
}

/** Only decided verdicts count and show; ratings given before a decision stay private. */
export function toCardVerdicts(verdicts: readonly CardVerdict[]): ReviewCardVerdict[] {
  return verdicts.flatMap((verdict) =>
    verdict.decision === null
      ? []
      : [
          {
            reviewerId: verdict.reviewerId,
            decision: verdict.decision,
            ...(verdict.reasonCategory ? { reasonCategory: verdict.reasonCategory } : {}),
            ...(verdict.tone !== null ? { tone: verdict.tone } : {}),
            ...(verdict.brand !== null ? { brand: verdict.brand } : {}),
            ...(verdict.edgeCase ? { edgeCase: true } : {}),
          },
        ],
  );
}

function describeNotes(item: CardItem, event: CardEvent): string[] {
  const notes: string[] = [];
  if (event.erasedAt) notes.push(`:wastebasket: Content erased on ${new Date(event.erasedAt).toISOString().slice(0, 10)} (data erasure request); the verdicts stay`);
  if (item.seenCount > 1) notes.push(`:repeat: Seen ${item.seenCount}× (identical output picked again within the dedupe window)`);
  if (item.decisionMode === 'adjudication' && item.decidedBy) notes.push(`:scales: Adjudicated by ${formatMention(item.decidedBy)}`);
  return notes;
}

export function buildCardModel(
  sources: CardSources,
  options: { config: CardConfig; threshold: (grader: string) => number; showScores?: boolean },
): ReviewCardModel {
  const { item, event } = sources;
  const state = toCardState(item.state);
  return {
    itemId: item.id,
    source: item.source,
    release: event.release,
    model: event.model,
    modelVersion: event.modelVersion,
    occurredAt: event.occurredAt,
    priority: item.priority,
    reasons: item.reasons.map((reason) => ({ code: reason.code, detail: reason.detail })),
    detections: event.detections,
    appFlags: (event.appFlags ?? []).map((flag) => ({ ...flag })),
    input: event.input,
    output: event.output,
    redact: options.config.redact,
    graderScores: sources.graders.map((g) => ({ grader: g.grader, score: g.score, threshold: options.threshold(g.grader), label: g.label })),
    showScores: options.showScores ?? (!options.config.blind || state === 'final' || state === 'expired'),
    verdicts: toCardVerdicts(sources.verdicts),
    requiredVerdicts: item.requiredVerdicts,
    state,
    outcome: item.outcome,
    rejectReasons: options.config.reject_reasons,
    dimensions: options.config.dimensions,
    notes: describeNotes(item, event),
  };
}
