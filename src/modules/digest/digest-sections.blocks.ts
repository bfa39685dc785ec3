import { escapeMrkdwn, formatInlineCode, formatMention } from '../../shared/mrkdwn.ts';
import { truncateText } from '../../shared/slack-limits.ts';
import { describeCheck } from '../checks/flag-wording.models.ts';
import type { DigestSummary, ReleaseProbesSummary } from './digest.models.ts';
import {
  formatChange, formatCount, formatDecimal, formatDelta, formatDuration, formatPercent, formatThreshold,
} from './digest-format.blocks.ts';

// The text of each digest section, as mrkdwn lines. Anything a person or the app typed
// (reasons, incident titles, release and probe names, app flag names, actors) is escaped and cut
// short: the digest is one screen, and the audit log and incident channels hold the rest.

export const MAX_LINES = 5;
const NOT_AVAILABLE = '_not available yet_';

const clip = (text: string, max = 80) => escapeMrkdwn(truncateText(text, max));

/** `slack:U123` → a mention; `cli:alice`, `api:key_…`, `system` → escaped text. */
export function formatActor(actor: string): string {
  return actor.startsWith('slack:') ? formatMention(actor.slice('slack:'.length)) : clip(actor, 40);
}

function listWithMore<T>(items: readonly T[], render: (item: T) => string): string[] {
  const lines = items.slice(0, MAX_LINES).map(render);
  if (items.length > MAX_LINES) lines.push(`_and ${items.length - MAX_LINES} more_`);
  return lines;
}

export function buildKeyFigureFields(summary: DigestSummary): string[] {
  const { volume, findings, backlog } = summary;
  const withChange = (label: string, value: string, change: Parameters<typeof formatChange>[0] | null) =>
    `*${label}*\n${value}${change ? `  ${formatChange(change)}` : ''}`;
  const flaggedShare = summary.flaggedShare === null ? '' : ` (${formatPercent(summary.flaggedShare)})`;
  return [
    withChange('Events', formatCount(volume.events.value), volume.events),
    withChange('Checked', formatCount(volume.checked.value), volume.checked),
    withChange('Flagged', `${formatCount(volume.flagged.value)}${flaggedShare}`, volume.flagged),
    volume.sampled ? withChange('Sampled for review', formatCount(volume.sampled.value), volume.sampled) : `*Sampled for review*\n${NOT_AVAILABLE}`,
    volume.reviewed ? withChange('Reviewed', formatCount(volume.reviewed.value), volume.reviewed) : `*Reviewed*\n${NOT_AVAILABLE}`,
    `*Approved · rejected*\n${describeDecisions(findings)}`,
    `*Average tone*\n${describeRating(findings, findings?.averageTone ?? null, findings?.toneRatings ?? 0)}`,
    `*Average brand*\n${describeRating(findings, findings?.averageBrand ?? null, findings?.brandRatings ?? 0)}`,
    `*Backlog*\n${backlog ? `${formatCount(backlog.open)}${backlog.change ? `  ${formatDelta(backlog.change)}` : ''}` : NOT_AVAILABLE}`,
    `*Incidents*\n${summary.incidents ? `${summary.incidents.opened} opened, ${summary.incidents.resolved} resolved` : NOT_AVAILABLE}`,
  ];
}

// A figure with nothing behind it is said in words, never as "n/a".
function describeDecisions(findings: DigestSummary['findings']): string {
  if (!findings) return NOT_AVAILABLE;
  if (findings.reviewed === 0) return '_no verdicts this week_';
  return `${formatPercent(findings.approvalRate)} · ${formatPercent(findings.rejectionRate)}`;
}

function describeRating(findings: DigestSummary['findings'], average: number | null, ratings: number): string {
  if (!findings) return NOT_AVAILABLE;
  if (average === null || ratings === 0) return '_no ratings this week_';
  return `${formatDecimal(average, 1)} / 5 (${formatCount(ratings)} rating${ratings === 1 ? '' : 's'})`;
}

/** Below this many labels a precision or recall says more about chance than about the grader. */
export const MIN_LABELS_TO_JUDGE = 10;

function describeGrader(grader: DigestSummary['graders'][number]): string {
  const runs = `${formatCount(grader.graded)} graded, ${formatCount(grader.failed)} failed`;
  const name = clip(grader.grader, 40);
  if (grader.labels === 0) return `• ${name}: ${runs} · no reviewed items yet, so no precision or recall`;
  if (grader.labels < MIN_LABELS_TO_JUDGE || grader.precision === null || grader.recall === null) {
    return `• ${name}: ${runs} · ${formatCount(grader.labels)} label${grader.labels === 1 ? '' : 's'} — too few to judge`;
  }
  return `• ${name}: precision ${formatDecimal(grader.precision)}, recall ${formatDecimal(grader.recall)} at ${formatThreshold(grader.threshold)} (${formatCount(grader.labels)} labels) · ${runs}`;
}

export function buildFindingsText(summary: DigestSummary): string {
  const lines = ['*What humans found*'];
  const { findings } = summary;
  if (!findings) lines.push(`Review figures are ${NOT_AVAILABLE}.`);
  else if (findings.reviewed === 0) lines.push('No item reached a verdict this week.');
  else {
    lines.push(`${formatCount(findings.rejected)} of ${formatCount(findings.reviewed)} reviewed items rejected (${formatPercent(findings.rejectionRate)}).`);
    if (findings.topRejectionReasons.length > 0) {
      const reasons = findings.topRejectionReasons.map((r) => `${clip(r.reason, 40)} ${formatCount(r.count)} (${formatPercent(r.share)})`);
      lines.push(`Top rejection reasons: ${reasons.join(', ')}.`);
    }
  }
  if (summary.topFlags.length > 0) lines.push(`Most flagged: ${summary.topFlags.map((f) => `${clip(describeCheck(f.check), 60)} ${formatCount(f.count)}`).join(', ')}.`);
  const graders = summary.graders.map(describeGrader);
  if (graders.length > 0) lines.push('Graders (estimates from this week’s verdicts):', ...listWithMore(graders, (line) => line));
  return lines.join('\n');
}

