// Keeps grading from hammering OpenAI when it is down or rate limiting us, and from
// overspending when traffic spikes. All pure: time (`now`) and randomness (`rng`) come in.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** The server's Retry-After, if it sent one. */
  retryAfterMs?: number;
  /** Uniform in [0, 1). */
  rng: () => number;
}

/**
 * Full-jitter exponential backoff for the `attempt`-th retry (1 = first retry):
 * uniform in [0, min(maxMs, baseMs · 2^(attempt-1))]. Retry-After is a floor that the
 * server asked for, so it wins even over `maxMs`.
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(exponent, 52));
  const jittered = Math.floor(options.rng() * ceiling);
  return Math.max(jittered, Math.ceil(options.retryAfterMs ?? 0));
}

/**
 * Reads `retry-after-ms` (milliseconds, OpenAI's own) or `retry-after` (seconds or an
 * HTTP date). Returns undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  getHeader: (name: string) => string | null | undefined,
  nowMs: number,
): number | undefined {
  const ms = Number.parseFloat(getHeader('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const raw = getHeader('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number.parseFloat(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export type CircuitState = 'closed' | 'open' | 'half_open';
export type GraderHealth = 'ok' | 'degraded' | 'open';

export interface CircuitBreaker {
  /** True when a call may go out now. In half-open, only one probe at a time is let through. */
  canRequest(): boolean;
  recordSuccess(): void;
  recordFailure(): void;
  state(): CircuitState;
  /** `ok` = closed with no recent failure; `degraded` = failing but still calling, or probing; `open` = not calling. */
  health(): GraderHealth;
  /** Milliseconds until an open breaker lets a probe through (0 when it would now). */
  msUntilProbe(): number;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long the breaker stays open before letting one probe through. */
  openMs: number;
  now: () => number;
}

export function createCircuitBreaker({ failureThreshold, openMs, now }: CircuitBreakerOptions): CircuitBreaker {
  let state: CircuitState = 'closed';
  let consecutiveFailures = 0;
  let openedAt = 0;
  // When the probe was let through; a probe that never reports back frees the slot after openMs.
  let probeStartedAt: number | null = null;

  const refresh = (): void => {
    if (state === 'open' && now() - openedAt >= openMs) {
      state = 'half_open';
      probeStartedAt = null;
    }
  };
  const open = (): void => {
    state = 'open';
    openedAt = now();
    probeStartedAt = null;
  };

  return {
    canRequest() {
      refresh();
      if (state === 'closed') return true;
      if (state === 'open') return false;
      if (probeStartedAt !== null && now() - probeStartedAt < openMs) return false;
      probeStartedAt = now();
      return true;
    },
    recordSuccess() {
      state = 'closed';
      consecutiveFailures = 0;
      probeStartedAt = null;
    },
    recordFailure() {
      refresh();
      consecutiveFailures += 1;
      if (state === 'half_open' || (state === 'closed' && consecutiveFailures >= failureThreshold)) open();
    },
    state() {
      refresh();
      return state;
    },
    health() {
      refresh();
      if (state === 'open') return 'open';
      return state === 'half_open' || consecutiveFailures > 0 ? 'degraded' : 'ok';
    },
    msUntilProbe() {
      refresh();
      return state === 'open' ? Math.max(0, openedAt + openMs - now()) : 0;
    },
  };
}

export interface CallBudget {
  /** Takes one call from the budget of the last 60 s; false when it is spent. */
  tryTake(): boolean;
  remaining(): number;
  /** Milliseconds until `tryTake()` can succeed again (0 when it would now). */
  msUntilAvailable(): number;
}

const MINUTE_MS = 60_000;

/** A sliding one-minute window, so a burst at a minute boundary cannot spend twice the budget. */
export function createCallBudget({ perMinute, now }: { perMinute: number; now: () => number }): CallBudget {
  const taken: number[] = [];
  const prune = (): void => {
    const cutoff = now() - MINUTE_MS;
    while (taken.length > 0 && (taken[0] ?? 0) <= cutoff) taken.shift();
  };
  return {
    tryTake() {
      prune();
      if (taken.length >= perMinute) return false;
      taken.push(now());
      return true;
    },
    remaining() {
      prune();
      return Math.max(0, perMinute - taken.length);
    },
    msUntilAvailable() {
      prune();
      if (taken.length < perMinute) return 0;
      const oldest = taken[taken.length - perMinute] ?? now();
      return Math.max(0, oldest + MINUTE_MS - now());
    },
  };
}
