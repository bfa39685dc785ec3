import type { ReleaseRow } from './releases.table.ts';

// When a release can be trusted as a rollback target. Pure: time and the review
// module's count of rejected critical items are parameters.

export type Release = ReleaseRow;

/** Total time the release has been live, its current live period included. */
export function liveDurationMs(release: Pick<Release, 'liveMs' | 'liveSince'>, now: number): number {
  return release.liveMs + (release.liveSince === null ? 0 : Math.max(0, now - release.liveSince));
}

/**
 * Known-good: an approver said so, or it has been live for the soak time and no item of
 * it was rejected as critical. A rejected critical item does not undo an approver's mark.
 */
export function isKnownGood(
  release: Pick<Release, 'liveMs' | 'liveSince'>,
  now: number,
  rejectedCriticalCount: number,
  soakMs: number,
  markedByApprover: boolean,
): boolean {
  if (markedByApprover) return true;
  if (rejectedCriticalCount > 0) return false;
  return liveDurationMs(release, now) >= soakMs;
}

/** The rollback target: the most recently live known-good release other than the one live now. */
export function pickRollbackTarget<R extends Pick<Release, 'release' | 'liveSince'>>(newestFirst: readonly R[], knownGood: ReadonlySet<string>): R | undefined {
  return newestFirst.find((release) => release.liveSince === null && knownGood.has(release.release));
}

export function toReleaseJson(release: Release, now: number, knownGood: boolean) {
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  return {
    source: release.source,
    release: release.release,
    model: release.model,
    prompt_version: release.promptVersion,
    metadata: release.metadata ?? {},
    live: release.liveSince !== null,
    live_since: iso(release.liveSince),
    live_for_ms: liveDurationMs(release, now),
    first_seen_at: iso(release.firstSeenAt),
    known_good: knownGood,
    marked_known_good_at: iso(release.knownGoodAt),
    marked_known_good_by: release.knownGoodBy,
    registered_by: release.registeredBy,
  };
}
