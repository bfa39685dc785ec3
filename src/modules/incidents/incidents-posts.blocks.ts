import { escapeMrkdwn, formatInlineCode, formatMention } from '../../shared/mrkdwn.ts';
import { context, section } from '../../shared/slack-blocks.ts';
import { truncateText } from '../../shared/slack-limits.ts';
import { describeActor, formatUntrusted, type SlackMessage } from './incidents.blocks.ts';
import { computeTimeToAcknowledge, computeTimeToResolve, formatDuration, type IncidentMessageModel } from './incidents.models.ts';

// The short messages an incident posts besides its own message: updates and the resolution in
// the incident channel, the page in Slack, and the notes in the thread of the review card.

type Incident = Pick<IncidentMessageModel, 'id' | 'severity' | 'title' | 'source'>;

function plain(blockId: string, text: string, fallback: string): SlackMessage {
  return { text: truncateText(fallback, 300), blocks: [section(blockId, text)] };
}

const describeIncident = (incident: Incident) => `*${incident.severity}* · ${formatUntrusted(incident.title, 200)}`;

export function buildUpdatePost(incident: Incident, update: { actor: string; text: string }): SlackMessage {
  return plain(`incident_update`, `:memo: *Update* from ${describeActor(update.actor)}\n${formatUntrusted(update.text, 2_800)}`, `Update on incident ${incident.id}`);
}

export function buildRollbackPost(incident: Incident, rollback: { actor: string; text: string; requested?: boolean }): SlackMessage {
  const what = rollback.requested ? `asked to roll *${escapeMrkdwn(incident.source)}* back` : `rolled *${escapeMrkdwn(incident.source)}* back`;
  return plain('incident_rollback', `:rewind: ${describeActor(rollback.actor)} ${what}: ${formatUntrusted(rollback.text, 1_000)}`, `Rollback for incident ${incident.id}`);
}

export function buildResolutionPost(incident: IncidentMessageModel): SlackMessage {
  const tta = computeTimeToAcknowledge(incident);
  const ttr = computeTimeToResolve(incident);
  const clocks = [tta === null ? null : `${formatDuration(tta)} to acknowledge`, ttr === null ? null : `${formatDuration(ttr)} to resolve`].filter(Boolean).join(' · ');
  const by = incident.resolvedBy ? ` by ${describeActor(incident.resolvedBy)}` : '';
  const resolution = incident.resolution ? `\n${formatUntrusted(incident.resolution, 2_000)}` : '';
  return {
    text: truncateText(`Incident ${incident.id} resolved`, 300),
    blocks: [section('incident_resolved', `:white_check_mark: *Resolved*${by}${resolution}`), ...(clocks ? [context('incident_clocks', [`:stopwatch: ${clocks}`])] : [])],
  };
}

/** The Slack page: the on-call group and users by mention, which is what notifies them. */
export function buildPageMention(incident: Incident, oncall: { group: string | null; users: readonly string[] }): SlackMessage {
  const who = [oncall.group, ...oncall.users].filter((id): id is string => id !== null).map(formatMention).join(' ');
  return plain('incident_page', `:rotating_light: ${who} you are paged for ${describeIncident(incident)} on *${escapeMrkdwn(incident.source)}*. Acknowledge above when you are on it.`, `Page: ${incident.severity} incident`);
}

/** In the review card's thread: where the escalation went. */
export function buildLinkBack(incident: Incident, channelId: string): SlackMessage {
  return plain('incident_link', `:rotating_light: Escalated as ${describeIncident(incident)} → <#${channelId}> (${formatInlineCode(incident.id)})`, `Escalated as incident ${incident.id}`);
}

export function buildResolvedLinkBack(incident: IncidentMessageModel): SlackMessage {
  const ttr = computeTimeToResolve(incident);
  return plain('incident_link_resolved', `:white_check_mark: Incident ${formatInlineCode(incident.id)} resolved${ttr === null ? '' : ` in ${formatDuration(ttr)}`}.`, `Incident ${incident.id} resolved`);
}

/** When Slack refused the channel for good: said in the card's thread, with the page if it is Slack's to make. */
export function buildChannelFailedNotice(incident: Incident, code: string, mentions: readonly string[]): SlackMessage {
  const who = mentions.length > 0 ? `${mentions.map(formatMention).join(' ')} ` : '';
  return plain(
    'incident_channel_failed',
    `:warning: ${who}${describeIncident(incident)} (${formatInlineCode(incident.id)}) is open, but Vigil could not create its channel: Slack says ${formatInlineCode(code)}.`,
    `Incident ${incident.id} has no channel`,
  );
}
