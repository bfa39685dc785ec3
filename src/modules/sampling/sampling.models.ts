// Which events humans see, and with what probability. Calibration weights every verdict by
// 1 / inclusionProbability (Horvitz–Thompson), so the probability recorded here must be the
// true chance that this event's verdict is observed — including when dedupe applies.
import { SEVERITY_RANK, type Severity } from '../checks/checks.models.ts';
import type { SamplingConfig } from './sampling.config.ts';

export const REASON_CODES = ['flag', 'grader_unavailable', 'uncertainty', 'release_boost', 'drift_boost', 'baseline'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface CandidateFlag {
  check: string;
  kind?: string;
  severity: Severity;
  score?: number;
}

export interface GraderScore {
  grader: string;
  score: number;
  threshold: number;
}

export interface SamplingCandidate {
  eventId: string;
  source: string;
  occurredAt: number;
  outputHash: string;
  release?: string;
  modelVersion?: string;
  flags: CandidateFlag[];
  graderScores: GraderScore[];
  graderUnavailable: boolean;
}

export interface SamplingContext {
  now: number;
  /** When the store first saw `candidate.release`; absent while `release` is set means "first seen with this event". */
  releaseFirstSeenAt?: number;
  modelVersionFirstSeenAt?: number;
  /** When a review item with the same outputHash was last queued. */
  lastSeenOutputAt?: number;
  /** The event of that item, to link the duplicate to it. */
  lastQueuedEventId?: string;
  /** A drift alert's sampling boost covering this event: one more random reason at `rate`. */
  driftBoost?: { metric: string; rate: number };
}

export interface Reason {
  code: ReasonCode;
  detail: string;
  /** This reason's own selection probability; the event's is the combination of all of them. */
  probability: number;
  /** The detector or grader behind the reason (flag, uncertainty), used by routing. */
  check?: string;
}

export interface SamplingDecision {
  /** Queue a new review item. */
  picked: boolean;
  reasons: Reason[];
  /** 1 − Π(1 − p_i) over `reasons`; also valid for deduped events, see `dedupedOf`. */
  inclusionProbability: number;
  priority: Severity;
  /**
   * Set when the draw selected the event but an identical output was queued within the dedupe
   * window: attach the event to that item (its verdict stands for this output) instead of queueing it.
   */
  dedupedOf?: { outputHash: string; queuedAt: number; eventId?: string };
  skipped?: { code: 'duplicate_output'; detail: string };
}

export type SamplingPolicy = Pick<
  SamplingConfig,
  'min_severity' | 'baseline_rate' | 'uncertainty_band' | 'release_boost' | 'dedupe_window_minutes'
>;

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
// Scores and thresholds are decimals: |0.6 − 0.5| is 0.0999…, |0.4 − 0.5| is 0.1000…1.
const BAND_EPSILON = 1e-9;

/**
 * Decides whether a candidate becomes a review item. Certain reasons (a flag at or above
 * `min_severity`, a failed grading) give probability 1. Otherwise each applicable random reason
 * is an independent Bernoulli(p_i) and the event is included if any fires; that union has
 * probability P = 1 − Π(1 − p_i), so one uniform draw `u < P` has exactly the same distribution
 * of "included". The reasons record what applied, not which one "fired": only P matters for weighting.
 *
 * Dedupe comes after the draw, and the draw is made for duplicates too: a selected duplicate is
 * not queued but attached to the earlier item (`dedupedOf`). Its verdict is then observed exactly
 * when its own draw fires, so `inclusionProbability` stays P and 1/P weighting stays unbiased,
 * provided the earlier item's verdict is taken to hold for the identical output.
 */
export function decideSampling(
  candidate: SamplingCandidate,
  policy: SamplingPolicy,
  context: SamplingContext,
  rng: () => number,
): SamplingDecision {
  const certain = collectCertainReasons(candidate, policy.min_severity);
  const reasons = [...certain, ...collectRandomReasons(candidate, policy, context, certain.length === 0)];
  const inclusionProbability = combineInclusionProbabilities(reasons.map((reason) => reason.probability));
  const decision = { reasons, inclusionProbability, priority: derivePriority(candidate) };
  const selected = inclusionProbability >= 1 || (inclusionProbability > 0 && rng() < inclusionProbability);
  if (!selected) return { picked: false, ...decision };

  const windowMs = policy.dedupe_window_minutes * MINUTE_MS;
  const lastQueuedAt = context.lastSeenOutputAt;
  if (lastQueuedAt === undefined || windowMs <= 0 || context.now - lastQueuedAt >= windowMs) {
    return { picked: true, ...decision };
  }
  const minutesAgo = Math.round((context.now - lastQueuedAt) / MINUTE_MS);
  return {
    picked: false,
    ...decision,
    dedupedOf: { outputHash: candidate.outputHash, queuedAt: lastQueuedAt, eventId: context.lastQueuedEventId },
    skipped: {
      code: 'duplicate_output',
      detail: `identical output queued ${minutesAgo} min ago (window ${policy.dedupe_window_minutes} min)`,
    },
  };
}

/** Probability that at least one of several independent reasons fires. */
export function combineInclusionProbabilities(probabilities: number[]): number {
  if (probabilities.some((p) => p >= 1)) return 1;
  // P ∪ p = P + p − P·p is 1 − Π(1 − p_i) folded one reason at a time, and keeps a single
  // reason's probability exact (1 − (1 − 0.01) is 0.010000000000000009 in floating point).
  return probabilities.reduce((union, p) => union + Math.max(0, p) - union * Math.max(0, p), 0);
}

export function resolveUncertaintyBand(
  band: SamplingConfig['uncertainty_band'],
  grader: string,
): { width: number; rate: number } {
  const override = band.by_grader[grader];
  return { width: override?.width ?? band.width, rate: override?.rate ?? band.rate };
}

export function resolveReviewersPerItem(reviewers: SamplingConfig['reviewers_per_item'], priority: Severity): number {
  return reviewers[priority] ?? reviewers.default;
}

function collectCertainReasons(candidate: SamplingCandidate, minSeverity: Severity): Reason[] {
  // One reason per check and kind: ten e-mail addresses in one output are one reason to look.
  const strongest = new Map<string, CandidateFlag>();
  for (const flag of candidate.flags) {
    if (SEVERITY_RANK[flag.severity] < SEVERITY_RANK[minSeverity]) continue;
    const label = flag.kind ? `${flag.check}/${flag.kind}` : flag.check;
    const previous = strongest.get(label);
    if (!previous || SEVERITY_RANK[flag.severity] > SEVERITY_RANK[previous.severity]) strongest.set(label, flag);
  }
  const reasons: Reason[] = [...strongest].map(([label, flag]) => ({
    code: 'flag',
    detail: `${label} flag (${flag.severity})`,
    probability: 1,
    check: flag.check,
  }));
  if (candidate.graderUnavailable) {
    reasons.push({ code: 'grader_unavailable', detail: 'grading failed; an ungraded event is never "passed"', probability: 1 });
  }
  return reasons;
}

function collectRandomReasons(
  candidate: SamplingCandidate,
  policy: SamplingPolicy,
  context: SamplingContext,
  withoutCertainReason: boolean,
): Reason[] {
  const reasons: Reason[] = [];
  for (const { grader, score, threshold } of candidate.graderScores) {
    const band = resolveUncertaintyBand(policy.uncertainty_band, grader);
    if (Math.abs(score - threshold) > band.width + BAND_EPSILON) continue;
    const detail = `${grader} score ${score} within ±${band.width} of threshold ${threshold}`;
    reasons.push({ code: 'uncertainty', detail, probability: band.rate, check: grader });
  }
  const fresh = listFreshVersions(candidate, policy.release_boost.hours * HOUR_MS, context);
  if (fresh.length > 0) {
    // One boost however many parts are new: the reason is "something changed", counted once.
    const detail = `${fresh.join(' and ')} first seen less than ${policy.release_boost.hours} h ago`;
    reasons.push({ code: 'release_boost', detail, probability: policy.release_boost.rate });
  }
  // A drift boost raises the chance of events nothing certain picks; with a certain reason P is 1 anyway.
  if (withoutCertainReason && context.driftBoost) {
    const { metric, rate } = context.driftBoost;
    reasons.push({ code: 'drift_boost', detail: `${metric} drift, rate ${formatPercent(rate)}`, probability: rate });
  }
  // Baseline covers every event without a certain reason, sub-threshold flags included, so no
  // event has probability 0 and the weighted estimates cover the whole population.
  if (withoutCertainReason) {
    reasons.push({ code: 'baseline', detail: `random baseline of ${policy.baseline_rate}`, probability: policy.baseline_rate });
  }
  return reasons.filter((reason) => reason.probability > 0);
}

/** 0.3 → "30%", 0.025 → "2.5%". */
function formatPercent(rate: number): string {
  return `${Number((rate * 100).toFixed(1))}%`;
}

function listFreshVersions(candidate: SamplingCandidate, windowMs: number, context: SamplingContext): string[] {
  if (windowMs <= 0) return [];
  const isFresh = (firstSeenAt: number | undefined) => candidate.occurredAt - (firstSeenAt ?? candidate.occurredAt) < windowMs;
  const fresh: string[] = [];
  if (candidate.release !== undefined && isFresh(context.releaseFirstSeenAt)) fresh.push(`release ${candidate.release}`);
  if (candidate.modelVersion !== undefined && isFresh(context.modelVersionFirstSeenAt)) {
    fresh.push(`model version ${candidate.modelVersion}`);
  }
  return fresh;
}

function derivePriority(candidate: SamplingCandidate): Severity {
  const floor: Severity = candidate.graderUnavailable ? 'warn' : 'info';
  return candidate.flags.reduce<Severity>((highest, flag) => maxSeverity(highest, flag.severity), floor);
}

function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}
