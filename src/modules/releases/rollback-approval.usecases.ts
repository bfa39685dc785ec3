import { isVigilError } from '../../platform/errors.ts';
import { outboxRef } from '../outbox/outbox-refs.models.ts';
import type { OutboxMessageInput } from '../outbox/outbox.models.ts';
import { describeVersionNote, type RollbackRequestView } from '../guardrails/guardrail-notes.models.ts';
import { actorOf, tellActor, type GuardrailSlackContext, type SlackActor } from '../guardrails/guardrails-access.usecases.ts';
import { buildRollbackRequestMessage } from '../guardrails/guardrails.blocks.ts';
import { checkReleaseIsKnownGood, rollbackRelease, type ReleasesDeps } from './releases.usecases.ts';
import { generateRollbackRequestId } from './rollback-requests.repository.ts';
import type { RollbackRequestRow } from './rollback-requests.table.ts';

// Rolling a release back from Slack. Without the two-person rule the confirmed dialog rolls
// back at once. With it, the first approver's request is a durable record and a message that
// a *different* approver confirms within 10 minutes; a confirmation after that, by the same
// person, or by a non-approver is refused and audited, and nothing is rolled back.

export const ROLLBACK_REQUEST_TTL_MS = 10 * 60_000;

/** The release a rollback would pin now (the same rule as rollbackRelease) and the one live now. */
export async function findRollbackTarget(deps: ReleasesDeps, source: string): Promise<{ target: string | null; live: string | null }> {
  const now = deps.clock.now();
  const releases = await deps.repository.list(source);
  const live = releases.find((release) => release.liveSince !== null)?.release ?? null;
  for (const release of releases) {
    if (release.liveSince === null && (await checkReleaseIsKnownGood(deps, release, now))) return { target: release.release, live };
  }
  return { target: null, live };
}

export type RollbackOutcome =
  | { status: 'rolled_back'; version: number; created: boolean }
  | { status: 'requested'; requestId: string; targetRelease: string }
  | { status: 'failed'; message: string };

/** Rolls back now and notes it (with its webhook's delivery) on the card it came from. */
export async function performRollback(ctx: GuardrailSlackContext, actor: SlackActor, request: { source: string; itemId: string | null; reason: string }): Promise<RollbackOutcome> {
  let result;
  try {
    result = await rollbackRelease(ctx.releases, { source: request.source, actor: actorOf(actor), reason: request.reason });
  } catch (error) {
    if (!isVigilError(error)) throw error;
    return { status: 'failed', message: error.message };
  }
  const { version } = result;
  if (result.created && request.itemId) {
    const note = { itemId: request.itemId, source: request.source, version: version.version, actor: version.actor, text: describeVersionNote(version, result.from), webhookOutboxId: version.webhookOutboxId, rollbackRequestId: null, createdAt: ctx.clock.now() };
    await ctx.cards.record({ notes: [note] }, ctx.clock.now());
    await ctx.refreshCard(request.itemId);
  }
  if (!result.created) await tellActor(ctx, actor, `:information_source: ${request.source} is already pinned to ${result.target.release} (guardrail v${version.version}); nothing changed.`);
  if (version.webhookOutboxId) ctx.watchDelivery(version.webhookOutboxId);
  return { status: 'rolled_back', version: version.version, created: result.created };
}

function toView(row: RollbackRequestRow): RollbackRequestView {
  return { ...row, state: row.state };
}

function updateMessage(row: RollbackRequestRow, channel: string): OutboxMessageInput[] {
  if (!row.messageOutboxId) return [];
  const message = buildRollbackRequestMessage(row.source, row.id, toView(row));
  return [{ kind: 'slack', method: 'chat.update', payload: { channel: outboxRef(row.messageOutboxId, 'channel'), ts: outboxRef(row.messageOutboxId, 'ts'), ...message }, orderKey: `slack:${channel}` }];
}

/** Posts the pending request where approvers see it: the guardrail log channel, else the card's channel (an incident without a card needs the log channel). */
export async function requestRollback(ctx: GuardrailSlackContext, actor: SlackActor, request: { source: string; itemId: string | null; reason: string }): Promise<RollbackOutcome> {
  const { target, live } = await findRollbackTarget(ctx.releases, request.source);
  if (!target) return { status: 'failed', message: `${request.source} has no known-good release to roll back to.` };
  const channel = ctx.sources[request.source]?.logChannel ?? (request.itemId ? (await ctx.cards.findItem(request.itemId))?.channel : undefined);
  if (!channel) return { status: 'failed', message: 'There is no channel to post the confirmation request in.' };
  const now = ctx.clock.now();
  const row: RollbackRequestRow = {
    id: generateRollbackRequestId(now), source: request.source, itemId: request.itemId, requestedBy: actor.userId, reason: request.reason, fromRelease: live,
    targetRelease: target, state: 'pending', expiresAt: now + ctx.rollbackRequestTtlMs, decidedBy: null, decidedAt: null, outcome: null, version: null, messageOutboxId: null, createdAt: now,
  };
  const message = buildRollbackRequestMessage(request.source, row.id, toView(row));
  await ctx.requests.transaction(async (tx) => {
    await ctx.requests.insert(tx, row);
    const [messageId] = await ctx.cards.writeIn(tx, {
      notes: request.itemId ? [{ itemId: request.itemId, source: request.source, version: null, actor: actorOf(actor), text: '', webhookOutboxId: null, rollbackRequestId: row.id, createdAt: now }] : [],
      audit: [{ actor: actorOf(actor), action: 'release.rollback_requested', source: request.source, subjectType: 'rollback_request', subjectId: row.id, details: { target_release: target, from_release: live, reason: request.reason, expires_at: new Date(row.expiresAt).toISOString() } }],
      messages: [{ kind: 'slack', method: 'chat.postMessage', payload: { channel, ...message, link_names: false, unfurl_links: false }, dedupeKey: `rollback-request:${row.id}` }],
    }, now);
    if (messageId) await ctx.requests.setMessage(tx, row.id, messageId);
  });
  ctx.notifyOutbox();
  if (request.itemId) await ctx.refreshCard(request.itemId);
  return { status: 'requested', requestId: row.id, targetRelease: target };
}

