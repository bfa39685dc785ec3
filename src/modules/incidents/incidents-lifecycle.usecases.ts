import { z } from 'zod';
import { assert } from '../../platform/errors.ts';
import { toErrorDetails } from '../../shared/validation.ts';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { buildResolutionPost, buildResolvedLinkBack, buildRollbackPost, buildUpdatePost } from './incidents-posts.blocks.ts';
import { UPDATE_MAX_LENGTH } from './incidents.actions.ts';
import { createIncidentClosedError, createIncidentNotFoundError, createInvalidIncidentPayloadError, createNotAllowedError } from './incidents.errors.ts';
import { checkTransition } from './incidents.models.ts';
import type { IncidentsTx } from './incidents.repository.ts';
import type { IncidentRow } from './incidents.table.ts';
import {
  auditActor, enqueueCardThreadReply, enqueueChannelPost, enqueueMessageUpdate, recordStep, toMessageModel, type IncidentsDeps, type RollbackOutcome, type RollbackRequested,
} from './incidents-steps.usecases.ts';
import { buildFollowUpEvent, buildPagerDutyMessage } from './pagerduty.client.ts';

// The incident's life after it opened: acknowledge, post updates, roll back, resolve. Each
// step checks the status in a transaction where incident steps take turns (so two clicks
// cannot both acknowledge, see the repository's `transaction`), records a timeline row and an audit entry, updates the incident message in
// place and, when PagerDuty was paged, mirrors acknowledge and resolve there.

const textSchema = z.string().trim().min(1, 'must not be empty').max(UPDATE_MAX_LENGTH, `must be at most ${UPDATE_MAX_LENGTH} characters`);

function parseText(what: string, text: string): string {
  const result = textSchema.safeParse(text);
  if (!result.success) throw createInvalidIncidentPayloadError(what, toErrorDetails(result.error.issues));
  return result.data;
}

async function loadIncident(tx: Pick<IncidentsTx, 'findIncident'>, incidentId: string): Promise<IncidentRow> {
  const incident = await tx.findIncident(incidentId);
  assert(incident, () => createIncidentNotFoundError(incidentId));
  return incident;
}

async function mirrorToPagerDuty(deps: IncidentsDeps, tx: IncidentsTx, incident: IncidentRow, action: 'acknowledge' | 'resolve', now: number): Promise<void> {
  if (incident.paging !== 'pagerduty' || !incident.pagerdutyDedupKey) return;
  await enqueueOutboxMessage(tx.executor, buildPagerDutyMessage(deps.pagerDutyEventsUrl, buildFollowUpEvent(incident.source, incident.pagerdutyDedupKey, action)), now);
}

/** The incident unless it is resolved; `consequence` says what that refuses ("it cannot be resolved again"). */
export async function findOpenIncident(deps: Pick<IncidentsDeps, 'repository'>, incidentId: string, consequence: string): Promise<IncidentRow> {
  const incident = await loadIncident(deps.repository, incidentId);
  if (incident.status === 'resolved') throw createIncidentClosedError(incidentId, consequence);
  return incident;
}

export async function acknowledgeIncident(deps: IncidentsDeps, request: { incidentId: string; actor: string }): Promise<IncidentRow> {
  const now = deps.clock.now();
  const incident = await deps.repository.transaction(async (tx) => {
    const current = await loadIncident(tx, request.incidentId);
    checkTransition(current.id, current.status, 'acknowledged');
    const updated = await tx.updateIncident(current.id, { status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: request.actor, updatedAt: now });
    await recordStep(tx, updated, { actor: request.actor, kind: 'acknowledged', text: 'Acknowledged', details: { msSinceOpened: now - updated.openedAt } }, now);
    await enqueueMessageUpdate(tx, updated, deps, now);
    await mirrorToPagerDuty(deps, tx, updated, 'acknowledge', now);
    return updated;
  });
  deps.notifyOutbox();
  return incident;
}

