import { createHmac, timingSafeEqual } from 'node:crypto';
import { webhookOrderKey, type OutboxMessageInput } from '../outbox/outbox.models.ts';
import type { WebhookSigner } from '../outbox/outbox-senders.worker.ts';
import { toGuardrailJson, type GuardrailVersion } from './guardrails.models.ts';

// The production app learns of a new guardrail version (and of a rollback) by a signed
// POST. The body is signed at send time, by the outbox worker, so the secret never sits
// in the database and every retry carries a fresh timestamp. Scheme (docs/guardrails.md):
// x-vigil-timestamp: <unix seconds>; x-vigil-signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${body}`)>.

export const GUARDRAIL_WEBHOOK_PURPOSE = 'guardrails.webhook';
export const SIGNATURE_HEADER = 'x-vigil-signature';
export const TIMESTAMP_HEADER = 'x-vigil-timestamp';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type GuardrailWebhookType = 'guardrail.version_created' | 'guardrail.rollback';

export interface RollbackDetails {
  from_release: string | null;
  to_release: string;
}

export function buildGuardrailWebhookBody(version: GuardrailVersion, rollback?: RollbackDetails) {
  const type: GuardrailWebhookType = rollback ? 'guardrail.rollback' : 'guardrail.version_created';
  return { type, id: `${version.source}-v${version.version}`, ...toGuardrailJson(version), ...(rollback ? { rollback } : {}) };
}

export function buildGuardrailWebhookMessage(version: GuardrailVersion, url: string, rollback?: RollbackDetails): OutboxMessageInput {
  return {
    kind: 'webhook',
    payload: { url, body: buildGuardrailWebhookBody(version, rollback) },
    orderKey: webhookOrderKey(version.source),
    dedupeKey: `guardrail-webhook:${version.source}:v${version.version}`,
    purpose: GUARDRAIL_WEBHOOK_PURPOSE,
    purposeRef: `${version.source}:v${version.version}`,
  };
}

export function computeWebhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Signs outbox webhooks whose body is a guardrail event of a source with a secret. Other
 * webhooks (none yet) pass unsigned, so one worker-wide signer can serve every module.
 */
export function createGuardrailWebhookSigner(secrets: ReadonlyMap<string, string>): WebhookSigner {
  return ({ body, timestamp }): Record<string, string> => {
    let parsed: { type?: unknown; source?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return {};
    }
    if (typeof parsed.type !== 'string' || !parsed.type.startsWith('guardrail.') || typeof parsed.source !== 'string') return {};
    const secret = secrets.get(parsed.source);
    if (!secret) return {};
    const seconds = String(Math.floor(timestamp / 1000));
    return { [TIMESTAMP_HEADER]: seconds, [SIGNATURE_HEADER]: computeWebhookSignature(secret, seconds, body) };
  };
}

/** What a receiver does (docs/guardrails.md shows the same in plain Node). */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowMs: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(computeWebhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type DeliveryState = 'pending' | 'sending' | 'retrying' | 'delivered' | 'failed';

export interface DeliveryRowView {
  id: string;
  status: 'pending' | 'in_flight' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  deliveredAt: number | null;
  failedAt: number | null;
  createdAt: number;
}

/** delivered / failed: reason / retrying: what a card or an API client shows of a webhook. */
export function describeDelivery(row: DeliveryRowView) {
  const state: DeliveryState =
    row.status === 'in_flight' ? 'sending' : row.status === 'pending' ? (row.attempts > 0 ? 'retrying' : 'pending') : row.status;
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  return {
    outbox_id: row.id,
    state,
    attempts: row.attempts,
    last_error: row.lastError,
    next_attempt_at: state === 'pending' || state === 'retrying' ? iso(row.nextAttemptAt) : null,
    delivered_at: iso(row.deliveredAt),
    failed_at: iso(row.failedAt),
    created_at: iso(row.createdAt),
  };
}
