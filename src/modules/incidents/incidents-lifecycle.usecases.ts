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
// step checks the status in a BEGIN IMMEDIATE transaction (so two clicks cannot both
// acknowledge), records a timeline row and an audit entry, updates the incident message in
// place and, when PagerDuty was paged, mirrors acknowledge and resolve there.

const textSchema = z.string().trim().min(1, 'must not be empty').max(UPDATE_MAX_LENGTH, `must be at most ${UPDATE_MAX_LENGTH} characters`);

function parseText(what: string, text: string): string {
  const result = textSchema.safeParse(text);
  if (!result.success) throw createInvalidIncidentPayloadError(what, toErrorDetails(result.error.issues));
  return result.data;
}

function loadIncident(tx: Pick<IncidentsTx, 'findIncident'>, incidentId: string): IncidentRow {
  const incident = tx.findIncident(incidentId);
  assert(incident, () => createIncidentNotFoundError(incidentId));
  return incident;
}

function mirrorToPagerDuty(deps: IncidentsDeps, tx: IncidentsTx, incident: IncidentRow, action: 'acknowledge' | 'resolve', now: number): void {
  if (incident.paging !== 'pagerduty' || !incident.pagerdutyDedupKey) return;
  enqueueOutboxMessage(tx.executor, buildPagerDutyMessage(deps.pagerDutyEventsUrl, buildFollowUpEvent(incident.source, incident.pagerdutyDedupKey, action)), now);
}

/** The incident unless it is resolved; `consequence` says what that refuses ("it cannot be resolved again"). */
export function findOpenIncident(deps: Pick<IncidentsDeps, 'repository'>, incidentId: string, consequence: string): IncidentRow {
  const incident = loadIncident(deps.repository, incidentId);
  if (incident.status === 'resolved') throw createIncidentClosedError(incidentId, consequence);
  return incident;
}

export function acknowledgeIncident(deps: IncidentsDeps, request: { incidentId: string; actor: string }): IncidentRow {
  const now = deps.clock.now();
  const incident = deps.repository.transaction((tx) => {
    const current = loadIncident(tx, request.incidentId);
    checkTransition(current.id, current.status, 'acknowledged');
    const updated = tx.updateIncident(current.id, { status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: request.actor, updatedAt: now });
    recordStep(tx, updated, { actor: request.actor, kind: 'acknowledged', text: 'Acknowledged', details: { msSinceOpened: now - updated.openedAt } }, now);
    enqueueMessageUpdate(tx, updated, deps, now);
    mirrorToPagerDuty(deps, tx, updated, 'acknowledge', now);
    return updated;
  });
  deps.notifyOutbox();
  return incident;
}

export function postIncidentUpdate(deps: IncidentsDeps, request: { incidentId: string; actor: string; text: string }): IncidentRow {
  const text = parseText('incident update', request.text);
  const now = deps.clock.now();
  const incident = deps.repository.transaction((tx) => {
    const current = loadIncident(tx, request.incidentId);
    if (current.status === 'resolved') throw createIncidentClosedError(current.id, 'it takes no more updates');
    const updated = tx.updateIncident(current.id, { updatedAt: now });
    recordStep(tx, updated, { actor: request.actor, kind: 'update', text, details: { length: text.length } }, now);
    enqueueChannelPost(tx, updated, buildUpdatePost(updated, { actor: request.actor, text }), now);
    enqueueMessageUpdate(tx, updated, deps, now);
    return updated;
  });
  deps.notifyOutbox();
  return incident;
}

export function resolveIncident(deps: IncidentsDeps, request: { incidentId: string; actor: string; summary: string }): IncidentRow {
  const summary = parseText('resolution summary', request.summary);
  const now = deps.clock.now();
  const incident = deps.repository.transaction((tx) => {
    const current = loadIncident(tx, request.incidentId);
    checkTransition(current.id, current.status, 'resolved');
    const updated = tx.updateIncident(current.id, { status: 'resolved', resolvedAt: now, resolvedBy: request.actor, resolution: summary, updatedAt: now });
    const clocks = { msToAcknowledge: (updated.acknowledgedAt ?? now) - updated.openedAt, msToResolve: now - updated.openedAt };
    recordStep(tx, updated, { actor: request.actor, kind: 'resolved', text: summary, details: clocks }, now);
    const model = toMessageModel(tx, updated, deps);
    enqueueMessageUpdate(tx, updated, deps, now);
    enqueueChannelPost(tx, updated, buildResolutionPost(model), now, `incident:${updated.id}:resolved`);
    enqueueCardThreadReply(tx, updated, buildResolvedLinkBack(model), now, `incident:${updated.id}:linkback:resolved`);
    mirrorToPagerDuty(deps, tx, updated, 'resolve', now);
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
  const incident = findOpenIncident(deps, request.incidentId, 'there is nothing to roll back from it');
  if (!(await deps.isApprover(incident.source, request.actor))) {
    deps.repository.transaction((tx) =>
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
  deps.repository.transaction((tx) => {
    const current = tx.updateIncident(incident.id, { updatedAt: now });
    const text = describeRollback(outcome);
    recordStep(tx, current, { actor: request.actor, kind: 'rollback', text, details: { ...outcome } }, now);
    enqueueChannelPost(tx, current, buildRollbackPost(current, { actor: request.actor, text, requested: 'requested' in outcome }), now);
    enqueueMessageUpdate(tx, current, deps, now);
  });
  deps.notifyOutbox();
  return outcome;
}
