// The calibration report as plain text lines (the CLI) and the small number formats the
// card and the text share. Pure.

import { describeObjective } from './calibration.config.ts';
import type { CalibrationReport, GraderMistake } from './calibration-report.models.ts';
import type { ThresholdEvaluation } from './calibration.models.ts';

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

export function formatInterval(interval: { lower: number; upper: number } | readonly [number, number] | null): string {
  if (interval === null) return '';
  const [lower, upper] = 'lower' in interval ? [interval.lower, interval.upper] : interval;
  return Number.isFinite(lower) && Number.isFinite(upper) ? ` [${formatPercent(lower)}, ${formatPercent(upper)}]` : '';
}

export function formatCount(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatSigned(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : '−'}${formatCount(Math.abs(value), digits)}`;
}

function describeEvaluation(label: string, evaluation: ThresholdEvaluation): string[] {
  const { weighted, unweighted, intervals } = evaluation;
  return [
    `${label} ${evaluation.threshold.toFixed(3)}: precision ${formatPercent(weighted.precision)}${formatInterval(intervals.precision)}  recall ${formatPercent(weighted.recall)}${formatInterval(intervals.recall)}  (weighted, ${Math.round(intervals.confidence * 100)}% ${intervals.method})`,
    `  review queue (unweighted): precision ${formatPercent(unweighted.precision)}  recall ${formatPercent(unweighted.recall)}`,
  ];
}

function describeMistake(mistake: GraderMistake): string {
  // Reviewers typed the reason: no terminal control characters reach the operator's screen.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const reason = mistake.reason ? ` — ${mistake.reason.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')}` : '';
  return `  ${mistake.score.toFixed(3)}  ${mistake.itemId}  ${mistake.cardUrl ?? '(card not posted)'}${reason}`;
}

export function formatCalibrationReport(report: CalibrationReport): string[] {
  const lines = [
    `${report.source} · ${report.grader} (version ${report.graderVersion}, dimension ${report.dimension})`,
    `objective: ${describeObjective(report.objective)} · at least ${report.minLabelsPerClass} labels of each class`,
    `labels: ${report.labels.violations} violations, ${report.labels.nonViolations} non-violations (${report.labels.items} items, ${report.labels.duplicates} duplicates; weighted ${formatCount(report.labels.weightedViolations, 1)} / ${formatCount(report.labels.weightedNonViolations, 1)})`,
  ];
  const rec = report.recommendation;
  lines.push(rec.status === 'ok' ? `recommended threshold: ${rec.threshold.toFixed(3)} (now ${report.currentThreshold.toFixed(3)}, ${formatSigned(rec.change, 3)})` : `no recommendation: ${rec.message}`);
  if (report.current) lines.push(...describeEvaluation('current', report.current));
  if (report.proposed) lines.push(...describeEvaluation('proposed', report.proposed));
  if (report.curve) lines.push(`ROC AUC ${formatCount(report.curve.weighted.rocAuc, 3)} · average precision ${formatCount(report.curve.weighted.averagePrecision, 3)} (weighted)`);
  const traffic = report.traffic;
  if (traffic) {
    lines.push(`traffic (${traffic.days} days): ${formatCount(traffic.gradedPerDay, 1)} graded events/day`);
    lines.push(`  at ${traffic.current.threshold.toFixed(3)}: ${formatCount(traffic.current.flagsPerDay, 1)} flags/day, ${formatCount(traffic.current.reviewItemsPerDay, 1)} review items/day`);
    if (traffic.proposed) {
      lines.push(
        `  at ${traffic.proposed.threshold.toFixed(3)}: ${formatCount(traffic.proposed.flagsPerDay, 1)} flags/day (${formatSigned(traffic.deltaFlagsPerDay, 1)}), ${formatCount(traffic.proposed.reviewItemsPerDay, 1)} review items/day (${formatSigned(traffic.deltaReviewItemsPerDay, 1)})`,
      );
    }
  }
  const judge = report.judge;
  if (judge) {
    const raw = judge.confusion.raw;
    lines.push(`judge at the live threshold ${judge.threshold.toFixed(3)}: Cohen's kappa ${formatCount(judge.kappa.unweighted, 3)} (weighted ${formatCount(judge.kappa.weighted, 3)})`);
    lines.push(`  confusion (items): TP ${raw.tp}  FP ${raw.fp}  FN ${raw.fn}  TN ${raw.tn}`);
    lines.push(`false positives (${judge.falsePositiveCount}):`, ...judge.falsePositives.map(describeMistake));
    lines.push(`false negatives (${judge.falseNegativeCount}):`, ...judge.falseNegatives.map(describeMistake));
  }
  for (const other of report.otherVersions) lines.push(`other version ${other.graderVersion}: ${other.labels} labels (not used: a new version starts a fresh calibration)`);
  return lines;
}
