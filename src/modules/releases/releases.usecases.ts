import type { Clock } from '../../shared/clock.ts';
import { writeGuardrailVersion, type GuardrailsDeps, type VersionResult } from '../guardrails/guardrails.usecases.ts';
import { createNoKnownGoodReleaseError, createReleaseNotFoundError } from './releases.errors.ts';
import { isKnownGood, pickRollbackTarget, type Release } from './releases.models.ts';
import type { ReleasesRepository } from './releases.repository.ts';

/** Rejected critical review items of a release since a time; the review module provides it, 0 until then. */
export type CountRejectedCritical = (source: string, release: string, since: number) => Promise<number>;

export interface ReleasesDeps {
  repository: ReleasesRepository;
  clock: Clock;
  guardrails: GuardrailsDeps;
  soakMsOf(source: string): number;
  countRejectedCritical: CountRejectedCritical;
}

export const noRejectedCritical: CountRejectedCritical = async () => 0;

export interface RegisterReleaseRequest {
  source: string;
  release: string;
  model?: string | null;
  promptVersion?: string | null;
  metadata?: Record<string, unknown> | null;
  actor: string;
}

export async function registerRelease(deps: ReleasesDeps, request: RegisterReleaseRequest) {
  return deps.repository.registerLive(
    {
      source: request.source,
      release: request.release,
      model: request.model ?? null,
      promptVersion: request.promptVersion ?? null,
      metadata: request.metadata ?? null,
      registeredBy: request.actor,
    },
    deps.clock.now(),
    (previous) => ({
      actor: request.actor,
      action: 'release.registered',
      source: request.source,
      subjectType: 'release',
      subjectId: request.release,
      details: { release: request.release, model: request.model ?? null, prompt_version: request.promptVersion ?? null, previous_release: previous },
    }),
  );
}

/** A release named by an event the app sent (`release` field), with what the event said of it. */
export interface ReportedRelease {
  source: string;
  release: string;
  model: string | null;
  promptVersion: string | null;
}

/**
 * Registers the releases events name, the first time each is seen: a release the app never
 * reported through POST /v1/releases still appears in `releases list`, goes live, and earns
 * its soak time. A release already known is left as it is: during a rolling deploy, events of
 * the old and new release interleave, and flipping the live one back and forth would reset
 * soak times and flood the audit log. (A return to an earlier release is reported through
 * POST /v1/releases or a rollback.) Known pairs are remembered, so a batch costs a lookup.
 */
export function createReleaseSightings(deps: ReleasesDeps) {
  const known = new Set<string>();
  return async function registerSeenReleases(releases: readonly ReportedRelease[], actor: string): Promise<void> {
    for (const reported of releases) {
      const key = `${reported.source}\u0000${reported.release}`;
      if (known.has(key)) continue;
      if (!(await deps.repository.find(reported.source, reported.release))) {
        await registerRelease(deps, { ...reported, actor });
      }
      known.add(key);
    }
  };
}

export async function checkReleaseIsKnownGood(deps: ReleasesDeps, release: Release, now: number): Promise<boolean> {
  if (release.knownGoodAt !== null) return true;
  const rejected = await deps.countRejectedCritical(release.source, release.release, release.firstSeenAt);
  return isKnownGood(release, now, rejected, deps.soakMsOf(release.source), false);
}

/** Every release of the source, newest first, with whether it is known-good now. */
export async function listReleases(deps: ReleasesDeps, source: string): Promise<{ release: Release; knownGood: boolean }[]> {
  const now = deps.clock.now();
  const releases = await deps.repository.list(source);
  return Promise.all(releases.map(async (release) => ({ release, knownGood: await checkReleaseIsKnownGood(deps, release, now) })));
}

/** An approver vouches for a release before its soak time is over. */
export async function markKnownGood(deps: ReleasesDeps, request: { source: string; release: string; actor: string; reason?: string }) {
  const release = await deps.repository.find(request.source, request.release);
  if (!release) throw createReleaseNotFoundError(request.source, request.release);
  const marked = await deps.repository.markKnownGood(request.source, request.release, request.actor, deps.clock.now(), {
    actor: request.actor,
    action: 'release.marked_known_good',
    source: request.source,
    subjectType: 'release',
    subjectId: request.release,
    details: { release: request.release, reason: request.reason ?? null },
  });
  return { release: (await deps.repository.find(request.source, request.release)) ?? release, alreadyMarked: !marked };
}

/**
 * Pins the last known-good release in a new guardrail version, which fires the signed
 * `guardrail.rollback` webhook: the app deploys (or routes to) the pinned release.
 */
export async function rollbackRelease(deps: ReleasesDeps, request: { source: string; actor: string; reason: string }): Promise<VersionResult & { target: Release; from: string | null }> {
  const now = deps.clock.now();
  const releases = await deps.repository.list(request.source);
  const knownGood = new Set<string>();
  for (const release of releases) {
    if (release.liveSince === null && (await checkReleaseIsKnownGood(deps, release, now))) {
      knownGood.add(release.release);
      break;
    }
  }
  const target = pickRollbackTarget(releases, knownGood);
  if (!target) throw createNoKnownGoodReleaseError(request.source);
  const from = releases.find((release) => release.liveSince !== null)?.release ?? null;
  const pinned = { release: target.release, model: target.model, prompt_version: target.promptVersion };
  const result = await writeGuardrailVersion(deps.guardrails, {
    source: request.source,
    kind: 'rollback',
    actor: request.actor,
    reason: request.reason,
    revise: (latest) => ({ ...latest, pinned_release: pinned }),
    rollback: { from_release: from, to_release: target.release },
  });
  return { ...result, target, from };
}