/** Moves a request to a final state with its audit entry, message update and card refresh; false if it was already decided. */
async function decideRequest(ctx: GuardrailSlackContext, row: RollbackRequestRow, change: { state: 'confirmed' | 'expired' | 'cancelled'; by: string | null; outcome?: string }, audit: { actor: string; action: string; details?: Record<string, unknown> }): Promise<RollbackRequestRow | undefined> {
  const now = ctx.clock.now();
  const decided = await ctx.requests.transaction(async (tx) => {
    const updated = await ctx.requests.decide(tx, row.id, { state: change.state, decidedBy: change.by, decidedAt: now, outcome: change.outcome });
    if (!updated) return undefined;
    const channel = ctx.sources[row.source]?.logChannel ?? (row.itemId ? (await ctx.cards.findItem(row.itemId))?.channel : undefined) ?? 'unknown';
    await ctx.cards.writeIn(tx, {
      audit: [{ actor: audit.actor, action: audit.action, source: row.source, subjectType: 'rollback_request', subjectId: row.id, details: { target_release: row.targetRelease, requested_by: row.requestedBy, ...audit.details } }],
      messages: updateMessage(updated, channel),
    }, now);
    return updated;
  });
  if (!decided) return undefined;
  ctx.notifyOutbox();
  if (row.itemId) await ctx.refreshCard(row.itemId);
  return decided;
}

export type ConfirmOutcome = RollbackOutcome | { status: 'refused'; message: string };

/** A second approver confirms: refused for the requester, after expiry, or once decided; else the rollback runs. */
export async function confirmRollbackRequest(ctx: GuardrailSlackContext, actor: SlackActor, requestId: string): Promise<ConfirmOutcome> {
  const row = await ctx.requests.find(requestId);
  if (!row) return { status: 'failed', message: 'This rollback request does not exist.' };
  const refuse = async (reason: string, message: string): Promise<ConfirmOutcome> => {
    await ctx.cards.record({ audit: [{ actor: actorOf(actor), action: 'release.rollback_confirm_refused', source: row.source, subjectType: 'rollback_request', subjectId: row.id, details: { reason } }] }, ctx.clock.now());
    await tellActor(ctx, actor, `:no_entry: ${message}`);
    return { status: 'refused', message };
  };
  if (row.state !== 'pending') return refuse(`already_${row.state}`, `This rollback request is already ${row.state}.`);
  if (ctx.clock.now() >= row.expiresAt) {
    await decideRequest(ctx, row, { state: 'expired', by: null }, { actor: 'system', action: 'release.rollback_expired' });
    return refuse('expired', 'This rollback request expired: no second approver confirmed it within 10 minutes. Request it again from the card.');
  }
  if (row.requestedBy === actor.userId) return refuse('same_approver', 'The two-person rule needs a *different* approver to confirm this rollback.');
  const { target } = await findRollbackTarget(ctx.releases, row.source);
  if (target !== row.targetRelease) {
    await decideRequest(ctx, row, { state: 'cancelled', by: actor.userId, outcome: 'target_changed' }, { actor: actorOf(actor), action: 'release.rollback_cancelled', details: { reason: 'target_changed', target_now: target } });
    return { status: 'failed', message: `The last known-good release changed (now ${target ?? 'none'}); request the rollback again.` };
  }
  const confirmed = await decideRequest(ctx, row, { state: 'confirmed', by: actor.userId }, { actor: actorOf(actor), action: 'release.rollback_confirmed' });
  if (!confirmed) return refuse('already_decided', 'Someone else decided this rollback request first.');
  const reason = `${row.reason} (two-person rule: requested by ${row.requestedBy}, confirmed by ${actor.userId})`;
  const outcome = await performRollback(ctx, actor, { source: row.source, itemId: row.itemId, reason });
  if (outcome.status === 'rolled_back') {
    await ctx.requests.transaction((tx) => ctx.requests.setVersion(tx, row.id, outcome.version));
    if (row.itemId) await ctx.refreshCard(row.itemId);
  }
  return outcome;
}

export async function cancelRollbackRequest(ctx: GuardrailSlackContext, actor: SlackActor, requestId: string): Promise<boolean> {
  const row = await ctx.requests.find(requestId);
  if (!row || row.state !== 'pending') return false;
  return (await decideRequest(ctx, row, { state: 'cancelled', by: actor.userId }, { actor: actorOf(actor), action: 'release.rollback_cancelled' })) !== undefined;
}

/** The sweep: pending requests past their 10 minutes become expired, with their message and card updated. */
export async function expireRollbackRequests(ctx: GuardrailSlackContext, now: number): Promise<number> {
  let expired = 0;
  for (const row of await ctx.requests.listExpired(now)) {
    if (await decideRequest(ctx, row, { state: 'expired', by: null }, { actor: 'system', action: 'release.rollback_expired' })) expired++;
  }
  return expired;
}
