import type { ModalView } from '@slack/types';
import { isVigilError } from '../../platform/errors.ts';
import { escapeMrkdwn } from '../../shared/mrkdwn.ts';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import { applyGuardrailChange } from '../guardrails/guardrail-change.models.ts';
import { writeGuardrailVersion } from '../guardrails/guardrails.usecases.ts';
import { describeMissingRole, hasRole } from '../review/review-roles.models.ts';
import { buildDismissModal } from './calibration.blocks.ts';
import { createStaleProposalError } from './calibration.errors.ts';
import { checkProposalApplicable } from './calibration-proposal.models.ts';
import type { ProposalRow } from './calibration.repository.ts';
import { enqueueNotice, enqueueProposalUpdate, type ClickActor, type ProposalContext } from './calibration-card.usecases.ts';

// Apply and Dismiss. Only approvers of the source decide; anyone else gets an ephemeral and
// an audit row. Apply fails closed: a proposal that is no longer open, too old, for an older
// grader version or made against another threshold than the live one is never applied.
// The threshold is checked again inside the guardrail write, against the latest version.

export type DecisionResult =
  | { status: 'applied'; proposal: ProposalRow; guardrailVersion: number }
  | { status: 'dismissed'; proposal: ProposalRow }
  | { status: 'refused' | 'not_found' }
  | { status: 'stale'; message: string };

const where = (actor: ClickActor, proposal: ProposalRow) => ({ channel: actor.channelId ?? proposal.cardChannel ?? proposal.channel, user: actor.userId });

async function authorizeApprover(ctx: ProposalContext, actor: ClickActor, proposal: ProposalRow, attempted: string, action: string): Promise<boolean> {
  const role = await ctx.roles.resolveRole(proposal.source, actor.userId);
  if (hasRole(role, 'approver')) return true;
  const now = ctx.clock.now();
  await ctx.repository.transaction(async (tx) => {
    await appendAuditEntry(
      tx,
      { actor: `slack:${actor.userId}`, action: 'calibration.refused', source: proposal.source, subjectType: 'calibration_proposal', subjectId: proposal.id, details: { attempted, needed: 'approver', role: role ?? 'none' } },
      now,
    );
    await enqueueNotice(tx, where(actor, proposal), describeMissingRole(escapeMrkdwn(proposal.source), 'approver', action), now);
  });
  ctx.notifyOutbox();
  return false;
}

async function answerStale(ctx: ProposalContext, actor: ClickActor | null, proposal: ProposalRow, message: string, close: boolean): Promise<{ status: 'stale'; message: string }> {
  const now = ctx.clock.now();
  await ctx.repository.transaction(async (tx) => {
    if (close && (await ctx.repository.closeProposal(tx, proposal.id, { status: 'superseded', decidedAt: now, decisionReason: message }))) {
      await enqueueProposalUpdate(tx, { ...proposal, status: 'superseded', decidedAt: now, decisionReason: message }, now);
    }
    if (actor) await enqueueNotice(tx, where(actor, proposal), `:warning: ${message}`, now);
  });
  ctx.notifyOutbox();
  return { status: 'stale', message };
}

