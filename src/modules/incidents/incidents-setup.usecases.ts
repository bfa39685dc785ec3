import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { slackOrderKey } from '../outbox/outbox.models.ts';
import type { OutboxDeliveryError } from '../outbox/outbox-hooks.worker.ts';
import type { OutboxRow } from '../outbox/outbox.table.ts';
import { buildEvidenceMessage } from './incidents-evidence.blocks.ts';
import { buildChannelFailedNotice, buildLinkBack, buildPageMention } from './incidents-posts.blocks.ts';
import { buildIncidentMessage } from './incidents.blocks.ts';
import { MAX_CHANNEL_ATTEMPTS, buildIncidentChannelName } from './incidents.models.ts';
import type { IncidentsTx } from './incidents.repository.ts';
import type { IncidentRow } from './incidents.table.ts';
import { enqueueChannelCreate } from './incidents.usecases.ts';
import {
  INCIDENT_PURPOSES, enqueueCardThreadReply, refreshRollbackTarget, enqueueChannelPost, hasTimelineEntry, recordStep, toMessageModel, type IncidentEvidence, type IncidentsDeps,
} from './incidents-steps.usecases.ts';
import { PAGERDUTY_PURPOSE } from './pagerduty.client.ts';

// The incident's Slack setup, driven by the outbox's delivery hooks. The channel's id is only
// known once Slack created it, so the invitations, the evidence, the incident message, the
// Slack page and the link back are queued when `conversations.create` is delivered. A taken
// name is retried with the next suffix. Hooks run at least once: every step here is
// idempotent (an already-known channel is a no-op, queued messages carry dedupe keys).

export interface OutboxHookRegistry {
  onDelivered(purpose: string, handler: (row: OutboxRow, response: Record<string, unknown>) => void | Promise<void>): void;
  onFailed(purpose: string, handler: (row: OutboxRow, error: OutboxDeliveryError) => void | Promise<void>): void;
}

function readChannel(response: Record<string, unknown>): { id: string; name: string | null } | null {
  const channel = response.channel;
  if (typeof channel !== 'object' || channel === null) return null;
  const { id, name } = channel as { id?: unknown; name?: unknown };
  return typeof id === 'string' ? { id, name: typeof name === 'string' ? name : null } : null;
}

async function enqueueSlackPage(deps: IncidentsDeps, tx: IncidentsTx, incident: IncidentRow, now: number): Promise<void> {
  const config = deps.sources[incident.source];
  const oncall = { group: config?.oncall_group ?? null, users: config?.oncall_users ?? [] };
  if (!oncall.group && oncall.users.length === 0) return;
  if ((await enqueueChannelPost(tx, incident, buildPageMention(incident, oncall), now, `incident:${incident.id}:page:slack`))?.created) {
    await recordStep(tx, incident, { actor: 'system', kind: 'paged', text: 'On-call mentioned in the incident channel.', details: { via: 'slack' } }, now);
  }
}

export async function handleChannelCreated(deps: IncidentsDeps, incidentId: string, response: Record<string, unknown>): Promise<void> {
  const channel = readChannel(response);
  if (!channel) throw new Error(`incident ${incidentId}: conversations.create answered without a channel id`);
  const pending = await deps.repository.findIncident(incidentId);
  if (!pending || pending.channelId) return;
  await refreshRollbackTarget(deps, pending.source);
  const now = deps.clock.now();
  await deps.repository.transaction(async (tx) => {
    const current = await tx.findIncident(incidentId);
    if (!current || current.channelId) return;
    const incident = await tx.updateIncident(incidentId, { channelId: channel.id, channelName: channel.name ?? current.channelName, channelError: null, updatedAt: now });
    await recordStep(tx, incident, { actor: 'system', kind: 'channel_created', text: `#${incident.channelName}`, details: { channel: channel.id } }, now);
    if (incident.invitees.length > 0) {
      await enqueueOutboxMessage(
        tx.executor,
        {
          kind: 'slack',
          method: 'conversations.invite',
          // force: one deactivated or foreign user must not keep everyone else out.
          payload: { channel: channel.id, users: incident.invitees.join(','), force: true },
          orderKey: slackOrderKey(channel.id),
          dedupeKey: `incident:${incident.id}:invite`,
          purpose: INCIDENT_PURPOSES.slackWrite,
          purposeRef: incident.id,
        },
        now,
      );
    }
    const message = buildIncidentMessage(await toMessageModel(tx, incident, deps));
    const { id: messageOutboxId } = await enqueueOutboxMessage(
      tx.executor,
      {
        kind: 'slack',
        method: 'chat.postMessage',
        payload: { channel: channel.id, ...message, link_names: false, unfurl_links: false, unfurl_media: false },
        orderKey: slackOrderKey(channel.id),
        dedupeKey: `incident:${incident.id}:message`,
        purpose: INCIDENT_PURPOSES.messagePosted,
        purposeRef: incident.id,
      },
      now,
    );
    const withMessage = await tx.updateIncident(incident.id, { messageOutboxId });
    if (withMessage.paging === 'slack') await enqueueSlackPage(deps, tx, withMessage, now);
    await enqueueCardThreadReply(tx, withMessage, buildLinkBack(withMessage, channel.id), now, `incident:${incident.id}:linkback`);
  });
  deps.notifyOutbox();
}

