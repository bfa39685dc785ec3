import type { OutboxFailure } from './outbox-failures.models.ts';

// The outbox's rules, free of I/O: when to try again, when to give up, and which
// order key a message queues behind.

export const OUTBOX_KINDS = ['slack', 'webhook'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export const OUTBOX_STATUSES = ['pending', 'in_flight', 'delivered', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** What a webhook message carries; `body` is sent as JSON unless it is a string. */
export interface WebhookPayload {
  url: string;
  headers?: Record<string, string>;
  body: unknown;
}

interface OutboxMessageCommon {
  /** Enqueuing the same key twice is a no-op that returns the first message's id. */
  dedupeKey?: string;
  /** Lets the owning module react to the outcome (`onDelivered(purpose, …)`), e.g. `review.card_posted` + item id. */
  purpose?: string;
  purposeRef?: string;
  /** Not sent before this time (epoch ms). */
  notBefore?: number;
}

export type OutboxMessageInput =
  | (OutboxMessageCommon & {
      kind: 'slack';
      /** A Web API method the SlackClient exposes: `chat.postMessage`, `chat.update`, `views.publish`, … */
      method: string;
      /** The method's arguments; values may be `outboxRef(…)` placeholders resolved at send time. */
      payload: Record<string, unknown>;
      /** Defaults to `slack:<channel>` (or `slack:user:<user_id>` for views.publish). */
      orderKey?: string;
    })
  | (OutboxMessageCommon & { kind: 'webhook'; payload: WebhookPayload; orderKey: string });

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
  maxAgeMs: number;
}

// Caps at 5 minutes; the age limit, not the attempt count, is what normally ends a
// long outage, so a day-long Slack incident delays messages but does not drop them.
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 1000, capMs: 5 * 60_000, maxAttempts: 300, maxAgeMs: 24 * 3_600_000 };

export const slackOrderKey = (channel: string) => `slack:${channel}`;
export const webhookOrderKey = (source: string) => `webhook:${source}`;

/**
 * One key per channel keeps a channel's cards in order and an update behind its post.
 * An ephemeral reply belongs to one user's click, not to the channel's sequence, so it
 * does not wait behind a rate-limited card post.
 */
export function deriveSlackOrderKey(method: string, payload: Record<string, unknown>): string {
  if (method === 'chat.postEphemeral' && typeof payload.channel === 'string') return `slack:${payload.channel}:ephemeral:${String(payload.user)}`;
  if (typeof payload.channel === 'string') return slackOrderKey(payload.channel);
  if (typeof payload.user_id === 'string') return `slack:user:${payload.user_id}`;
  return `slack:method:${method}`;
}

/**
 * Exponential backoff with full jitter (a uniform draw in [0, min(cap, base·2^(n-1))]),
 * so clients that failed together do not retry together. A Retry-After wins: it is
 * the server saying exactly when it will take the call again.
 */
export function computeNextAttemptAt(attempts: number, now: number, retryAfterMs: number | undefined, rng: () => number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  if (retryAfterMs !== undefined) return now + retryAfterMs;
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return now + Math.floor(rng() * ceiling);
}

export type RetryDecision = { action: 'retry'; nextAttemptAt: number } | { action: 'fail'; code: string; reason: string };

/**
 * After a failed send: retry or give up. Rate limits are not the message's fault,
 * so only the age limit applies to them; other transient errors also count attempts.
 */
export function decideAfterFailure(
  row: { attempts: number; createdAt: number },
  failure: OutboxFailure,
  now: number,
  rng: () => number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): RetryDecision {
  if (failure.kind === 'permanent') return { action: 'fail', code: failure.code, reason: failure.code };
  const retryAfterMs = failure.kind === 'rate_limited' ? failure.retryAfterMs : undefined;
  const nextAttemptAt = computeNextAttemptAt(row.attempts, now, retryAfterMs, rng, policy);
  if (nextAttemptAt - row.createdAt > policy.maxAgeMs) {
    return { action: 'fail', code: 'max_age_exceeded', reason: `gave up after ${row.attempts} attempts (older than ${policy.maxAgeMs} ms)` };
  }
  if (failure.kind === 'retryable' && row.attempts >= policy.maxAttempts) {
    return { action: 'fail', code: 'max_attempts_exceeded', reason: `gave up after ${row.attempts} attempts` };
  }
  return { action: 'retry', nextAttemptAt };
}

/**
 * What is kept of a Slack answer: the ids later messages refer to (`ts`, `channel`,
 * `channel.id`, `view.id`), not the echoed message with its customer text.
 */
export function compactSlackResponse(result: Record<string, unknown>): Record<string, unknown> {
  const compact: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (key === 'ok' || key === 'warning') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') compact[key] = value;
  }
  const pick = (value: unknown, keys: string[]) =>
    typeof value === 'object' && value !== null ? Object.fromEntries(keys.flatMap((k) => (k in value ? [[k, (value as Record<string, unknown>)[k]]] : []))) : undefined;
  if (typeof result.channel === 'object' && result.channel !== null) compact.channel = pick(result.channel, ['id', 'name']);
  if (result.view !== undefined) compact.view = pick(result.view, ['id', 'hash']);
  if (result.message !== undefined) compact.message = pick(result.message, ['ts', 'thread_ts']);
  return compact;
}