export function buildChangesText(summary: DigestSummary): string {
  const { versions, thresholds, rollbacks, killSwitches } = summary.changes;
  if (versions.length === 0) return '*What was changed*\nNo guardrail changes this week.';
  const lines = [`*What was changed*\n${versions.length} guardrail version${versions.length === 1 ? '' : 's'}.`];
  lines.push(...listWithMore(thresholds, (t) => `• ${clip(t.grader, 40)} threshold ${formatThreshold(t.from)} → ${formatThreshold(t.to)} (v${t.version}, ${formatActor(t.actor)})`));
  lines.push(
    ...listWithMore(rollbacks, (r) => `• Rolled back ${clip(r.fromRelease ?? 'unknown release', 40)} → ${clip(r.toRelease, 40)} (v${r.version}, ${formatActor(r.actor)}): ${clip(r.reason)}`),
  );
  lines.push(...listWithMore(killSwitches, (k) => `• Kill switch ${k.on ? '*on*' : 'off'} (v${k.version}, ${formatActor(k.actor)}): ${clip(k.reason)}`));
  return lines.join('\n');
}

export function buildReactionText(summary: DigestSummary): string {
  const lines = ['*How fast we reacted*'];
  const { incidents, reviewSpeed } = summary;
  if (!incidents) lines.push(`Incident figures are ${NOT_AVAILABLE}.`);
  else if (incidents.opened === 0) lines.push('No incidents this week.');
  else {
    const medians = [
      ...(incidents.medianTimeToAcknowledgeMs === null ? [] : [`median ${formatDuration(incidents.medianTimeToAcknowledgeMs)} to acknowledge`]),
      ...(incidents.medianTimeToResolveMs === null ? [] : [`${formatDuration(incidents.medianTimeToResolveMs)} to resolve`]),
    ];
    lines.push(`${incidents.opened} incident${incidents.opened === 1 ? '' : 's'}${medians.length > 0 ? `: ${medians.join(', ')}` : ', none acknowledged yet'}.`);
    lines.push(
      ...listWithMore(
        incidents.list,
        (i) => `• ${clip(i.severity, 8)} ${clip(i.title)} · ${describeIncidentProgress(i)}`,
      ),
    );
  }
  if (reviewSpeed && reviewSpeed.medianDecisionMs !== null) {
    lines.push(
      `Review decisions: median ${formatDuration(reviewSpeed.medianDecisionMs)}, 90th percentile ${formatDuration(reviewSpeed.p90DecisionMs)}; ` +
        `${formatCount(reviewSpeed.slaBreaches)} SLA breach${reviewSpeed.slaBreaches === 1 ? '' : 'es'}.`,
    );
  }
  return lines.join('\n');
}

function describeIncidentProgress(incident: NonNullable<DigestSummary['incidents']>['list'][number]): string {
  if (incident.timeToResolveMs !== null) return `resolved in ${formatDuration(incident.timeToResolveMs)}`;
  if (incident.timeToAcknowledgeMs !== null) return `acknowledged after ${formatDuration(incident.timeToAcknowledgeMs)}, still open`;
  return 'open, not acknowledged yet';
}

export function buildBacklogText(summary: DigestSummary): string {
  const { backlog, reviewers } = summary;
  if (!backlog || !reviewers) return `*Backlog and reviewers*\nReview figures are ${NOT_AVAILABLE}.`;
  const lines = [
    '*Backlog and reviewers*',
    `${formatCount(backlog.open)} item${backlog.open === 1 ? '' : 's'} waiting at the end of the week; ` +
      `${formatCount(backlog.expiredUnreviewed)} expired unreviewed.`,
    `${formatCount(reviewers.verdicts)} verdict${reviewers.verdicts === 1 ? '' : 's'} from ${reviewers.reviewers} reviewer${reviewers.reviewers === 1 ? '' : 's'}` +
      (reviewers.top.length > 0 ? `: ${reviewers.top.map((r) => `${formatMention(r.reviewer)} ${formatCount(r.verdicts)}`).join(', ')}.` : '.'),
  ];
  return lines.join('\n');
}

function formatReleaseProbes(line: ReleaseProbesSummary): string {
  const parts = [line.runs === 0 ? 'no run completed' : `${formatCount(line.passed)}/${formatCount(line.runs)} passed (${formatPercent(line.passRate)})`];
  if (line.breaches.length > 0) {
    const shown = line.breaches.slice(0, MAX_LINES).map((b) => `${formatInlineCode(truncateText(b.probe, 40))} ${formatCount(b.breached)}×`);
    if (line.breaches.length > MAX_LINES) shown.push(`and ${line.breaches.length - MAX_LINES} more`);
    parts.push(`got through: ${shown.join(', ')}`);
  }
  if (line.errors > 0) parts.push(`${formatCount(line.errors)} errored`);
  return `• ${line.release === null ? '_unknown release_' : clip(line.release, 40)}: ${parts.join(' · ')}`;
}

/** Null when the source runs no probes: the digest leaves the section out rather than show an empty one. */
export function buildProbesText(summary: DigestSummary): string | null {
  const { probes } = summary;
  if (!probes) return null;
  if (probes.length === 0) return '*Probes*\nNo probe runs this week.';
  return ['*Probes*', ...listWithMore(probes, formatReleaseProbes)].join('\n');
}
