import { findApplicableBoost, type BoostCandidate } from './boosts.models.ts';
import type { BoostsRepository } from './boosts.repository.ts';

// The review sampler asks, for every candidate event, whether a sampling boost covers it,
// for hundreds of events a batch, so the active boosts of a source are read at most once every
// few seconds (one read in flight per source, shared by every event that asks meanwhile). A
// boost started or stopped by this process drops its source's entry at once; one changed by
// another process is seen within the cache period.

export const BOOST_CACHE_MS = 5_000;

export interface AppliedBoost {
  id: number;
  slice: string;
  rate: number;
  metric: string;
}

interface CachedBoosts {
  readAt: number;
  boosts: Promise<Array<{ id: number; slice: string; rate: number; metric: string; until: number }>>;
}

export function createBoostLookup(deps: { boostsRepository: Pick<BoostsRepository, 'listActiveBoosts'>; cacheMs?: number }) {
  const cacheMs = deps.cacheMs ?? BOOST_CACHE_MS;
  const cache = new Map<string, CachedBoosts>();

  const read = (source: string, now: number): CachedBoosts => {
    const cached = cache.get(source);
    if (cached && now >= cached.readAt && now - cached.readAt < cacheMs) return cached;
    const fresh: CachedBoosts = { readAt: now, boosts: deps.boostsRepository.listActiveBoosts(source, now) };
    // A failed read is not cached: the next event asks the store again.
    fresh.boosts.catch(() => {
      if (cache.get(source) === fresh) cache.delete(source);
    });
    cache.set(source, fresh);
    return fresh;
  };

  return {
    /** The strongest boost covering the candidate at `now`, or null. */
    async boostFor(source: string, candidate: BoostCandidate, now: number): Promise<AppliedBoost | null> {
      const running = (await read(source, now).boosts).filter((boost) => boost.until > now);
      const boost = findApplicableBoost(running, candidate);
      return boost ? { id: boost.id, slice: boost.slice, rate: boost.rate, metric: boost.metric } : null;
    },
    /** Drops the cached boosts of a source after a boost of it started or stopped. */
    forget(source: string): void {
      cache.delete(source);
    },
  };
}

export type BoostLookup = ReturnType<typeof createBoostLookup>;
