import { describe, expect, it } from 'vitest';
import {
  computeBackoffMs,
  createCallBudget,
  createCircuitBreaker,
  parseRetryAfterMs,
} from './grader-resilience.models.ts';

function createFakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('computeBackoffMs', () => {
  const options = { baseMs: 1_000, maxMs: 60_000 };

  it('draws uniformly below an exponentially growing ceiling', () => {
    expect(computeBackoffMs(1, { ...options, rng: () => 0.5 })).toBe(500);
    expect(computeBackoffMs(2, { ...options, rng: () => 0.5 })).toBe(1_000);
    expect(computeBackoffMs(4, { ...options, rng: () => 0.5 })).toBe(4_000);
    expect(computeBackoffMs(3, { ...options, rng: () => 0 })).toBe(0);
    expect(computeBackoffMs(3, { ...options, rng: () => 0.999 })).toBe(3_996);
  });

  it('never exceeds maxMs, even after many attempts', () => {
    expect(computeBackoffMs(60, { ...options, rng: () => 0.999 })).toBe(59_940);
    expect(computeBackoffMs(10_000, { ...options, rng: () => 0.999 })).toBe(59_940);
  });

  it('honours Retry-After as a floor, even above maxMs', () => {
    expect(computeBackoffMs(1, { ...options, retryAfterMs: 7_000, rng: () => 0.9 })).toBe(7_000);
    expect(computeBackoffMs(8, { ...options, retryAfterMs: 7_000, rng: () => 0.5 })).toBe(30_000);
    expect(computeBackoffMs(1, { ...options, retryAfterMs: 120_000, rng: () => 0.5 })).toBe(120_000);
  });
});

describe('parseRetryAfterMs', () => {
  const headers = (values: Record<string, string>) => (name: string) => values[name];
  const now = Date.parse('2025-08-01T12:00:00Z');

  it('reads retry-after-ms first, then retry-after in seconds or as an HTTP date', () => {
    expect(parseRetryAfterMs(headers({ 'retry-after-ms': '250.5', 'retry-after': '9' }), now)).toBe(251);
    expect(parseRetryAfterMs(headers({ 'retry-after': '7' }), now)).toBe(7_000);
    expect(parseRetryAfterMs(headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Fri, 01 Aug 2025 12:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Fri, 01 Aug 2025 11:00:00 GMT' }), now)).toBe(0);
  });

  it('returns undefined when the headers are absent or unreadable', () => {
    expect(parseRetryAfterMs(headers({}), now)).toBeUndefined();
    expect(parseRetryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfterMs(headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
  });
});

describe('createCircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, probes once after openMs, and closes on success', () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ failureThreshold: 3, openMs: 30_000, now: clock.now });
    expect([breaker.state(), breaker.health()]).toEqual(['closed', 'ok']);

    breaker.recordFailure();
    breaker.recordFailure();
    expect([breaker.state(), breaker.health(), breaker.canRequest()]).toEqual(['closed', 'degraded', true]);

    breaker.recordFailure();
    expect([breaker.state(), breaker.health(), breaker.canRequest()]).toEqual(['open', 'open', false]);
    expect(breaker.msUntilProbe()).toBe(30_000);

    clock.advance(29_999);
    expect(breaker.canRequest()).toBe(false);
    clock.advance(1);
    expect([breaker.state(), breaker.health()]).toEqual(['half_open', 'degraded']);
    expect(breaker.canRequest()).toBe(true);
    expect(breaker.canRequest()).toBe(false);

    breaker.recordSuccess();
    expect([breaker.state(), breaker.health(), breaker.canRequest()]).toEqual(['closed', 'ok', true]);
  });

  it('reopens for another openMs when the half-open probe fails', () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 10_000, now: clock.now });
    breaker.recordFailure();
    clock.advance(10_000);
    expect(breaker.canRequest()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state()).toBe('open');
    clock.advance(9_000);
    expect([breaker.canRequest(), breaker.msUntilProbe()]).toEqual([false, 1_000]);
  });

  it('resets the failure count on a success while closed', () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ failureThreshold: 2, openMs: 1_000, now: clock.now });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state()).toBe('closed');
  });

  it('lets a new probe through when the previous one never reported back', () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 5_000, now: clock.now });
    breaker.recordFailure();
    clock.advance(5_000);
    expect(breaker.canRequest()).toBe(true);
    clock.advance(4_999);
    expect(breaker.canRequest()).toBe(false);
    clock.advance(1);
    expect(breaker.canRequest()).toBe(true);
  });
});

describe('createCallBudget', () => {
  it('allows perMinute calls in any sliding minute', () => {
    const clock = createFakeClock();
    const budget = createCallBudget({ perMinute: 3, now: clock.now });
    expect([budget.tryTake(), budget.tryTake()]).toEqual([true, true]);
    clock.advance(30_000);
    expect(budget.tryTake()).toBe(true);
    expect([budget.tryTake(), budget.remaining(), budget.msUntilAvailable()]).toEqual([false, 0, 30_000]);

    clock.advance(30_000);
    expect(budget.remaining()).toBe(2);
    expect([budget.tryTake(), budget.tryTake(), budget.tryTake()]).toEqual([true, true, false]);
    expect(budget.msUntilAvailable()).toBe(30_000);
  });

  it('does not let a burst across a minute boundary spend twice the budget', () => {
    const clock = createFakeClock(59_000);
    const budget = createCallBudget({ perMinute: 2, now: clock.now });
    expect([budget.tryTake(), budget.tryTake()]).toEqual([true, true]);
    clock.advance(2_000);
    expect(budget.tryTake()).toBe(false);
  });
});
