import type { SlackClient } from '../../shared/slack-client.ts';
import { classifySlackError, classifyWebhookResponse, type OutboxFailure } from './outbox-failures.models.ts';
import { compactSlackResponse, type WebhookPayload } from './outbox.models.ts';

// One send attempt each, no retries here: the outbox owns retries, so the outcome is
// classified and handed back instead of thrown.

export type SendOutcome = { ok: true; response: Record<string, unknown> } | { ok: false; failure: OutboxFailure };

/**
 * Options for the WebClient the outbox sends with (not Bolt's client, which retries on
 * its own): a 429 rejects at once with its Retry-After instead of stalling the client's
 * whole queue, and a hung call times out well inside the outbox lease.
 */
export const OUTBOX_WEB_CLIENT_OPTIONS = { rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, timeout: 10_000 } as const;

/** Signs a webhook at send time, so the secret stays out of the database and the timestamp is fresh on every retry. */
export type WebhookSigner = (delivery: { id: string; url: string; body: string; timestamp: number }) => Record<string, string>;

export async function sendSlackCall(client: SlackClient, method: string, payload: Record<string, unknown>): Promise<SendOutcome> {
  // SlackClient exposes methods as nested objects (`client.chat.postMessage`): walk to the
  // one named by the stored method, so any method the port offers can be queued.
  let owner: unknown;
  let target: unknown = client;
  for (const part of method.split('.')) {
    owner = target;
    target = typeof target === 'object' && target !== null ? (target as Record<string, unknown>)[part] : undefined;
  }
  if (typeof target !== 'function') return { ok: false, failure: { kind: 'permanent', code: 'unknown_method', detail: method } };
  try {
    const result = (await Reflect.apply(target, owner, [payload])) as Record<string, unknown>;
    return { ok: true, response: compactSlackResponse(result) };
  } catch (error) {
    return { ok: false, failure: classifySlackError(error) };
  }
}

export async function sendWebhook(
  fetchFn: typeof fetch,
  delivery: { id: string; payload: WebhookPayload; timeoutMs: number; now: number; sign?: WebhookSigner },
): Promise<SendOutcome> {
  const { url, headers = {}, body } = delivery.payload;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const contentType = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  const signature = delivery.sign?.({ id: delivery.id, url, body: text, timestamp: delivery.now }) ?? {};
  try {
    const response = await fetchFn(url, {
      method: 'POST',
      // The delivery id lets the receiver drop a redelivery after a lost acknowledgement.
      headers: { 'content-type': contentType, 'user-agent': 'vigil-outbox', 'x-vigil-delivery': delivery.id, ...headers, ...signature },
      body: text,
      redirect: 'manual',
      signal: AbortSignal.timeout(delivery.timeoutMs),
    });
    await response.body?.cancel();
    const outcome = classifyWebhookResponse(response.status, response.headers, delivery.now);
    return outcome.kind === 'delivered' ? { ok: true, response: { status: response.status } } : { ok: false, failure: outcome };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const detail = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
    return { ok: false, failure: { kind: 'retryable', code: timedOut ? 'timeout' : 'network_error', detail } };
  }
}
