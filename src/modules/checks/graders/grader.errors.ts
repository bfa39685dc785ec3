// Why a grader call failed decides what the queue does next, so failures are typed
// by kind rather than by message. Messages never quote the graded content.

import type { TokenUsage } from './grader-pricing.models.ts';

export const GRADER_FAILURE_KINDS = ['rate_limited', 'transient', 'malformed', 'refusal', 'fatal', 'aborted'] as const;
export type GraderFailureKind = (typeof GRADER_FAILURE_KINDS)[number];

/**
 * - `rate_limited`: 429; wait at least `retryAfterMs` (when known) then retry.
 * - `transient`: 5xx, 408/409, network error or timeout; retry with backoff.
 * - `malformed`: the judge answered but not in the schema; a retry may succeed.
 * - `refusal`: the judge refused (or the answer was content-filtered); retrying rarely helps.
 * - `fatal`: 400/401/403/404/422 or exhausted quota: misconfiguration, do not retry.
 * - `aborted`: the caller's signal fired (shutdown); not the grader's fault.
 */
export class GraderCallError extends Error {
  readonly kind: GraderFailureKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** Set when the judge answered (malformed, refusal): the call was paid for. */
  readonly usage: TokenUsage | undefined;
  readonly costUsd: number | null | undefined;
  readonly model: string | undefined;
  readonly latencyMs: number;

  constructor(
    kind: GraderFailureKind,
    message: string,
    details: {
      status?: number;
      retryAfterMs?: number;
      usage?: TokenUsage;
      costUsd?: number | null;
      model?: string;
      latencyMs: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.name = 'GraderCallError';
    this.kind = kind;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.usage = details.usage;
    this.costUsd = details.costUsd;
    this.model = details.model;
    this.latencyMs = details.latencyMs;
  }

  /** Whether the queue should try the same call again later. */
  get isRetryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient' || this.kind === 'malformed' || this.kind === 'aborted';
  }

  /** Whether the failure says something about the service's health (feeds the circuit breaker). */
  get countsAgainstService(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient' || this.kind === 'fatal';
  }
}

export function isGraderCallError(error: unknown): error is GraderCallError {
  return error instanceof GraderCallError;
}