export async function handleChannelFailed(deps: IncidentsDeps, row: OutboxRow, error: OutboxDeliveryError): Promise<void> {
  const incidentId = row.purposeRef ?? '';
  const now = deps.clock.now();
  await deps.repository.transaction(async (tx) => {
    const incident = await tx.findIncident(incidentId);
    if (!incident || incident.channelId || incident.channelOutboxId !== row.id) return;
    const attempt = incident.channelAttempt + 1;
    if (error.code === 'name_taken' && attempt < MAX_CHANNEL_ATTEMPTS) {
      const channelName = buildIncidentChannelName({ title: incident.title, now: incident.openedAt, timeZone: deps.timeZone, attempt });
      const renamed = await tx.updateIncident(incident.id, { channelName, channelAttempt: attempt, updatedAt: now });
      await recordStep(tx, renamed, { actor: 'system', kind: 'channel_name_taken', text: `#${incident.channelName} is taken; trying #${channelName}`, details: { attempt } }, now);
      await tx.updateIncident(incident.id, { channelOutboxId: await enqueueChannelCreate(tx, renamed, now) });
      return;
    }
    const failed = await tx.updateIncident(incident.id, { channelError: error.code, updatedAt: now });
    await recordStep(tx, failed, { actor: 'system', kind: 'channel_failed', text: `Slack refused the channel: ${error.code}`, details: { code: error.code } }, now);
    const config = deps.sources[failed.source];
    const mentions = failed.paging === 'slack' ? [...(config?.oncall_group ? [config.oncall_group] : []), ...(config?.oncall_users ?? [])] : [];
    await enqueueCardThreadReply(tx, failed, buildChannelFailedNotice(failed, error.code, mentions), now, `incident:${failed.id}:channel_failed`);
  });
  deps.logger.error({ incidentId, code: error.code }, 'incident channel could not be created');
  deps.notifyOutbox();
}

/**
 * The status message is the channel's first post (what, how bad, who is on it, the buttons);
 * once Slack gave it a ts, the evidence goes into its thread, so the channel reads top-down.
 */
export async function handleMessagePosted(deps: IncidentsDeps, incidentId: string, response: Record<string, unknown>): Promise<void> {
  if (typeof response.ts !== 'string') return;
  const ts = response.ts;
  const pending = await deps.repository.findIncident(incidentId);
  if (!pending || pending.messageTs) return;
  // Hooks are not retried: without its evidence the channel is still set up.
  const evidence: IncidentEvidence | null = pending.itemId
    ? await deps.loadEvidence(pending.itemId).catch((error: unknown) => {
        deps.logger.warn({ err: error, incidentId, itemId: pending.itemId }, 'could not load the evidence of an incident; its channel gets none');
        return null;
      })
    : null;
  const now = deps.clock.now();
  await deps.repository.transaction(async (tx) => {
    const incident = await tx.findIncident(incidentId);
    if (!incident || incident.messageTs) return;
    const posted = await tx.updateIncident(incidentId, { messageTs: ts });
    if (evidence) await enqueueChannelPost(tx, posted, { ...buildEvidenceMessage(evidence.card, posted.id), thread_ts: ts }, now, `incident:${posted.id}:evidence`);
  });
  if (evidence) deps.notifyOutbox();
}

