import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { classifySlackError, classifyWebhookResponse, parseRetryAfterMs } from './outbox-failures.models.ts';

const NOW = Date.parse('2026-11-25T09:00:00Z');

describe('classifySlackError', () => {
  it('reads the Retry-After of a rejected rate-limited call, in milliseconds', () => {
    expect(classifySlackError(new WebAPIRateLimitedError(7))).toEqual({ kind: 'rate_limited', retryAfterMs: 7000, code: 'ratelimited' });
  });

  it('retries server errors and network failures', () => {
    expect(classifySlackError(new WebAPIHTTPError(500, 'Internal Server Error', {}))).toEqual({ kind: 'retryable', code: 'http_500' });
    expect(classifySlackError(new WebAPIHTTPError(503, 'Unavailable', {}))).toEqual({ kind: 'retryable', code: 'http_503' });
    const network = classifySlackError(new WebAPIRequestError(new Error('socket hang up')));
    expect(network).toMatchObject({ kind: 'retryable', code: 'request_error' });
    expect(network.kind === 'retryable' && network.detail).toContain('socket hang up');
    expect(classifySlackError(new Error('Retry header did not contain a valid timeout'))).toMatchObject({ kind: 'retryable', code: 'unexpected_error' });
  });

  it('fails at once on errors a retry cannot fix', () => {
    const permanent = [
      'channel_not_found',
      'not_in_channel',
      'invalid_auth',
      'account_inactive',
      'is_archived',
      'msg_too_long',
      'invalid_blocks',
      'no_permission',
      'restricted_action',
      'cant_update_message',
      'message_not_found',
    ];
    for (const code of permanent) {
      expect(classifySlackError(new WebAPIPlatformError({ ok: false, error: code }))).toEqual({ kind: 'permanent', code });
    }
    expect(classifySlackError(new WebAPIHTTPError(404, 'Not Found', {}))).toEqual({ kind: 'permanent', code: 'http_404' });
  });

  it('retries ok:false answers that report trouble on Slack’s side', () => {
    expect(classifySlackError(new WebAPIPlatformError({ ok: false, error: 'internal_error' }))).toEqual({ kind: 'retryable', code: 'internal_error' });
    expect(classifySlackError(new WebAPIPlatformError({ ok: false, error: 'service_unavailable' }))).toEqual({ kind: 'retryable', code: 'service_unavailable' });
    const limited = new WebAPIPlatformError({ ok: false, error: 'ratelimited', response_metadata: { retryAfter: 3 } as never });
    expect(classifySlackError(limited)).toEqual({ kind: 'rate_limited', retryAfterMs: 3000, code: 'ratelimited' });
  });
});

describe('classifyWebhookResponse', () => {
  it('delivers on any 2xx', () => {
    expect(classifyWebhookResponse(200, {}, NOW)).toEqual({ kind: 'delivered' });
    expect(classifyWebhookResponse(204, new Headers(), NOW)).toEqual({ kind: 'delivered' });
  });

  it('retries 429 and 5xx, honouring a Retry-After in seconds or as a date', () => {
    expect(classifyWebhookResponse(429, new Headers({ 'retry-after': '5' }), NOW)).toEqual({ kind: 'rate_limited', retryAfterMs: 5000, code: 'http_429' });
    expect(classifyWebhookResponse(429, {}, NOW)).toEqual({ kind: 'rate_limited', retryAfterMs: 1000, code: 'http_429' });
    expect(classifyWebhookResponse(500, {}, NOW)).toEqual({ kind: 'retryable', code: 'http_500' });
    const date = new Date(NOW + 120_000).toUTCString();
    expect(classifyWebhookResponse(503, { 'retry-after': date }, NOW)).toEqual({ kind: 'rate_limited', retryAfterMs: 120_000, code: 'http_503' });
    expect(classifyWebhookResponse(408, {}, NOW)).toEqual({ kind: 'retryable', code: 'http_408' });
  });

  it('fails other client errors and redirects at once', () => {
    expect(classifyWebhookResponse(400, {}, NOW)).toEqual({ kind: 'permanent', code: 'http_400' });
    expect(classifyWebhookResponse(410, {}, NOW)).toEqual({ kind: 'permanent', code: 'http_410' });
    expect(classifyWebhookResponse(302, {}, NOW)).toEqual({ kind: 'permanent', code: 'http_302' });
  });
});

describe('parseRetryAfterMs', () => {
  it('ignores missing and unreadable values and never returns a negative wait', () => {
    expect(parseRetryAfterMs(null, NOW)).toBeUndefined();
    expect(parseRetryAfterMs('soon', NOW)).toBeUndefined();
    expect(parseRetryAfterMs(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfterMs(' 2 ', NOW)).toBe(2000);
  });
});
