import { GRADER_UNAVAILABLE, type Flag } from './checks.models.ts';

// How LLM grader outcomes become flags. Shared by the grading queue (at ingest) and
// `vigil scan --graders` (backtests), so a backtest flags exactly what production would.

export interface GraderOutcome {
  grader: string;
  score: number;
  label: string;
  reason: string;
  hijacked: boolean;
}

/** A grading that produced no result: it failed, or was skipped for budget or an open circuit. */
export interface MissingGrading {
  grader: string;
  reason: string;
}

export const JUDGE_HIJACKED = 'judge_hijacked';

/**
 * A hijacked judge is a critical flag whatever score it gave (the score is the
 * attacker's); a trusted score at or over the grader's threshold is a warning; any
 * missing grading makes one `grader_unavailable` flag, so the event stays reviewable
 * instead of silently passing.
 */
export function deriveGraderFlags(
  outcomes: readonly GraderOutcome[],
  missing: readonly MissingGrading[],
  thresholdOf: (grader: string) => number,
): Flag[] {
  const flags: Flag[] = [];
  for (const outcome of outcomes) {
    if (outcome.hijacked) {
      flags.push({
        check: outcome.grader,
        origin: 'grader',
        kind: JUDGE_HIJACKED,
        severity: 'critical',
        reason: 'the grader did not echo its nonce: the content may have taken over the judge',
      });
    } else if (outcome.score >= thresholdOf(outcome.grader)) {
      flags.push({ check: outcome.grader, origin: 'grader', kind: outcome.label, severity: 'warn', score: outcome.score, reason: outcome.reason });
    }
  }
  if (missing.length > 0) {
    flags.push({
      check: GRADER_UNAVAILABLE,
      origin: 'system',
      severity: 'warn',
      reason: missing.map((each) => `${each.grader}: ${each.reason}`).join('; ').slice(0, 500),
    });
  }
  return flags;
}
