import type { ReviewFigures } from '../digest/digest-data.models.ts';

// The verdict side of a week's review figures, from the audit entries the verdict use cases
// write. The verdict row keeps only the latest state and its `updated_at` moves with every
// rating, so it cannot say when a decision was given; the append-only audit log can, and a
// past week's figures never change afterwards. Per reviewer and item, the last decision and
// the last tone and brand rating given in the week count once: a changed mind is one verdict.

export const VERDICT_AUDIT_ACTIONS = ['verdict.created', 'verdict.changed', 'verdict.rated'] as const;

export interface VerdictAuditEntry {
  itemId: string;
  /** `slack:<user id>`, as the verdict use cases write it. */
  actor: string;
  action: (typeof VERDICT_AUDIT_ACTIONS)[number];
  details: Record<string, unknown>;
}

export type VerdictFigures = Pick<ReviewFigures, 'rejectionReasons' | 'tone' | 'brand' | 'verdictsByReviewer'>;

const UNSPECIFIED_REASON = 'unspecified';

function toReviewerId(actor: string): string {
  return actor.startsWith('slack:') ? actor.slice('slack:'.length) : actor;
}

function readRating(details: Record<string, unknown>, key: 'tone' | 'brand'): number | null {
  const value = details[key];
  return typeof value === 'number' ? value : null;
}

/** Sums the entries of one week, given in the order they were written. */
export function summarizeVerdictEntries(entries: readonly VerdictAuditEntry[]): VerdictFigures {
  const decisions = new Map<string, { reviewerId: string; decision: unknown; reason: unknown }>();
  const ratings = { tone: new Map<string, number>(), brand: new Map<string, number>() };
  for (const entry of entries) {
    const key = `${entry.itemId}\u0000${entry.actor}`;
    if (entry.action === 'verdict.rated') {
      for (const dimension of ['tone', 'brand'] as const) {
        const score = readRating(entry.details, dimension);
        if (score !== null) ratings[dimension].set(key, score);
      }
      continue;
    }
    decisions.set(key, { reviewerId: toReviewerId(entry.actor), decision: entry.details.decision, reason: entry.details.reasonCategory });
  }
  const rejectionReasons: Record<string, number> = {};
  const verdictsByReviewer: Record<string, number> = {};
  for (const { reviewerId, decision, reason } of decisions.values()) {
    if (decision !== 'approve' && decision !== 'reject') continue;
    verdictsByReviewer[reviewerId] = (verdictsByReviewer[reviewerId] ?? 0) + 1;
    if (decision !== 'reject') continue;
    const category = typeof reason === 'string' && reason.length > 0 ? reason : UNSPECIFIED_REASON;
    rejectionReasons[category] = (rejectionReasons[category] ?? 0) + 1;
  }
  const total = (scores: Map<string, number>) => ({ count: scores.size, sum: [...scores.values()].reduce((sum, score) => sum + score, 0) });
  return { rejectionReasons, tone: total(ratings.tone), brand: total(ratings.brand), verdictsByReviewer };
}
