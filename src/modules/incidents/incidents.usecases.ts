import { z } from 'zod';
import { toErrorDetails } from '../../shared/validation.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { buildEscalationPrefill } from './incidents-evidence.blocks.ts';
import type { EscalationPrefill } from './incidents-modals.blocks.ts';
import { SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH } from './incidents.actions.ts';
import type { IncidentsConfig } from './incidents.config.ts';
import {
  createEvidenceNotFoundError, createInvalidIncidentPayloadError, createNotAllowedError, createUnknownSourceError,
} from './incidents.errors.ts';
import { INCIDENT_SEVERITIES, buildIncidentChannelName, pickChannelAttempt, type IncidentSeverity, type PagingMode } from './incidents.models.ts';
import { generateIncidentId, type IncidentsTx } from './incidents.repository.ts';
import type { IncidentRow } from './incidents.table.ts';
import { INCIDENT_PURPOSES, recordStep, type IncidentEvidence, type IncidentsDeps } from './incidents-steps.usecases.ts';
import { buildPagerDutyMessage, buildTriggerEvent } from './pagerduty.client.ts';

// Escalation: a reviewer (or a rule) opens an incident. The record, its first timeline row,
// its audit entry, the channel creation and the PagerDuty trigger commit in one transaction;
// the rest of the Slack setup follows when the outbox reports the channel (see
// incidents-setup.usecases.ts). Reads from Slack happen before the transaction.

export const escalateRequestSchema = z.object({
  source: z.string().min(1),
  itemId: z.string().min(1).max(60).nullish(),
  severity: z.enum(INCIDENT_SEVERITIES),
  title: z.string().trim().min(1, 'give the incident a title').max(TITLE_MAX_LENGTH),
  summary: z.string().trim().max(SUMMARY_MAX_LENGTH).default(''),
  /** A Slack user id. */
  reporter: z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'must be a Slack user id'),
  /** Repeating a request with the same key returns the first incident (a modal submitted twice). */
  requestKey: z.string().min(1).max(200).optional(),
});
export type EscalateRequest = z.input<typeof escalateRequestSchema>;

export function readIncidentsConfig(deps: Pick<IncidentsDeps, 'sources'>, source: string): IncidentsConfig {
  const config = deps.sources[source];
  if (!config) throw createUnknownSourceError(source);
  return config;
}

export async function loadSourceEvidence(deps: IncidentsDeps, source: string, itemId: string): Promise<IncidentEvidence> {
  const evidence = await deps.loadEvidence(itemId);
  if (!evidence || evidence.source !== source) throw createEvidenceNotFoundError(itemId, source);
  return evidence;
}

/**
 * The escalate modal's prefill: from the item's card, or a choice among the sources the user
 * may escalate for (`/vigil incident`). Refuses a user who may not escalate, before any modal opens.
 */
export async function prepareEscalation(deps: IncidentsDeps, request: { userId: string; itemId?: string; channel?: string }): Promise<EscalationPrefill> {
  const channel = request.channel ? { channel: request.channel } : {};
  if (!request.itemId) {
    const allowed = await Promise.all(Object.keys(deps.sources).map(async (source) => ((await deps.isReviewer(source, request.userId)) ? [source] : [])));
    const sources = allowed.flat();
    if (sources.length === 0) throw createNotAllowedError('a source', 'reviewers', 'escalate an incident');
    return { sources, ...channel };
  }
  const evidence = await deps.loadEvidence(request.itemId);
  if (!evidence) throw createEvidenceNotFoundError(request.itemId);
  if (!(await deps.isReviewer(evidence.source, request.userId))) throw createNotAllowedError(evidence.source, 'reviewers', 'escalate an incident');
  return buildEscalationPrefill(evidence.card, request.channel);
}

/** Who is invited: the reporter, the on-call users and the on-call group's members (best effort). */
async function collectInvitees(deps: IncidentsDeps, config: IncidentsConfig, reporter: string | null): Promise<string[]> {
  const members = config.oncall_group ? await deps.slackReads.listGroupMembers(config.oncall_group) : [];
  return [...new Set([...(reporter ? [reporter] : []), ...config.oncall_users, ...members])].slice(0, 1000);
}

