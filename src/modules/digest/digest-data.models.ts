import type { LabelledScore } from '../calibration/calibration.models.ts';
import type { WeekPeriod } from './digest-weeks.models.ts';

// What the digest reads about one source and one week: plain counts and lists, filled by
// one small loader per module (DigestLoaders), so the digest never queries another
// module's tables and summarizeWeek stays a pure function of two WeekData values.
// `null` marks a part whose loader is not wired: the digest says "not available"
// instead of showing zeros that would read as "nothing happened".

export interface EventFigures {
  /** Live events that occurred in the week; probes and other synthetic traffic are left out. */
  events: number;
  /** Events whose checks have all finished (detectors and every queued grader). */
  checked: number;
  /** Events with at least one flag, Vigil's own or one the app sent. */
  flagged: number;
  /** Flagged events per check name; an event flagged by two checks counts for both. */
  flagsByCheck: Record<string, number>;
}

export interface RatingTotals {
  count: number;
  sum: number;
}

export interface ReviewFigures {
  /** Review items created in the week. */
  sampled: number;
  /** Items whose final outcome was reached in the week, by outcome. */
  approved: number;
  rejected: number;
  /** Reject verdicts given in the week, per reason category. */
  rejectionReasons: Record<string, number>;
  /** Tone and brand ratings (1–5) given in the week. */
  tone: RatingTotals;
  brand: RatingTotals;
  /** Card posted → final outcome, for the items final in the week. */
  decisionTimesMs: number[];
  /** Items that passed their SLA without a decision during the week. */
  slaBreaches: number;
  /** Items waiting for a decision at the end of the week (queued, in review, needing adjudication). */
  backlog: number;
  /** Items that expired in the week without a decision. */
  expiredUnreviewed: number;
  /** Approve or reject verdicts given in the week, per reviewer (Slack user id). */
  verdictsByReviewer: Record<string, number>;
}

export interface GraderRunFigures {
  grader: string;
  /** Gradings stored in the week. */
  graded: number;
  /** Grading jobs that gave up in the week (the event became reviewable, never "passed"). */
  failed: number;
}

/** A grader's live threshold and the human-labelled scores of the week, for precision and recall. */
export interface GraderLabels {
  grader: string;
  threshold: number;
  labels: LabelledScore[];
}

export interface GuardrailVersionChange {
  version: number;
  kind: string;
  actor: string;
  reason: string;
  at: number;
}

export interface ThresholdChange {
  grader: string;
  /** null when the grader was added (from) or removed (to). */
  from: number | null;
  to: number | null;
  version: number;
  actor: string;
  at: number;
}

export interface RollbackChange {
  version: number;
  fromRelease: string | null;
  toRelease: string;
  actor: string;
  reason: string;
  at: number;
}

export interface KillSwitchChange {
  on: boolean;
  version: number;
  actor: string;
  reason: string;
  at: number;
}

export interface ChangeFigures {
  /** Guardrail versions created in the week, oldest first; the seed from the config file is not a change. */
  versions: GuardrailVersionChange[];
  thresholds: ThresholdChange[];
  rollbacks: RollbackChange[];
  killSwitches: KillSwitchChange[];
}

export interface IncidentRecord {
  id: string;
  severity: string;
  title: string;
  openedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
}

/** The probe runs of one probe against one release in the week (probe_runs: one row per probe per run). */
export interface ProbeWeekFigures {
  /** null: runs without a known release. */
  release: string | null;
  probe: string;
  /** Runs the app defended itself. */
  passed: number;
  /** Runs the probe got through. */
  breached: number;
  /** Runs whose call failed: they prove nothing either way. */
  errors: number;
}

export interface WeekData {
  source: string;
  period: WeekPeriod;
  events: EventFigures;
  graders: GraderRunFigures[];
  changes: ChangeFigures;
  review: ReviewFigures | null;
  calibration: GraderLabels[] | null;
  /** Incidents opened in the week. */
  incidents: IncidentRecord[] | null;
  /** Probe outcomes of the week; null when the loader is not wired or the source runs no probes. */
  probes: ProbeWeekFigures[] | null;
}

/** One loader per module; each answers for [period.start, period.end) of one source. */
export interface DigestLoaders {
  loadEvents(source: string, period: WeekPeriod): Promise<EventFigures>;
  loadGraderRuns(source: string, period: WeekPeriod): Promise<GraderRunFigures[]>;
  loadChanges(source: string, period: WeekPeriod): Promise<ChangeFigures>;
  loadReview?(source: string, period: WeekPeriod): Promise<ReviewFigures>;
  loadCalibration?(source: string, period: WeekPeriod): Promise<GraderLabels[]>;
  loadIncidents?(source: string, period: WeekPeriod): Promise<IncidentRecord[]>;
  /** null when the source has no probes configured: the digest then leaves the probe section out. */
  loadProbes?(source: string, period: WeekPeriod): Promise<ProbeWeekFigures[] | null>;
}

/** The loaders other modules supply (review, calibration, incidents, probes); one left out shows its part as "not available". */
export type OtherModuleLoaders = Partial<Pick<DigestLoaders, 'loadReview' | 'loadCalibration' | 'loadIncidents' | 'loadProbes'>>;
