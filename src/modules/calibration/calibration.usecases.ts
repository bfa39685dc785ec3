import type { Clock } from '../../shared/clock.ts';
import { SEVERITY_RANK } from '../checks/checks.models.ts';
import { buildCardUrl } from '../review/review-api.models.ts';
import type { ReviewConfig } from '../review/review.config.ts';
import { resolveUncertaintyBand } from '../sampling/sampling.models.ts';
import { toThresholdObjective, type CalibrationConfig } from './calibration.config.ts';
import { createNoGraderVersionError, createUnknownCalibrationSourceError, createUnknownGraderError } from './calibration.errors.ts';
import { deriveGraderLabel } from './calibration-labels.models.ts';
import type { ReviewLoadPolicy } from './calibration-load.models.ts';
import { buildCalibrationReport, type CalibrationReport, type LabelledItem } from './calibration-report.models.ts';
import type { CalibrationRepository, LabelRow } from './calibration.repository.ts';

// The calibration report of one (source, grader, grader version), from the database: labels
// from final verdicts, weighted by 1 / inclusion probability, and the last days of graded
// traffic for flags per day and review load. The CLI, the Slack card, the slash command and
// the daily job all call this, so they show the same figures.

const DAY_MS = 86_400_000;

/** What calibration needs to know about a grader: from its prompt file. */
export interface GraderInfo {
  name: string;
  /** The version running now (the prompt file's hash). */
  version: string;
  /** Which rubric dimension it judges: tone, brand, policy, injection. */
  dimension: string;
}

export interface CalibrationSourceSettings {
  calibration: CalibrationConfig;
  review: ReviewConfig;
}

export interface CalibrationContext {
  repository: CalibrationRepository;
  sources: Readonly<Record<string, CalibrationSourceSettings>>;
  graders: ReadonlyMap<string, GraderInfo>;
  /** The live threshold of a grader: the guardrail's rule, else the config's, else the prompt's. */
  thresholdOf(source: string, grader: string): number;
  clock: Clock;
}

export interface GraderCalibration {
  report: CalibrationReport;
  items: LabelledItem[];
}

/** Labels of one grader from label rows: the item and the duplicates its verdict stands for. */
export function toLabelledItems(rows: readonly LabelRow[], dimension: string): LabelledItem[] {
  const items: LabelledItem[] = [];
  for (const row of rows) {
    const label = deriveGraderLabel(row, dimension);
    const cardUrl = row.cardChannel && row.cardTs ? buildCardUrl(row.cardChannel, row.cardTs) : null;
    const common = { itemId: row.itemId, violation: label.violation, basis: label.basis, reason: label.reason, cardUrl };
    if (row.inclusionProbability > 0) items.push({ ...common, eventId: row.eventId, score: row.score, weight: 1 / row.inclusionProbability, duplicate: false });
    for (const duplicate of row.duplicates) {
      if (duplicate.inclusionProbability > 0) {
        items.push({ ...common, eventId: duplicate.eventId, score: duplicate.score, weight: 1 / duplicate.inclusionProbability, duplicate: true });
      }
    }
  }
  return items;
}

/** The sampler's rules for this grader, for the review load of a threshold. */
export function toReviewLoadPolicy(review: ReviewConfig, grader: string): ReviewLoadPolicy {
  const sampling = review.sampling;
  return {
    flagsAlwaysReviewed: SEVERITY_RANK.warn >= SEVERITY_RANK[sampling.min_severity],
    band: resolveUncertaintyBand(sampling.uncertainty_band, grader),
    baselineRate: sampling.baseline_rate,
  };
}

export function readSourceSettings(ctx: Pick<CalibrationContext, 'sources'>, source: string): CalibrationSourceSettings {
  const settings = ctx.sources[source];
  if (!settings) throw createUnknownCalibrationSourceError(source);
  return settings;
}

export function readGrader(ctx: Pick<CalibrationContext, 'graders'>, grader: string): GraderInfo {
  const info = ctx.graders.get(grader);
  if (!info) throw createUnknownGraderError(grader, [...ctx.graders.keys()]);
  return info;
}

/** The report of the grader's running version (or `graderVersion`), with the labelled items behind it. */
export async function calibrateGrader(ctx: CalibrationContext, request: { source: string; grader: string; graderVersion?: string }): Promise<GraderCalibration> {
  const settings = readSourceSettings(ctx, request.source);
  const grader = readGrader(ctx, request.grader);
  const version = request.graderVersion ?? grader.version;
  if (!version) throw createNoGraderVersionError(request.source, request.grader);
  const now = ctx.clock.now();
  const config = settings.calibration;
  const items = toLabelledItems(await ctx.repository.listLabelRows(request.source, grader.name, version), grader.dimension);
  const traffic = await ctx.repository.loadTrafficScores(request.source, grader.name, version, now - config.traffic_days * DAY_MS);
  const report = buildCalibrationReport({
    source: request.source,
    grader: grader.name,
    graderVersion: version,
    dimension: grader.dimension,
    items,
    currentThreshold: ctx.thresholdOf(request.source, grader.name),
    objective: toThresholdObjective(config),
    minLabelsPerClass: config.min_labels_per_class,
    traffic: { sortedScores: traffic, days: config.traffic_days },
    loadPolicy: toReviewLoadPolicy(settings.review, grader.name),
    otherVersions: (await ctx.repository.countLabelsByVersion(request.source, grader.name)).filter((entry) => entry.graderVersion !== version),
    now,
  });
  return { report, items };
}

/**
 * The weekly digest's calibration loader (`DigestLoaders.loadCalibration`): per grader of the
 * running version, its live threshold and the labels decided in the period.
 */
export async function loadDigestCalibration(ctx: CalibrationContext, source: string, period: { start: number; end: number }): Promise<{ grader: string; threshold: number; labels: LabelledItem[] }[]> {
  readSourceSettings(ctx, source);
  const calibrations: { grader: string; threshold: number; labels: LabelledItem[] }[] = [];
  for (const grader of ctx.graders.values()) {
    const rows = await ctx.repository.listLabelRows(source, grader.name, grader.version, { from: period.start, to: period.end });
    const labels = toLabelledItems(rows, grader.dimension);
    if (labels.length > 0) calibrations.push({ grader: grader.name, threshold: ctx.thresholdOf(source, grader.name), labels });
  }
  return calibrations;
}

/** JSON.stringify replacer: NaN and infinities (an undefined precision, say) become null. */
export function replaceNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