/** Writes the guardrail version and closes the proposal; shared by an approver's click and auto-apply. */
export async function commitProposal(ctx: ProposalContext, proposal: ProposalRow, decision: { actor: string; actorUser: ClickActor | null; auto: boolean }): Promise<DecisionResult> {
  const check = checkProposalApplicable(proposal, {
    now: ctx.clock.now(),
    threshold: ctx.thresholdOf(proposal.source, proposal.grader),
    graderVersion: ctx.graders.get(proposal.grader)?.version ?? null,
  });
  if (!check.ok) return answerStale(ctx, decision.actorUser, proposal, check.message, check.code !== 'not_open');
  const reason = `calibration ${proposal.id}: ${proposal.currentThreshold} → ${proposal.proposedThreshold} (${proposal.figures.labels.violations} violations, ${proposal.figures.labels.nonViolations} non-violations)`;
  let version;
  try {
    version = await writeGuardrailVersion(ctx.guardrails, {
      source: proposal.source,
      kind: 'change',
      actor: decision.actor,
      reason,
      revise: (latest) => {
        const before = latest.graders[proposal.grader]?.threshold;
        if (before !== undefined && Math.abs(before - proposal.currentThreshold) > 1e-9) {
          throw createStaleProposalError(`The live threshold is now ${before}, not ${proposal.currentThreshold} as on this card; ask for a fresh proposal.`);
        }
        return applyGuardrailChange(latest, { graders: { [proposal.grader]: { threshold: proposal.proposedThreshold } } });
      },
    });
  } catch (error) {
    if (isVigilError(error) && error.code === 'calibration.stale_proposal') return answerStale(ctx, decision.actorUser, proposal, error.message, true);
    throw error;
  }
  const now = ctx.clock.now();
  const closed = await ctx.repository.transaction(async (tx) => {
    const values = { status: 'applied' as const, decidedAt: now, decidedBy: decision.actor, guardrailVersion: version.version.version, autoApplied: decision.auto };
    if (!(await ctx.repository.closeProposal(tx, proposal.id, values))) return null;
    await appendAuditEntry(
      tx,
      {
        actor: decision.actor,
        action: decision.auto ? 'calibration.auto_applied' : 'calibration.applied',
        source: proposal.source,
        subjectType: 'calibration_proposal',
        subjectId: proposal.id,
        details: { grader: proposal.grader, grader_version: proposal.graderVersion, from: proposal.currentThreshold, to: proposal.proposedThreshold, guardrail_version: version.version.version },
      },
      now,
    );
    const updated = { ...proposal, ...values };
    await enqueueProposalUpdate(tx, updated, now);
    return updated;
  });
  ctx.notifyOutbox();
  if (!closed) return answerStale(ctx, decision.actorUser, proposal, 'This proposal was decided meanwhile.', false);
  return { status: 'applied', proposal: closed, guardrailVersion: version.version.version };
}

export async function applyProposal(ctx: ProposalContext, actor: ClickActor, proposalId: string): Promise<DecisionResult> {
  const proposal = await ctx.repository.findProposal(proposalId);
  if (!proposal) return { status: 'not_found' };
  if (!(await authorizeApprover(ctx, actor, proposal, 'apply', 'apply threshold proposals'))) return { status: 'refused' };
  return commitProposal(ctx, proposal, { actor: `slack:${actor.userId}`, actorUser: actor, auto: false });
}

export type DismissModalResult = { status: 'ok'; view: ModalView } | Exclude<DecisionResult, { status: 'applied' | 'dismissed' }>;

/** The Dismiss click: approvers get the reason modal, for a proposal still open. */
export async function prepareDismissModal(ctx: ProposalContext, actor: ClickActor, proposalId: string): Promise<DismissModalResult> {
  const proposal = await ctx.repository.findProposal(proposalId);
  if (!proposal) return { status: 'not_found' };
  if (!(await authorizeApprover(ctx, actor, proposal, 'dismiss', 'dismiss threshold proposals'))) return { status: 'refused' };
  if (proposal.status !== 'open') return answerStale(ctx, actor, proposal, `This proposal is already ${proposal.status}.`, false);
  return { status: 'ok', view: buildDismissModal(proposal, actor.channelId ?? null) };
}

export async function dismissProposal(ctx: ProposalContext, actor: ClickActor, request: { proposalId: string; reason: string }): Promise<DecisionResult> {
  const proposal = await ctx.repository.findProposal(request.proposalId);
  if (!proposal) return { status: 'not_found' };
  if (!(await authorizeApprover(ctx, actor, proposal, 'dismiss', 'dismiss threshold proposals'))) return { status: 'refused' };
  const now = ctx.clock.now();
  const dismissed = await ctx.repository.transaction(async (tx) => {
    const values = { status: 'dismissed' as const, decidedAt: now, decidedBy: `slack:${actor.userId}`, decisionReason: request.reason };
    if (!(await ctx.repository.closeProposal(tx, proposal.id, values))) return null;
    await appendAuditEntry(
      tx,
      { actor: `slack:${actor.userId}`, action: 'calibration.dismissed', source: proposal.source, subjectType: 'calibration_proposal', subjectId: proposal.id, details: { grader: proposal.grader, proposed: proposal.proposedThreshold, reason: request.reason } },
      now,
    );
    const updated = { ...proposal, ...values };
    await enqueueProposalUpdate(tx, updated, now);
    return updated;
  });
  if (!dismissed) return answerStale(ctx, actor, proposal, `This proposal is already ${(await ctx.repository.findProposal(proposal.id))?.status ?? 'closed'}.`, false);
  ctx.notifyOutbox();
  return { status: 'dismissed', proposal: dismissed };
}
