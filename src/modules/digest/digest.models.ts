import { evaluateThreshold } from '../calibration/calibration.models.ts';
import type {
  ChangeFigures, GraderLabels, GraderRunFigures, IncidentRecord, KillSwitchChange, ReviewFigures, RollbackChange, ThresholdChange,
  GuardrailVersionChange, WeekData,
} from './digest-data.models.ts';
import { readWeekDays } from './digest-weeks.models.ts';
import { compareWeeks, computeMedian, computePercentile, divide, rankCounts, toFiniteOrNull, type WeekChange } from './digest-figures.models.ts';
import { summarizeProbes, type ReleaseProbesSummary } from './digest-probes.models.ts';

// The weekly digest's figures, from this week's and last week's data. Pure: the data is
// loaded elsewhere (digest.usecases.ts), and nothing here reads a clock.

export type { WeekChange } from './digest-figures.models.ts';
export type { ProbeBreach, ReleaseProbesSummary } from './digest-probes.models.ts';
export type * from './digest-data.models.ts';
export { weekPeriod, previousWeek, parseWeekKey, listWeeksEndingWith, type WeekPeriod } from './digest-weeks.models.ts';
export { isDigestDue, findDueDigest, parseWeeklySchedule, computeSendTime, type DueDigest, type WeeklySchedule } from './digest-schedule.models.ts';

export const TOP_FLAGS = 3;
export const TOP_REJECTION_REASONS = 3;
export const TOP_REVIEWERS = 5;

export interface FindingsSummary {
  reviewed: number;
  approved: number;
  rejected: number;
  approvalRate: number | null;
  rejectionRate: number | null;
  /** Share is of all reject verdicts of the week. */
  topRejectionReasons: { reason: string; count: number; share: number }[];
  averageTone: number | null;
  toneRatings: number;
  averageBrand: number | null;
  brandRatings: number;
}

export interface GraderSummary {
  grader: string;
  graded: number;
  failed: number;
  failureRate: number | null;
  threshold: number | null;
  labels: number;
  /** Weighted (live-traffic) estimates at the live threshold from the week's labels; null without labels of the class needed. */
  precision: number | null;
  recall: number | null;
}

export interface IncidentSummaryLine {
  id: string;
  severity: string;
  title: string;
  status: 'open' | 'acknowledged' | 'resolved';
  timeToAcknowledgeMs: number | null;
  timeToResolveMs: number | null;
}

export interface IncidentsSummary {
  opened: number;
  resolved: number;
  medianTimeToAcknowledgeMs: number | null;
  medianTimeToResolveMs: number | null;
  list: IncidentSummaryLine[];
}

export interface DigestSummary {
  source: string;
  week: { key: string; start: number; end: number; firstDay: string; lastDay: string };
  previousWeekKey: string;
  volume: { events: WeekChange; checked: WeekChange; flagged: WeekChange; sampled: WeekChange | null; reviewed: WeekChange | null };
  flaggedShare: number | null;
  topFlags: { check: string; count: number }[];
  findings: FindingsSummary | null;
  graders: GraderSummary[];
  changes: { versions: GuardrailVersionChange[]; thresholds: ThresholdChange[]; rollbacks: RollbackChange[]; killSwitches: KillSwitchChange[] };
  incidents: IncidentsSummary | null;
  reviewSpeed: { medianDecisionMs: number | null; p90DecisionMs: number | null; slaBreaches: number } | null;
  backlog: { open: number; change: WeekChange | null; expiredUnreviewed: number } | null;
  reviewers: { verdicts: number; reviewers: number; top: { reviewer: string; verdicts: number }[] } | null;
  /** Per release, latest first; null when the source runs no probes (or their figures are not wired). */
  probes: ReleaseProbesSummary[] | null;
}

const reviewedOf = (review: ReviewFigures) => review.approved + review.rejected;

function summarizeFindings(review: ReviewFigures): FindingsSummary {
  const reviewed = reviewedOf(review);
  const rejectVerdicts = Object.values(review.rejectionReasons).reduce((sum, count) => sum + count, 0);
  return {
    reviewed,
    approved: review.approved,
    rejected: review.rejected,
    approvalRate: divide(review.approved, reviewed),
    rejectionRate: divide(review.rejected, reviewed),
    topRejectionReasons: rankCounts(review.rejectionReasons, TOP_REJECTION_REASONS).map(({ name, count }) => ({ reason: name, count, share: count / rejectVerdicts })),
    averageTone: divide(review.tone.sum, review.tone.count),
    toneRatings: review.tone.count,
    averageBrand: divide(review.brand.sum, review.brand.count),
    brandRatings: review.brand.count,
  };
}

