import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeWebhookSignature, createGuardrailWebhookSigner, describeDelivery, verifyWebhookSignature } from './guardrail-webhooks.models.ts';

const SECRET = 'whsec_0123456789abcdef';
const NOW = Date.parse('2026-11-25T09:00:00Z');

describe('guardrail webhook signatures', () => {
  it('signs `${timestamp}.${body}` with HMAC-SHA256 and the source secret, timestamp in seconds', () => {
    const sign = createGuardrailWebhookSigner(new Map([['support-bot', SECRET]]));
    const body = JSON.stringify({ type: 'guardrail.rollback', source: 'support-bot', version: 7 });
    const headers = sign({ id: 'obx_1', url: 'https://app.example/hook', body, timestamp: NOW + 999 });
    const seconds = String(NOW / 1000);
    expect(headers).toEqual({
      'x-vigil-timestamp': seconds,
      'x-vigil-signature': `v1=${createHmac('sha256', SECRET).update(`${seconds}.${body}`).digest('hex')}`,
    });
    expect(verifyWebhookSignature(SECRET, { timestamp: headers['x-vigil-timestamp'], signature: headers['x-vigil-signature'] }, body, NOW)).toBe(true);
  });

  it('leaves bodies of other sources and other modules unsigned', () => {
    const sign = createGuardrailWebhookSigner(new Map([['support-bot', SECRET]]));
    expect(sign({ id: 'o', url: 'u', body: JSON.stringify({ type: 'guardrail.version_created', source: 'billing-bot' }), timestamp: NOW })).toEqual({});
    expect(sign({ id: 'o', url: 'u', body: JSON.stringify({ type: 'incident.opened', source: 'support-bot' }), timestamp: NOW })).toEqual({});
    expect(sign({ id: 'o', url: 'u', body: 'not json', timestamp: NOW })).toEqual({});
  });

  it('rejects a changed body, a wrong secret, a stale timestamp and a malformed header', () => {
    const body = '{"a":1}';
    const timestamp = String(NOW / 1000);
    const signature = computeWebhookSignature(SECRET, timestamp, body);
    expect(verifyWebhookSignature(SECRET, { timestamp, signature }, '{"a":2}', NOW)).toBe(false);
    expect(verifyWebhookSignature('other-secret-value', { timestamp, signature }, body, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { timestamp, signature }, body, NOW + 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { timestamp, signature: 'v1=abc' }, body, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { timestamp: undefined, signature }, body, NOW)).toBe(false);
  });
});

describe('describeDelivery', () => {
  const row = { id: 'obx_1', status: 'pending' as const, attempts: 0, lastError: null, nextAttemptAt: NOW, deliveredAt: null, failedAt: null, createdAt: NOW };

  it('names the states a card shows: pending, retrying with the last error, delivered, failed with the reason', () => {
    expect(describeDelivery(row)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(describeDelivery({ ...row, attempts: 1, lastError: 'http_500', nextAttemptAt: NOW + 800 })).toMatchObject({
      state: 'retrying',
      last_error: 'http_500',
      next_attempt_at: new Date(NOW + 800).toISOString(),
    });
    expect(describeDelivery({ ...row, status: 'delivered', attempts: 2, deliveredAt: NOW + 900 })).toMatchObject({ state: 'delivered', next_attempt_at: null, delivered_at: new Date(NOW + 900).toISOString() });
    expect(describeDelivery({ ...row, status: 'failed', attempts: 1, lastError: 'http_410', failedAt: NOW })).toMatchObject({ state: 'failed', last_error: 'http_410' });
  });
});
