// The calibration report of one (source, grader, grader version): the labels, the proposed
// threshold (or how many labels are missing), what the current and proposed thresholds cost
// on live traffic, and how good the judge is against the humans. Pure: the use case loads
// the rows and the traffic, this file only computes. The CLI, the Slack card and the daily
// job all read this one object, so they never disagree.

import type { LabelBasis } from './calibration-labels.models.ts';
import { computeFlaggedShare, describeTrafficAt, type ReviewLoadPolicy, type TrafficAt } from './calibration-load.models.ts';
import {
  cohensKappaBinary,
  evaluateThreshold,
  recommendThreshold,
  type Confusion,
  type CurveSummary,
  type LabelCounts,
  type LabelledScore,
  type ThresholdEvaluation,
  type ThresholdObjective,
} from './calibration.models.ts';

/** One labelled grader score: a final review item, or a duplicate event its verdict stands for. */
export interface LabelledItem extends LabelledScore {
  itemId: string;
  eventId: string;
  basis: LabelBasis;
  reason: string | null;
  /** The card in Slack, when it was posted. */
  cardUrl: string | null;
  /** True for an identical output attached to the item instead of being queued again. */
  duplicate: boolean;
}

export interface GraderMistake {
  itemId: string;
  eventId: string;
  score: number;
  weight: number;
  basis: LabelBasis;
  reason: string | null;
  cardUrl: string | null;
}

export interface JudgeQuality {
  /** The live threshold the judge is judged at. */
  threshold: number;
  kappa: { weighted: number; unweighted: number };
  confusion: Confusion;
  falsePositiveCount: number;
  falseNegativeCount: number;
  /** The most confident mistakes first (highest scores among false positives, lowest among false negatives). */
  falsePositives: GraderMistake[];
  falseNegatives: GraderMistake[];
}

export interface TrafficReport {
  days: number;
  gradedEvents: number;
  gradedPerDay: number;
  current: TrafficAt;
  proposed: TrafficAt | null;
  deltaFlagsPerDay: number | null;
  deltaReviewItemsPerDay: number | null;
}

export type RecommendationSummary =
  | { status: 'ok'; threshold: number; change: number }
  | { status: 'insufficient_labels'; needed: LabelCounts; message: string };

export interface CalibrationReport {
  source: string;
  grader: string;
  graderVersion: string;
  dimension: string;
  generatedAt: string;
  objective: ThresholdObjective;
  minLabelsPerClass: number;
  labels: LabelCounts & { items: number; duplicates: number; weightedViolations: number; weightedNonViolations: number };
  recommendation: RecommendationSummary;
  currentThreshold: number;
  current: ThresholdEvaluation | null;
  proposed: ThresholdEvaluation | null;
  curve: { weighted: CurveSummary; unweighted: CurveSummary } | null;
  traffic: TrafficReport | null;
  judge: JudgeQuality | null;
  /** Label counts of the grader's other versions: a new version starts from zero. */
  otherVersions: { graderVersion: string; labels: number }[];
}

export interface CalibrationReportInput {
  source: string;
  grader: string;
  graderVersion: string;
  dimension: string;
  items: readonly LabelledItem[];
  currentThreshold: number;
  objective: ThresholdObjective;
  minLabelsPerClass: number;
  /** Scores of every graded live event of the last `days` days, sorted ascending. */
  traffic: { sortedScores: ArrayLike<number>; days: number } | null;
  loadPolicy: ReviewLoadPolicy;
  otherVersions: { graderVersion: string; labels: number }[];
  now: number;
  /** Mistakes listed per kind. Default 10. */
  mistakesListed?: number;
}

export function describeMissingLabels(needed: LabelCounts): string {
  const parts = [
    ...(needed.violations > 0 ? [`${needed.violations} more violation${needed.violations === 1 ? '' : 's'}`] : []),
    ...(needed.nonViolations > 0 ? [`${needed.nonViolations} more non-violation${needed.nonViolations === 1 ? '' : 's'}`] : []),
  ];
  return `needs ${parts.join(' and ')} labelled before a threshold is proposed`;
}

