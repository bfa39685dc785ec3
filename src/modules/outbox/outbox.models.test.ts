import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../shared/random.ts';
import { compactSlackResponse, computeNextAttemptAt, decideAfterFailure, deriveSlackOrderKey, type RetryPolicy } from './outbox.models.ts';

const NOW = Date.parse('2026-11-25T09:00:00Z');
const POLICY: RetryPolicy = { baseMs: 1000, capMs: 60_000, maxAttempts: 5, maxAgeMs: 3_600_000 };

describe('computeNextAttemptAt', () => {
  it('draws the delay uniformly below base·2^(attempts-1), the full-jitter window', () => {
    const rng = createSeededRandom(7);
    for (const attempts of [1, 2, 3, 4]) {
      const window = 1000 * 2 ** (attempts - 1);
      const delays = Array.from({ length: 200 }, () => computeNextAttemptAt(attempts, NOW, undefined, rng, POLICY) - NOW);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(window);
      // Full jitter spreads retries over the whole window, not just its top.
      expect(Math.max(...delays)).toBeGreaterThan(window * 0.9);
      expect(Math.min(...delays)).toBeLessThan(window * 0.1);
    }
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    const delay = computeNextAttemptAt(40, NOW, undefined, () => 0.999999, POLICY) - NOW;
    expect(delay).toBeLessThan(60_000);
    expect(delay).toBeGreaterThan(59_000);
  });

  it('waits exactly the Retry-After when the server gave one', () => {
    expect(computeNextAttemptAt(3, NOW, 7000, () => 0.5, POLICY)).toBe(NOW + 7000);
  });
});

describe('decideAfterFailure', () => {
  const row = { attempts: 2, createdAt: NOW - 10_000 };

  it('fails a permanent error at once with its code', () => {
    expect(decideAfterFailure(row, { kind: 'permanent', code: 'channel_not_found' }, NOW, () => 0.5, POLICY)).toEqual({
      action: 'fail',
      code: 'channel_not_found',
      reason: 'channel_not_found',
    });
  });

  it('retries a transient error after a jittered backoff', () => {
    expect(decideAfterFailure(row, { kind: 'retryable', code: 'http_500' }, NOW, () => 0.5, POLICY)).toEqual({ action: 'retry', nextAttemptAt: NOW + 1000 });
  });

  it('gives up on a transient error once the attempts are spent', () => {
    const decision = decideAfterFailure({ ...row, attempts: 5 }, { kind: 'retryable', code: 'http_500' }, NOW, () => 0.5, POLICY);
    expect(decision).toMatchObject({ action: 'fail', code: 'max_attempts_exceeded' });
  });

  it('keeps retrying a rate limit past the attempt count, until the message is too old', () => {
    const limited = { kind: 'rate_limited', retryAfterMs: 30_000, code: 'ratelimited' } as const;
    expect(decideAfterFailure({ ...row, attempts: 50 }, limited, NOW, () => 0.5, POLICY)).toEqual({ action: 'retry', nextAttemptAt: NOW + 30_000 });
    const old = { attempts: 50, createdAt: NOW - 3_590_000 };
    expect(decideAfterFailure(old, limited, NOW, () => 0.5, POLICY)).toMatchObject({ action: 'fail', code: 'max_age_exceeded' });
  });
});

describe('deriveSlackOrderKey', () => {
  it('queues channel messages per channel, ephemeral replies per user, App Home views per user, and the rest per method', () => {
    expect(deriveSlackOrderKey('chat.postMessage', { channel: 'C123', text: 'hi' })).toBe('slack:C123');
    expect(deriveSlackOrderKey('chat.update', { channel: 'C123', ts: '1.1' })).toBe('slack:C123');
    expect(deriveSlackOrderKey('chat.postEphemeral', { channel: 'C123', user: 'U7', text: 'done' })).toBe('slack:C123:ephemeral:U7');
    expect(deriveSlackOrderKey('views.publish', { user_id: 'U1', view: {} })).toBe('slack:user:U1');
    expect(deriveSlackOrderKey('conversations.create', { name: 'inc-42' })).toBe('slack:method:conversations.create');
  });
});

describe('compactSlackResponse', () => {
  it('keeps the ids later messages refer to and drops the echoed message text', () => {
    const posted = { ok: true, channel: 'C123', ts: '1730000001.000100', message: { ts: '1730000001.000100', text: 'customer text', blocks: [] }, response_metadata: {} };
    expect(compactSlackResponse(posted)).toEqual({ channel: 'C123', ts: '1730000001.000100', message: { ts: '1730000001.000100' } });
    const created = { ok: true, channel: { id: 'C9', name: 'inc-42', is_private: false, created: 1 } };
    expect(compactSlackResponse(created)).toEqual({ channel: { id: 'C9', name: 'inc-42' } });
    expect(compactSlackResponse({ ok: true, view: { id: 'V1', hash: 'h', blocks: [] } })).toEqual({ view: { id: 'V1', hash: 'h' } });
  });
});
