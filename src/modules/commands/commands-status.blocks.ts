import { escapeMrkdwn, formatInlineCode } from '../../shared/mrkdwn.ts';
import { truncateText } from '../../shared/slack-limits.ts';

// `/vigil status` and `/vigil queue` as text, from plain figures the composition root reads
// from each module. One short paragraph per source, so the answer fits one screen also with
// many sources; a part whose module is off says so instead of showing a misleading zero.

export interface SourceStatus {
  source: string;
  /** The guardrail headline (version, kill switch, pinned release); null before it is seeded. */
  guardrail: string | null;
  queue: { queued: number; inReview: number; needsAdjudication: number };
  openIncidents: { id: string; severity: string; title: string; acknowledged: boolean }[];
  /** Open drift alerts by metric; null when drift detection is off for the source. */
  driftAlerts: string[] | null;
  /** Probe pass rates of the current release, e.g. `system_prompt_extraction 4/5`; null when the source has no probes. */
  probes: { probe: string; passed: number; runs: number }[] | null;
}

export interface GraderHealth {
  status: 'ok' | 'degraded' | 'off';
  detail: string;
}

const MAX_TEXT = 3_000;
const MAX_INCIDENTS = 3;

function describeIncidents(incidents: SourceStatus['openIncidents']): string {
  if (incidents.length === 0) return 'no open incidents';
  const shown = incidents.slice(0, MAX_INCIDENTS).map((incident) => `${incident.severity} ${escapeMrkdwn(truncateText(incident.title, 60))}${incident.acknowledged ? '' : ' (not acknowledged)'}`);
  const more = incidents.length > MAX_INCIDENTS ? ` and ${incidents.length - MAX_INCIDENTS} more` : '';
  return `:rotating_light: ${incidents.length} open incident${incidents.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}`;
}

function describeProbes(probes: SourceStatus['probes']): string | null {
  if (probes === null) return null;
  if (probes.length === 0) return 'probes: no run on the current release yet';
  const failing = probes.filter((probe) => probe.passed < probe.runs);
  const passed = probes.reduce((sum, probe) => sum + probe.passed, 0);
  const runs = probes.reduce((sum, probe) => sum + probe.runs, 0);
  const worst = failing.slice(0, 3).map((probe) => `${formatInlineCode(probe.probe)} ${probe.passed}/${probe.runs}`);
  return `probes: ${passed}/${runs} passed on the current release${worst.length > 0 ? ` · failing: ${worst.join(', ')}` : ''}`;
}

export function describeSourceStatus(status: SourceStatus): string {
  const { queue } = status;
  const lines = [
    `*${escapeMrkdwn(status.source)}* · ${status.guardrail ?? 'no guardrail yet'}`,
    `queue: ${queue.queued} waiting, ${queue.inReview} in review, ${queue.needsAdjudication} to adjudicate · ${describeIncidents(status.openIncidents)}`,
    ...(status.driftAlerts === null ? [] : [status.driftAlerts.length === 0 ? 'drift: none' : `:chart_with_upwards_trend: drift: ${status.driftAlerts.map(escapeMrkdwn).join(', ')}`]),
    ...[describeProbes(status.probes)].filter((line): line is string => line !== null),
  ];
  return lines.join('\n');
}

export function buildStatusText(statuses: readonly SourceStatus[], graders: GraderHealth): string {
  const icon = graders.status === 'ok' ? ':large_green_circle:' : graders.status === 'degraded' ? ':large_yellow_circle:' : ':white_circle:';
  const head = `${icon} graders ${graders.status}: ${escapeMrkdwn(graders.detail)}`;
  if (statuses.length === 0) return `${head}\nNo sources are configured.`;
  return truncateText([head, ...statuses.map(describeSourceStatus)].join('\n\n'), MAX_TEXT);
}

export interface QueueEntry {
  itemId: string;
  source: string;
  priority: string;
  adjudication: boolean;
  cardUrl: string | null;
}

export function buildQueueText(entries: readonly QueueEntry[], limit: number): string {
  if (entries.length === 0) return ':white_check_mark: Nothing is waiting for you.';
  const lines = entries.slice(0, limit).map((entry) => {
    const what = `${escapeMrkdwn(entry.source)} · ${entry.priority}${entry.adjudication ? ' · needs adjudication' : ''}`;
    return entry.cardUrl ? `• <${entry.cardUrl}|${what}>` : `• ${what} · item ${formatInlineCode(entry.itemId)}`;
  });
  const more = entries.length > limit ? [`…and more: open Vigil's App Home for the whole list.`] : [];
  return truncateText([`*${Math.min(entries.length, limit)}${entries.length > limit ? '+' : ''} item${entries.length === 1 ? '' : 's'} waiting for you*`, ...lines, ...more].join('\n'), MAX_TEXT);
}