/** `purposeRef` of a PagerDuty message is `<incidentId>:<action>`. */
function readPagerDutyRef(row: OutboxRow): { incidentId: string; action: string } {
  const [incidentId = '', action = ''] = (row.purposeRef ?? '').split(':');
  return { incidentId, action };
}

export async function handlePagerDutyDelivered(deps: IncidentsDeps, row: OutboxRow): Promise<void> {
  const { incidentId, action } = readPagerDutyRef(row);
  const now = deps.clock.now();
  await deps.repository.transaction(async (tx) => {
    const incident = await tx.findIncident(incidentId);
    if (!incident) return;
    const text = action === 'trigger' ? 'PagerDuty accepted the page.' : `PagerDuty took the ${action}.`;
    if (await hasTimelineEntry(tx, incident.id, 'paged', text)) return;
    await recordStep(tx, incident, { actor: 'system', kind: 'paged', text, details: { via: 'pagerduty', action } }, now);
  });
}

/**
 * PagerDuty refused (or kept failing) an event. A lost trigger must not leave nobody paged:
 * the incident falls back to mentioning on-call in Slack, now or once the channel exists.
 */
export async function handlePagerDutyFailed(deps: IncidentsDeps, row: OutboxRow, error: OutboxDeliveryError): Promise<void> {
  const { incidentId, action } = readPagerDutyRef(row);
  const now = deps.clock.now();
  await deps.repository.transaction(async (tx) => {
    const incident = await tx.findIncident(incidentId);
    const text = `PagerDuty did not take the ${action}: ${error.code}`;
    if (!incident || (await hasTimelineEntry(tx, incident.id, 'page_failed', text))) return;
    await recordStep(tx, incident, { actor: 'system', kind: 'page_failed', text, details: { action, code: error.code } }, now);
    if (action !== 'trigger' || incident.paging !== 'pagerduty') return;
    const fallback = await tx.updateIncident(incident.id, { paging: 'slack', updatedAt: now });
    await enqueueSlackPage(deps, tx, fallback, now);
  });
  deps.logger.error({ incidentId, action, code: error.code }, 'PagerDuty event failed');
  deps.notifyOutbox();
}

export async function handleSlackWriteFailed(deps: IncidentsDeps, row: OutboxRow, error: OutboxDeliveryError): Promise<void> {
  const incidentId = row.purposeRef ?? '';
  const now = deps.clock.now();
  await deps.repository.transaction(async (tx) => {
    const incident = await tx.findIncident(incidentId);
    const text = `${row.method} failed: ${error.code}`;
    if (!incident || (await hasTimelineEntry(tx, incident.id, 'slack_failed', text))) return;
    await recordStep(tx, incident, { actor: 'system', kind: 'slack_failed', text, details: { method: row.method, code: error.code, outboxId: row.id } }, now);
  });
  deps.logger.warn({ incidentId, method: row.method, code: error.code }, 'incident Slack write failed');
}

/** Registers every incident hook on the outbox worker (the composition root calls this once). */
export function registerIncidentOutboxHooks(worker: OutboxHookRegistry, deps: IncidentsDeps): void {
  worker.onDelivered(INCIDENT_PURPOSES.channelCreated, (row, response) => handleChannelCreated(deps, row.purposeRef ?? '', response));
  worker.onFailed(INCIDENT_PURPOSES.channelCreated, (row, error) => handleChannelFailed(deps, row, error));
  worker.onDelivered(INCIDENT_PURPOSES.messagePosted, (row, response) => handleMessagePosted(deps, row.purposeRef ?? '', response));
  worker.onFailed(INCIDENT_PURPOSES.messagePosted, (row, error) => handleSlackWriteFailed(deps, row, error));
  worker.onFailed(INCIDENT_PURPOSES.slackWrite, (row, error) => handleSlackWriteFailed(deps, row, error));
  worker.onDelivered(PAGERDUTY_PURPOSE, (row) => handlePagerDutyDelivered(deps, row));
  worker.onFailed(PAGERDUTY_PURPOSE, (row, error) => handlePagerDutyFailed(deps, row, error));
}