export async function postIncidentUpdate(deps: IncidentsDeps, request: { incidentId: string; actor: string; text: string }): Promise<IncidentRow> {
  const text = parseText('incident update', request.text);
  const now = deps.clock.now();
  const incident = await deps.repository.transaction(async (tx) => {
    const current = await loadIncident(tx, request.incidentId);
    if (current.status === 'resolved') throw createIncidentClosedError(current.id, 'it takes no more updates');
    const updated = await tx.updateIncident(current.id, { updatedAt: now });
    await recordStep(tx, updated, { actor: request.actor, kind: 'update', text, details: { length: text.length } }, now);
    await enqueueChannelPost(tx, updated, buildUpdatePost(updated, { actor: request.actor, text }), now);
    await enqueueMessageUpdate(tx, updated, deps, now);
    return updated;
  });
  deps.notifyOutbox();
  return incident;
}

export async function resolveIncident(deps: IncidentsDeps, request: { incidentId: string; actor: string; summary: string }): Promise<IncidentRow> {
  const summary = parseText('resolution summary', request.summary);
  const now = deps.clock.now();
  const incident = await deps.repository.transaction(async (tx) => {
    const current = await loadIncident(tx, request.incidentId);
    checkTransition(current.id, current.status, 'resolved');
    const updated = await tx.updateIncident(current.id, { status: 'resolved', resolvedAt: now, resolvedBy: request.actor, resolution: summary, updatedAt: now });
    const clocks = { msToAcknowledge: (updated.acknowledgedAt ?? now) - updated.openedAt, msToResolve: now - updated.openedAt };
    await recordStep(tx, updated, { actor: request.actor, kind: 'resolved', text: summary, details: clocks }, now);
    const model = await toMessageModel(tx, updated, deps);
    await enqueueMessageUpdate(tx, updated, deps, now);
    await enqueueChannelPost(tx, updated, buildResolutionPost(model), now, `incident:${updated.id}:resolved`);
    await enqueueCardThreadReply(tx, updated, buildResolvedLinkBack(model), now, `incident:${updated.id}:linkback:resolved`);
    await mirrorToPagerDuty(deps, tx, updated, 'resolve', now);
    return updated;
  });
  deps.notifyOutbox();
  return incident;
}

function describeRollback(outcome: RollbackOutcome | RollbackRequested): string {
  if ('requested' in outcome) return `rollback to ${outcome.toRelease} requested: the two-person rule needs a second approver to confirm it in ${outcome.where} within 10 minutes`;
  return `${outcome.fromRelease ?? 'the live release'} → ${outcome.toRelease} (guardrail version ${outcome.version})`;
}

/**
 * Rolls the source's release back, for approvers only; a refusal is audited too. The
 * rollback itself (its guardrail version, webhook and audit) belongs to the releases module.
 */
export async function rollbackFromIncident(deps: IncidentsDeps, request: { incidentId: string; actor: string }): Promise<RollbackOutcome | RollbackRequested> {
  const incident = await findOpenIncident(deps, request.incidentId, 'there is nothing to roll back from it');
  if (!(await deps.isApprover(incident.source, request.actor))) {
    await deps.repository.transaction((tx) =>
      appendAuditEntry(
        tx.executor,
        { actor: auditActor(request.actor), action: 'incident.rollback_refused', source: incident.source, subjectType: 'incident', subjectId: incident.id, details: { reason: 'not_approver' } },
        deps.clock.now(),
      ),
    );
    throw createNotAllowedError(incident.source, 'approvers', 'roll a release back');
  }
  const outcome = await deps.rollbackRelease({ source: incident.source, actor: auditActor(request.actor), reason: `Incident ${incident.id}: ${incident.title}` });
  const now = deps.clock.now();
  await deps.repository.transaction(async (tx) => {
    const current = await tx.updateIncident(incident.id, { updatedAt: now });
    const text = describeRollback(outcome);
    await recordStep(tx, current, { actor: request.actor, kind: 'rollback', text, details: { ...outcome } }, now);
    await enqueueChannelPost(tx, current, buildRollbackPost(current, { actor: request.actor, text, requested: 'requested' in outcome }), now);
    await enqueueMessageUpdate(tx, current, deps, now);
  });
  deps.notifyOutbox();
  return outcome;
}
