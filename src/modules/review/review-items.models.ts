import type { ReviewDecision } from './review.models.ts';

// The life of a review item: queued (waiting for its channel's budget) → in_review (card
// sent) → final, or needs_adjudication when reviewers disagree; queued items past their
// TTL become expired. Final and expired are terminal: nothing changes an item after that.

export const REVIEW_ITEM_STATES = ['queued', 'in_review', 'needs_adjudication', 'final', 'expired'] as const;
export type ReviewItemState = (typeof REVIEW_ITEM_STATES)[number];

export const REVIEW_OUTCOMES = ['approved', 'rejected'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export const DECISION_MODES = ['consensus', 'adjudication'] as const;
export type DecisionMode = (typeof DECISION_MODES)[number];

/** States in which reviewers may still give or change verdicts. */
export function isItemOpenForVerdicts(state: ReviewItemState): boolean {
  return state === 'in_review' || state === 'needs_adjudication';
}

export function toOutcome(decision: ReviewDecision): ReviewOutcome {
  return decision === 'approve' ? 'approved' : 'rejected';
}

export type ConsensusResult =
  | { state: 'in_review'; outcome: null }
  | { state: 'needs_adjudication'; outcome: null }
  | { state: 'final'; outcome: ReviewOutcome };

/**
 * Unanimity: once `required` reviewers have decided, the item is final if they all agree and
 * needs an approver if not. Extra verdicts (given while an approver is being asked) count too,
 * so a reviewer who changes their mind to agree settles the item without the approver.
 */
export function decideConsensus(decisions: readonly ReviewDecision[], required: number): ConsensusResult {
  if (decisions.length < Math.max(1, required)) return { state: 'in_review', outcome: null };
  const first = decisions[0]!;
  if (decisions.every((decision) => decision === first)) return { state: 'final', outcome: toOutcome(first) };
  return { state: 'needs_adjudication', outcome: null };
}