export async function escalate(deps: IncidentsDeps, raw: EscalateRequest): Promise<IncidentRow> {
  const parsed = escalateRequestSchema.safeParse(raw);
  if (!parsed.success) throw createInvalidIncidentPayloadError('escalation', toErrorDetails(parsed.error.issues));
  const request = parsed.data;
  const config = readIncidentsConfig(deps, request.source);
  if (!(await deps.isReviewer(request.source, request.reporter))) throw createNotAllowedError(request.source, 'reviewers', 'escalate an incident');
  const evidence = request.itemId ? await loadSourceEvidence(deps, request.source, request.itemId) : null;
  const invitees = await collectInvitees(deps, config, request.reporter);
  const itemLink = evidence?.channel && evidence.ts ? await deps.slackReads.getPermalink(evidence.channel, evidence.ts) : null;
  const now = deps.clock.now();
  const incident = await deps.repository.transaction(async (tx) => {
    const existing = request.requestKey ? await tx.findByRequestKey(request.requestKey) : undefined;
    if (existing) return existing;
    return openIncident(deps, tx, { ...request, itemId: request.itemId ?? null, autoRule: null, evidence, invitees, itemLink }, now);
  });
  deps.notifyOutbox();
  deps.logger.info({ incidentId: incident.id, source: incident.source, severity: incident.severity, paging: incident.paging }, 'incident opened');
  return incident;
}

export interface OpenIncidentInput {
  source: string;
  severity: IncidentSeverity;
  title: string;
  summary: string;
  reporter: string;
  itemId: string | null;
  autoRule: string | null;
  requestKey?: string;
  evidence: IncidentEvidence | null;
  invitees: string[];
  itemLink: string | null;
}

function choosePaging(config: IncidentsConfig): PagingMode {
  if (config.pagerduty_routing_key_env) return 'pagerduty';
  return config.oncall_group || config.oncall_users.length > 0 ? 'slack' : 'none';
}

/** Inserts the incident and queues its first effects, inside the caller's transaction. */
export async function openIncident(deps: IncidentsDeps, tx: IncidentsTx, input: OpenIncidentInput, now: number): Promise<IncidentRow> {
  const config = readIncidentsConfig(deps, input.source);
  const id = generateIncidentId(now);
  const naming = { title: input.title, now, timeZone: deps.timeZone };
  const attempt = pickChannelAttempt(naming, await tx.listChannelNamesStartingWith(buildIncidentChannelName(naming)));
  const channelName = buildIncidentChannelName({ ...naming, attempt });
  const paging = choosePaging(config);
  const created = await tx.insertIncident({
    id,
    source: input.source,
    severity: input.severity,
    title: input.title,
    summary: input.summary,
    status: 'open',
    reporter: input.reporter,
    itemId: input.itemId,
    autoRule: input.autoRule,
    requestKey: input.requestKey ?? null,
    channelName,
    channelAttempt: attempt,
    cardChannel: input.evidence?.channel ?? null,
    cardTs: input.evidence?.ts ?? null,
    itemLink: input.itemLink,
    invitees: input.invitees,
    paging,
    pagerdutyDedupKey: paging === 'pagerduty' ? id : null,
    openedAt: now,
    updatedAt: now,
  });
  const details = { severity: input.severity, itemId: input.itemId, autoRule: input.autoRule, paging, channelName };
  await recordStep(tx, created, { actor: input.reporter, kind: 'opened', text: input.title, details }, now);
  if (paging === 'none') {
    await recordStep(tx, created, { actor: 'system', kind: 'page_failed', text: 'No on-call is configured for this source: nobody was paged.' }, now);
  }
  if (paging === 'pagerduty') {
    const event = buildTriggerEvent({ ...input, incidentId: id, openedAt: now, release: input.evidence?.card.release ?? null });
    await enqueueOutboxMessage(tx.executor, buildPagerDutyMessage(deps.pagerDutyEventsUrl, event), now);
  }
  return tx.updateIncident(id, { channelOutboxId: await enqueueChannelCreate(tx, created, now) });
}

/** `conversations.create`; the rest of the channel's setup waits for its answer (the channel id). */
export async function enqueueChannelCreate(tx: IncidentsTx, incident: Pick<IncidentRow, 'id' | 'channelName' | 'channelAttempt'>, now: number): Promise<string> {
  const { id } = await enqueueOutboxMessage(
    tx.executor,
    {
      kind: 'slack',
      method: 'conversations.create',
      payload: { name: incident.channelName, is_private: false },
      orderKey: `slack:incident:${incident.id}`,
      dedupeKey: `incident:${incident.id}:create:${incident.channelAttempt}`,
      purpose: INCIDENT_PURPOSES.channelCreated,
      purposeRef: incident.id,
    },
    now,
  );
  return id;
}
