// Probes are sent at most `perMinute` per minute (call starts spaced by 60 s / perMinute) and
// at most `limit` at once, so a probe run never floods the app it protects, and a slow target
// holds one slot for at most its timeout while the others keep going. Time is injected.

export interface Pacer {
  /** Resolves when the next call may start. */
  wait(): Promise<void>;
}

export function createPacer(options: { perMinute: number; now: () => number; sleep: (ms: number) => Promise<void> }): Pacer {
  if (!(options.perMinute > 0)) throw new RangeError(`perMinute must be > 0, got ${options.perMinute}`);
  const interval = 60_000 / options.perMinute;
  let nextSlot = -Infinity;
  return {
    async wait() {
      const now = options.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + interval;
      if (slot > now) await options.sleep(slot - now);
    },
  };
}

/**
 * Runs `work` over `items` with at most `limit` in flight, keeping the result order. Every
 * item runs even if some fail; failures are rethrown together at the end, never left unhandled.
 */
export async function runWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${items.length} tasks failed`);
  return results;
}