function summarizeGraders(runs: readonly GraderRunFigures[], calibration: readonly GraderLabels[] | null): GraderSummary[] {
  const names = [...new Set([...runs.map((run) => run.grader), ...(calibration ?? []).map((entry) => entry.grader)])].sort();
  return names.map((grader) => {
    const run = runs.find((entry) => entry.grader === grader) ?? { graded: 0, failed: 0 };
    const labelled = calibration?.find((entry) => entry.grader === grader);
    const figures = labelled && labelled.labels.length > 0 ? evaluateThreshold(labelled.labels, labelled.threshold).weighted : null;
    return {
      grader,
      graded: run.graded,
      failed: run.failed,
      failureRate: divide(run.failed, run.graded + run.failed),
      threshold: labelled?.threshold ?? null,
      labels: labelled?.labels.length ?? 0,
      precision: figures ? toFiniteOrNull(figures.precision) : null,
      recall: figures ? toFiniteOrNull(figures.recall) : null,
    };
  });
}

/** Time to acknowledge counts a resolve without an acknowledgement as the acknowledgement, as incidents.models does. */
function summarizeIncidents(incidents: readonly IncidentRecord[]): IncidentsSummary {
  const list = [...incidents]
    .sort((a, b) => a.openedAt - b.openedAt)
    .map((incident): IncidentSummaryLine => {
      const acknowledgedAt = incident.acknowledgedAt ?? incident.resolvedAt;
      return {
        id: incident.id,
        severity: incident.severity,
        title: incident.title,
        status: incident.resolvedAt !== null ? 'resolved' : incident.acknowledgedAt !== null ? 'acknowledged' : 'open',
        timeToAcknowledgeMs: acknowledgedAt === null ? null : Math.max(0, acknowledgedAt - incident.openedAt),
        timeToResolveMs: incident.resolvedAt === null ? null : Math.max(0, incident.resolvedAt - incident.openedAt),
      };
    });
  const present = (values: (number | null)[]) => values.filter((value): value is number => value !== null);
  return {
    opened: list.length,
    resolved: list.filter((line) => line.status === 'resolved').length,
    medianTimeToAcknowledgeMs: computeMedian(present(list.map((line) => line.timeToAcknowledgeMs))),
    medianTimeToResolveMs: computeMedian(present(list.map((line) => line.timeToResolveMs))),
    list,
  };
}

function summarizeReviewers(review: ReviewFigures): NonNullable<DigestSummary['reviewers']> {
  const counts = Object.values(review.verdictsByReviewer);
  return {
    verdicts: counts.reduce((sum, count) => sum + count, 0),
    reviewers: counts.filter((count) => count > 0).length,
    top: rankCounts(review.verdictsByReviewer, TOP_REVIEWERS).map(({ name, count }) => ({ reviewer: name, verdicts: count })),
  };
}

function copyChanges(changes: ChangeFigures): DigestSummary['changes'] {
  return { versions: [...changes.versions], thresholds: [...changes.thresholds], rollbacks: [...changes.rollbacks], killSwitches: [...changes.killSwitches] };
}

/** Every figure of the digest of `current.period`; `previous` is the week before, for the changes. */
export function summarizeWeek(current: WeekData, previous: WeekData): DigestSummary {
  const review = current.review;
  const lastReview = previous.review;
  const both = review !== null && lastReview !== null;
  return {
    source: current.source,
    week: { key: current.period.key, start: current.period.start, end: current.period.end, ...readWeekDays(current.period) },
    previousWeekKey: previous.period.key,
    volume: {
      events: compareWeeks(current.events.events, previous.events.events),
      checked: compareWeeks(current.events.checked, previous.events.checked),
      flagged: compareWeeks(current.events.flagged, previous.events.flagged),
      sampled: both ? compareWeeks(review.sampled, lastReview.sampled) : null,
      reviewed: both ? compareWeeks(reviewedOf(review), reviewedOf(lastReview)) : null,
    },
    flaggedShare: divide(current.events.flagged, current.events.events),
    topFlags: rankCounts(current.events.flagsByCheck, TOP_FLAGS).map(({ name, count }) => ({ check: name, count })),
    findings: review ? summarizeFindings(review) : null,
    graders: summarizeGraders(current.graders, current.calibration),
    changes: copyChanges(current.changes),
    incidents: current.incidents ? summarizeIncidents(current.incidents) : null,
    reviewSpeed: review
      ? { medianDecisionMs: computeMedian(review.decisionTimesMs), p90DecisionMs: computePercentile(review.decisionTimesMs, 0.9), slaBreaches: review.slaBreaches }
      : null,
    backlog: review
      ? { open: review.backlog, change: both ? compareWeeks(review.backlog, lastReview.backlog) : null, expiredUnreviewed: review.expiredUnreviewed }
      : null,
    reviewers: review ? summarizeReviewers(review) : null,
    probes: current.probes ? summarizeProbes(current.probes) : null,
  };
}

/**
 * A week with nothing to tell: no events, no verdicts, no guardrail change, no incident and an
 * empty queue. Its digest is not sent (a fresh install would otherwise greet every manager
 * with a page of zeros); `/vigil digest` still shows it on request.
 */
export function isQuietWeek(summary: DigestSummary): boolean {
  return (
    summary.volume.events.value === 0 &&
    (summary.findings?.reviewed ?? 0) === 0 &&
    summary.changes.versions.length === 0 &&
    (summary.incidents?.opened ?? 0) === 0 &&
    (summary.backlog?.open ?? 0) === 0
  );
}