function toMistake(item: LabelledItem): GraderMistake {
  return { itemId: item.itemId, eventId: item.eventId, score: item.score, weight: item.weight, basis: item.basis, reason: item.reason, cardUrl: item.cardUrl };
}

export function assessJudge(items: readonly LabelledItem[], threshold: number, listed = 10): JudgeQuality {
  const falsePositives = items.filter((item) => !item.violation && item.score >= threshold).sort((a, b) => b.score - a.score);
  const falseNegatives = items.filter((item) => item.violation && item.score < threshold).sort((a, b) => a.score - b.score);
  return {
    threshold,
    kappa: cohensKappaBinary(items, threshold),
    confusion: evaluateThreshold(items, threshold).confusion,
    falsePositiveCount: falsePositives.length,
    falseNegativeCount: falseNegatives.length,
    falsePositives: falsePositives.slice(0, listed).map(toMistake),
    falseNegatives: falseNegatives.slice(0, listed).map(toMistake),
  };
}

function buildTraffic(input: CalibrationReportInput, proposedThreshold: number | null): TrafficReport | null {
  if (!input.traffic) return null;
  const { sortedScores, days } = input.traffic;
  const current = describeTrafficAt(sortedScores, days, input.currentThreshold, input.loadPolicy);
  const proposed = proposedThreshold === null ? null : describeTrafficAt(sortedScores, days, proposedThreshold, input.loadPolicy);
  return {
    days,
    gradedEvents: sortedScores.length,
    gradedPerDay: sortedScores.length / days,
    current,
    proposed,
    deltaFlagsPerDay: proposed ? proposed.flagsPerDay - current.flagsPerDay : null,
    deltaReviewItemsPerDay: proposed ? proposed.reviewItemsPerDay - current.reviewItemsPerDay : null,
  };
}

export function buildCalibrationReport(input: CalibrationReportInput): CalibrationReport {
  const { items } = input;
  const traffic = input.traffic;
  const recommendation = recommendThreshold(items, input.objective, {
    minPerClass: input.minLabelsPerClass,
    currentThreshold: input.currentThreshold,
    ...(traffic && traffic.sortedScores.length > 0
      ? { eventsPerDay: traffic.sortedScores.length / traffic.days, flaggedShareAt: (t: number) => computeFlaggedShare(traffic.sortedScores, t) }
      : {}),
  });
  const ok = recommendation.status === 'ok' ? recommendation : null;
  let weightedViolations = 0;
  let weightedNonViolations = 0;
  for (const item of items) {
    if (item.violation) weightedViolations += item.weight;
    else weightedNonViolations += item.weight;
  }
  return {
    source: input.source,
    grader: input.grader,
    graderVersion: input.graderVersion,
    dimension: input.dimension,
    generatedAt: new Date(input.now).toISOString(),
    objective: input.objective,
    minLabelsPerClass: input.minLabelsPerClass,
    labels: {
      ...recommendation.labels,
      items: items.length,
      duplicates: items.filter((item) => item.duplicate).length,
      weightedViolations,
      weightedNonViolations,
    },
    recommendation:
      recommendation.status === 'ok'
        ? { status: 'ok', threshold: recommendation.threshold, change: recommendation.threshold - input.currentThreshold }
        : { status: 'insufficient_labels', needed: recommendation.needed, message: describeMissingLabels(recommendation.needed) },
    currentThreshold: input.currentThreshold,
    current: ok?.current ?? (items.length > 0 ? evaluateThreshold(items, input.currentThreshold) : null),
    proposed: ok?.proposed ?? null,
    curve: ok?.curve ?? null,
    traffic: buildTraffic(input, ok?.threshold ?? null),
    judge: items.length > 0 ? assessJudge(items, input.currentThreshold, input.mistakesListed) : null,
    otherVersions: input.otherVersions,
  };
}
