// From reviewers' verdicts on a final review item to one label per grader: was this output a
// violation of what the grader judges? Pure; the repository loads the rows.
//
// For a grader of dimension D (tone, brand, policy, injection, from its prompt):
// 1. A rating of D (the card rates tone and brand, 1–5): the median of the reviewers'
//    ratings ≤ 2 makes a violation of D, whatever the decision (an approved reply may still
//    have a poor tone). A median ≥ 3 keeps the decision's word below.
// 2. A rejected item is a violation of D when a rejecting reviewer named D as the dimension,
//    or when no rejecting reviewer named any dimension (reject = violation). A rejection
//    that names only other dimensions (accuracy, say) is not a violation of D.
// 3. Anything else (approved, or rejected for another dimension) is not a violation of D.

export type ReviewOutcomeLabel = 'approved' | 'rejected';

export interface LabelVerdict {
  reviewerId: string;
  decision: 'approve' | 'reject' | null;
  dimension: string | null;
  reasonCategory: string | null;
  note: string | null;
  tone: number | null;
  brand: number | null;
}

/** Why an item got its label: shown next to false positives and negatives. */
export type LabelBasis = 'rating' | 'reject' | 'reject_dimension' | 'reject_other_dimension' | 'approve';

export interface DerivedLabel {
  violation: boolean;
  basis: LabelBasis;
  /** The reviewers' words behind the label, when they gave any: reason category and note. */
  reason: string | null;
}

/** A rating at or below this is a violation of its dimension. */
export const RATING_VIOLATION_MAX = 2;

const RATED_DIMENSIONS = ['tone', 'brand'] as const;
type RatedDimension = (typeof RATED_DIMENSIONS)[number];

function isRatedDimension(dimension: string): dimension is RatedDimension {
  return (RATED_DIMENSIONS as readonly string[]).includes(dimension);
}

export function computeMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function describeReason(verdicts: readonly LabelVerdict[]): string | null {
  const parts = verdicts.flatMap((verdict) => [verdict.reasonCategory, verdict.note].filter((part): part is string => Boolean(part)));
  return parts.length > 0 ? [...new Set(parts)].join(' — ') : null;
}

/** The label of one final item for a grader of `dimension`; see the rules at the top of this file. */
export function deriveGraderLabel(item: { outcome: ReviewOutcomeLabel; verdicts: readonly LabelVerdict[] }, dimension: string): DerivedLabel {
  if (isRatedDimension(dimension)) {
    const ratings = item.verdicts.flatMap((verdict) => (verdict[dimension] === null ? [] : [verdict[dimension]]));
    if (ratings.length > 0 && computeMedian(ratings) <= RATING_VIOLATION_MAX) {
      return { violation: true, basis: 'rating', reason: `median ${dimension} rating ${computeMedian(ratings)} of 5` };
    }
  }
  if (item.outcome === 'approved') return { violation: false, basis: 'approve', reason: null };
  const rejecting = item.verdicts.filter((verdict) => verdict.decision === 'reject');
  const named = rejecting.flatMap((verdict) => (verdict.dimension ? [verdict.dimension] : []));
  if (named.length === 0) return { violation: true, basis: 'reject', reason: describeReason(rejecting) };
  if (named.includes(dimension)) {
    return { violation: true, basis: 'reject_dimension', reason: describeReason(rejecting.filter((verdict) => verdict.dimension === dimension)) };
  }
  return { violation: false, basis: 'reject_other_dimension', reason: `rejected for ${[...new Set(named)].join(', ')}` };
}
