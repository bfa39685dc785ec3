// Which failures are worth another try. Errors are read by their `code` fields, not
// `instanceof`, so a second copy of @slack/web-api (e.g. Bolt's) is classified alike.

export type OutboxFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; code: string }
  | { kind: 'retryable'; code: string; detail?: string }
  | { kind: 'permanent'; code: string; detail?: string };

export type WebhookOutcome = { kind: 'delivered' } | OutboxFailure;

/** Slack answers with `ok: false` that describe Slack's trouble, not the request's. */
const RETRYABLE_SLACK_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

const DEFAULT_RATE_LIMIT_MS = 1000;

interface SlackErrorShape {
  code?: unknown;
  retryAfter?: unknown;
  statusCode?: unknown;
  data?: { error?: unknown; response_metadata?: { retryAfter?: unknown } };
  message?: unknown;
}

export function classifySlackError(error: unknown): OutboxFailure {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SlackErrorShape;
  switch (shape.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate_limited', retryAfterMs: secondsToMs(shape.retryAfter), code: 'ratelimited' };
    case 'slack_webapi_http_error':
      return classifyHttpStatus(Number(shape.statusCode), undefined);
    case 'slack_webapi_request_error':
      return { kind: 'retryable', code: 'request_error', detail: describe(error) };
    case 'slack_webapi_platform_error': {
      const code = String(shape.data?.error ?? 'unknown_error');
      if (code === 'ratelimited' || code === 'rate_limited') {
        return { kind: 'rate_limited', retryAfterMs: secondsToMs(shape.data?.response_metadata?.retryAfter), code: 'ratelimited' };
      }
      if (RETRYABLE_SLACK_ERRORS.has(code)) return { kind: 'retryable', code };
      // Every other `ok: false` (channel_not_found, not_in_channel, invalid_auth, msg_too_long,
      // invalid_blocks, cant_update_message, …) describes the request: a retry cannot fix it
      // and would hold up the rest of the channel behind it, so it fails now with its code.
      return { kind: 'permanent', code };
    }
    default:
      // Timeouts, resets, "Retry header did not contain a valid timeout": transient.
      return { kind: 'retryable', code: 'unexpected_error', detail: describe(error) };
  }
}

/** 2xx delivered; 408, 425, 429 and 5xx retried (honouring Retry-After); any other status failed. */
export function classifyWebhookResponse(status: number, headers: Headers | Record<string, string>, now: number): WebhookOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const retryAfter = headers instanceof Headers ? headers.get('retry-after') : (headers['retry-after'] ?? null);
  return classifyHttpStatus(status, parseRetryAfterMs(retryAfter, now));
}

function classifyHttpStatus(status: number, retryAfterMs: number | undefined): OutboxFailure {
  const code = `http_${status}`;
  if (status === 429) return { kind: 'rate_limited', retryAfterMs: retryAfterMs ?? DEFAULT_RATE_LIMIT_MS, code };
  if (status >= 500 || status === 408 || status === 425) {
    return retryAfterMs === undefined ? { kind: 'retryable', code } : { kind: 'rate_limited', retryAfterMs, code };
  }
  return { kind: 'permanent', code };
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function secondsToMs(value: unknown): number {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_RATE_LIMIT_MS;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { original?: unknown }).original;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
