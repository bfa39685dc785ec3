import type { ReviewItemRow, VerdictRow } from './review.repository.ts';
import type { VerdictExportRow } from './review-queries.repository.ts';

// The JSON shapes of the review API: snake_case like the rest of /v1, ISO times, and the
// inclusion probability with its weight so data teams can weight verdicts without asking.

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A link that opens the card in Slack (the workspace is resolved by Slack on redirect). */
export function buildCardUrl(channel: string, ts: string): string {
  return `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

export function toItemResponse(item: ReviewItemRow) {
  return {
    id: item.id,
    source: item.source,
    event_id: item.eventId,
    channel: item.channel,
    state: item.state,
    priority: item.priority,
    reasons: item.reasons.map((reason) => ({ code: reason.code, detail: reason.detail, probability: reason.probability })),
    inclusion_probability: item.inclusionProbability,
    seen_count: item.seenCount,
    required_verdicts: item.requiredVerdicts,
    outcome: item.outcome,
    decision_mode: item.decisionMode,
    decided_by: item.decidedBy,
    created_at: iso(item.createdAt),
    dispatched_at: iso(item.dispatchedAt),
    final_at: iso(item.finalAt),
    expired_at: iso(item.expiredAt),
    card: item.cardChannel && item.cardTs ? { channel: item.cardChannel, ts: item.cardTs, url: buildCardUrl(item.cardChannel, item.cardTs) } : null,
    card_error: item.cardError,
  };
}

export function toVerdictResponse(verdict: VerdictRow) {
  return {
    item_id: verdict.itemId,
    reviewer_id: verdict.reviewerId,
    decision: verdict.decision,
    reason_category: verdict.reasonCategory,
    dimension: verdict.dimension,
    note: verdict.note,
    tone: verdict.tone,
    brand: verdict.brand,
    edge_case: verdict.edgeCase,
    created_at: iso(verdict.createdAt),
    updated_at: iso(verdict.updatedAt),
  };
}

/** One JSONL line of GET /v1/verdicts. */
export function toVerdictExportLine({ verdict, item }: VerdictExportRow): string {
  return JSON.stringify({
    ...toVerdictResponse(verdict),
    source: item.source,
    event_id: item.eventId,
    priority: item.priority,
    reasons: item.reasons.map((reason) => reason.code),
    inclusion_probability: item.inclusionProbability,
    weight: item.inclusionProbability > 0 ? 1 / item.inclusionProbability : null,
    item_state: item.state,
    item_outcome: item.outcome,
  });
}
