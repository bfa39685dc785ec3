import { createHash } from 'node:crypto';
import { GRADER_UNAVAILABLE, type Flag } from '../checks/checks.models.ts';
import { toAppFlags, type AppFlag } from '../ingestion/ingestion.models.ts';
import type { BoostCandidate } from '../monitoring/boosts.models.ts';
import type { GraderScore, SamplingCandidate } from '../sampling/sampling.models.ts';

// From a stored event to what the sampling policy looks at. Vigil's flags and the app's
// are judged alike; grader_unavailable is a reason of its own, not also a flag.

export interface PendingEvent {
  seq: number;
  id: string;
  source: string;
  output: string;
  release: string | null;
  modelVersion: string | null;
  promptVersion: string | null;
  occurredAt: number;
  flags: Flag[];
  appFlags: AppFlag[] | null;
}

export function hashOutput(output: string): string {
  return createHash('sha256').update(output).digest('hex');
}

export function listEventFlags(event: Pick<PendingEvent, 'flags' | 'appFlags'>): Flag[] {
  return [...event.flags, ...toAppFlags(event.appFlags)];
}

export function buildSamplingCandidate(
  event: PendingEvent,
  graderScores: { grader: string; score: number }[],
  threshold: (grader: string) => number,
): SamplingCandidate {
  const flags = listEventFlags(event);
  const scores: GraderScore[] = graderScores.map(({ grader, score }) => ({ grader, score, threshold: threshold(grader) }));
  return {
    eventId: event.id,
    source: event.source,
    occurredAt: event.occurredAt,
    outputHash: hashOutput(event.output),
    ...(event.release !== null ? { release: event.release } : {}),
    ...(event.modelVersion !== null ? { modelVersion: event.modelVersion } : {}),
    flags: flags
      .filter((flag) => flag.check !== GRADER_UNAVAILABLE)
      .map((flag) => ({ check: flag.check, severity: flag.severity, ...(flag.kind ? { kind: flag.kind } : {}), ...(flag.score !== undefined ? { score: flag.score } : {}) })),
    graderScores: scores,
    graderUnavailable: flags.some((flag) => flag.check === GRADER_UNAVAILABLE),
  };
}

/** What a drift boost's slice is matched against: the candidate's checks plus the versions and the output. */
export function buildBoostCandidate(event: Pick<PendingEvent, 'modelVersion' | 'promptVersion' | 'output'>, candidate: SamplingCandidate): BoostCandidate {
  return { flags: candidate.flags, graderScores: candidate.graderScores, modelVersion: event.modelVersion, promptVersion: event.promptVersion, output: event.output };
}
