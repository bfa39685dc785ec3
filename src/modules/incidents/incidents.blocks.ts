import type { Button, KnownBlock } from '@slack/types';
import { escapeMrkdwn, formatInlineCode, formatMention, formatSlackDate } from '../../shared/mrkdwn.ts';
import { actions, button, context, fields, header, plainText, section } from '../../shared/slack-blocks.ts';
import { truncateText } from '../../shared/slack-limits.ts';
import { INCIDENT_ACTIONS } from './incidents.actions.ts';
import {
  SEVERITY_LABELS, computeTimeToAcknowledge, computeTimeToResolve, formatDuration, type IncidentMessageModel, type IncidentStatus,
} from './incidents.models.ts';

// The incident message, updated in place at every step. Summaries, updates and resolutions
// are people's words and release names come from the app: all escaped, all cut. A resolved
// incident is a record, so it has no buttons.

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
  /** A reply in this message's thread. */
  thread_ts?: string;
}

const CAPS = { summary: 1_500, update: 1_200, rollback: 600, resolution: 1_500 } as const;

const STATUS_LABELS: Record<IncidentStatus, string> = {
  open: ':red_circle: *Open* — waiting for on-call',
  acknowledged: ':large_orange_circle: *Acknowledged*',
  resolved: ':white_check_mark: *Resolved*',
};

const HEADER_ICONS: Record<IncidentStatus, string> = { open: ':rotating_light:', acknowledged: ':construction:', resolved: ':white_check_mark:' };

/** A short hash of the model: block ids change with every version of the message, as Slack expects. */
export function computeMessageVersion(model: IncidentMessageModel): string {
  let hash = 0x811c9dc5;
  const text = JSON.stringify(model);
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36).padStart(7, '0');
}

/** Escaped, single-paragraph-safe text cut to `max`. */
export function formatUntrusted(text: string, max: number): string {
  return truncateText(escapeMrkdwn(text.trim()), max);
}

export function describeActor(actor: string, autoRule: string | null = null): string {
  if (actor === 'system') return autoRule ? `Vigil rule ${formatInlineCode(autoRule)}` : 'Vigil';
  return formatMention(actor);
}

function describePaging(model: IncidentMessageModel): string {
  if (model.paging === 'pagerduty') return ':pager: PagerDuty';
  if (model.paging === 'slack') return model.oncallGroup ? `:bell: ${formatMention(model.oncallGroup)}` : ':bell: on-call users';
  return ':warning: nobody configured';
}

function describeFields(model: IncidentMessageModel): string[] {
  const list = [
    `*Status*\n${STATUS_LABELS[model.status]}`,
    `*Severity*\n${SEVERITY_LABELS[model.severity]}`,
    `*Source*\n${escapeMrkdwn(model.source)}`,
    `*Reported by*\n${describeActor(model.reporter, model.autoRule)}`,
    `*Opened*\n${formatSlackDate(model.openedAt)}`,
    `*On-call*\n${describePaging(model)}`,
  ];
  const tta = computeTimeToAcknowledge(model);
  if (model.acknowledgedAt !== null && tta !== null) {
    const by = model.acknowledgedBy ? ` by ${describeActor(model.acknowledgedBy)}` : '';
    list.push(`*Acknowledged*\n${formatSlackDate(model.acknowledgedAt)}${by}\n:stopwatch: ${formatDuration(tta)} to acknowledge`);
  }
  const ttr = computeTimeToResolve(model);
  if (model.resolvedAt !== null && ttr !== null) {
    const by = model.resolvedBy ? ` by ${describeActor(model.resolvedBy)}` : '';
    list.push(`*Resolved*\n${formatSlackDate(model.resolvedAt)}${by}\n:stopwatch: ${formatDuration(ttr)} to resolve`);
  }
  return list;
}

function buildControls(model: IncidentMessageModel): Button[] {
  const id = model.id;
  const rollback: Button = {
    ...button(INCIDENT_ACTIONS.rollback, 'Roll back', id, 'danger'),
    confirm: {
      title: plainText('Roll back the release?'),
      text: plainText(`${model.source} goes back to its last known-good release. Approvers only.`),
      confirm: plainText('Roll back'),
      deny: plainText('Cancel'),
      style: 'danger',
    },
  };
  return [
    ...(model.status === 'open' ? [button(INCIDENT_ACTIONS.acknowledge, 'Acknowledge', id, 'primary')] : []),
    button(INCIDENT_ACTIONS.postUpdate, 'Post update', id),
    ...(model.canRollBack === false ? [] : [rollback]),
    button(INCIDENT_ACTIONS.resolve, 'Resolve', id, model.status === 'acknowledged' ? 'primary' : undefined),
  ];
}

function describeFallback(model: IncidentMessageModel): string {
  return truncateText(`${model.severity} incident (${model.status}) on ${escapeMrkdwn(model.source)}: ${escapeMrkdwn(model.title)}`, 300);
}

export function buildIncidentMessage(model: IncidentMessageModel): SlackMessage {
  const version = computeMessageVersion(model);
  const id = (part: string) => `incident.${version}.${part}`;
  const blocks: KnownBlock[] = [
    header(id('header'), `${HEADER_ICONS[model.status]} ${model.severity} · ${model.title}`),
    fields(id('fields'), describeFields(model)),
  ];
  if (model.summary.trim()) blocks.push(section(id('summary'), `*Summary*\n${formatUntrusted(model.summary, CAPS.summary)}`));
  if (model.lastRollback) {
    const { at, actor, text } = model.lastRollback;
    blocks.push(section(id('rollback'), `*Rollback* · ${formatSlackDate(at)} · ${describeActor(actor)}\n${formatUntrusted(text, CAPS.rollback)}`));
  }
  if (model.lastUpdate) {
    const { at, actor, text } = model.lastUpdate;
    blocks.push(section(id('update'), `*Latest update* · ${formatSlackDate(at)} · ${describeActor(actor)}\n${formatUntrusted(text, CAPS.update)}`));
  }
  if (model.status === 'resolved' && model.resolution) {
    blocks.push(section(id('resolution'), `*Resolution*\n${formatUntrusted(model.resolution, CAPS.resolution)}`));
  }
  if (model.status !== 'resolved') blocks.push(actions(id('actions'), buildControls(model)));
  const item = model.itemId ? ` · Item ${formatInlineCode(model.itemId)}` : '';
  blocks.push(context(id('ids'), [`Incident ${formatInlineCode(model.id)}${item}`]));
  return { text: describeFallback(model), blocks };
}
