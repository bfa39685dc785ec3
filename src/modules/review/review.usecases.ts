import { appendAuditEntry } from '../audit/audit.repository.ts';
import { buildReviewCardMessage } from './review.blocks.ts';
import { buildAdjudicationRequest, buildScoresEphemeral } from './review-modals.blocks.ts';
import { enqueueCardUpdate, enqueueEphemeral, enqueueThreadReply, renderCard, type ReviewContext } from './review-card.usecases.ts';
import { authorizeClick, describeClosedItem, findClickedItem, sendNotice, type ClickRefusal, type ReviewActor } from './review-access.usecases.ts';
import { decideConsensus, isItemOpenForVerdicts, type ReviewOutcome } from './review-items.models.ts';
import type { ReviewDecision } from './review.models.ts';
import type { ReviewItemRow, ReviewTx, VerdictRow } from './review.repository.ts';
import { resolveCardLocation } from './review-dispatch.usecases.ts';
import { describeRepeatVote } from './review-copy.models.ts';

// Verdicts and their consequences. One verdict per (item, reviewer): a repeated click or a
// Slack retry finds the same values and changes nothing; a changed mind updates the row and
// is audited. Each change re-evaluates consensus and updates the card in place, in the same
// transaction as the verdict, so the card never shows a state the database does not have.

export interface RejectDetails {
  reasonCategory: string;
  dimension: string | null;
  note: string | null;
}

export type VerdictResult = { status: 'recorded'; changed: boolean; item: ReviewItemRow } | ClickRefusal;

function isSameVerdict(previous: VerdictRow | undefined, decision: ReviewDecision, reject: RejectDetails | null): boolean {
  return (
    previous?.decision === decision &&
    previous.reasonCategory === (reject?.reasonCategory ?? null) &&
    previous.dimension === (reject?.dimension ?? null) &&
    previous.note === (reject?.note ?? null)
  );
}

export async function recordDecision(
  ctx: ReviewContext,
  actor: ReviewActor,
  input: { itemId: string; decision: ReviewDecision; reject?: RejectDetails },
): Promise<VerdictResult> {
  const found = await findClickedItem(ctx, actor, input.itemId);
  if (!found) return { status: 'not_found' };
  if (!(await authorizeClick(ctx, actor, found, 'reviewer', 'approve or reject its items', input.decision))) return { status: 'refused', role: 'reviewer' };
  const reject = input.decision === 'reject' ? (input.reject ?? null) : null;
  const now = ctx.clock.now();
  const result = await ctx.repository.transaction(async (tx): Promise<VerdictResult> => {
    const item = (await tx.findItemForUpdate(input.itemId))!;
    if (!isItemOpenForVerdicts(item.state)) {
      await sendNotice(ctx, tx, actor, item, await describeClosedItem(tx, item, actor.userId), now);
      return { status: 'closed', item };
    }
    const previous = await tx.findVerdict(item.id, actor.userId);
    if (isSameVerdict(previous, input.decision, reject)) {
      await sendNotice(ctx, tx, actor, item, describeRepeatVote(input.decision), now);
      return { status: 'recorded', changed: false, item };
    }
    await tx.upsertVerdict({
      itemId: item.id,
      reviewerId: actor.userId,
      decision: input.decision,
      reasonCategory: reject?.reasonCategory ?? null,
      dimension: reject?.dimension ?? null,
      note: reject?.note ?? null,
      createdAt: now,
      updatedAt: now,
    });
    await appendAuditEntry(
      tx.executor,
      {
        actor: `slack:${actor.userId}`,
        action: previous?.decision ? 'verdict.changed' : 'verdict.created',
        source: item.source,
        subjectType: 'review_item',
        subjectId: item.id,
        details: { decision: input.decision, previous: previous?.decision ?? null, ...(reject ?? {}) },
      },
      now,
    );
    const updated = await settleConsensus(ctx, tx, item, now);
    if (ctx.sources[item.source]?.blind && updated.state !== 'final') await sendScores(ctx, tx, actor, updated, now);
    return { status: 'recorded', changed: true, item: updated };
  });
  if (result.status === 'recorded' && result.changed) countVerdict(ctx, result.item, input.decision, found.state);
  ctx.notifyOutbox();
  return result;
}

/** Re-evaluates the item after a verdict changed, updates its card, asks approvers once on disagreement. */
async function settleConsensus(ctx: ReviewContext, tx: ReviewTx, item: ReviewItemRow, now: number): Promise<ReviewItemRow> {
  const decisions = (await tx.listVerdicts(item.id)).flatMap((verdict) => (verdict.decision ? [verdict.decision] : []));
  const consensus = decideConsensus(decisions, item.requiredVerdicts);
  let updated = await resolveCardLocation(tx, item);
  if (consensus.state !== item.state) {
    updated = await tx.updateItem(item.id, {
      state: consensus.state,
      outcome: consensus.outcome,
      updatedAt: now,
      ...(consensus.state === 'final' ? { decisionMode: 'consensus' as const, finalAt: now } : {}),
    });
    const action = consensus.state === 'final' ? 'review_item.final' : consensus.state === 'needs_adjudication' ? 'review_item.needs_adjudication' : 'review_item.reopened';
    await appendAuditEntry(tx.executor, { actor: 'system', action, source: item.source, subjectType: 'review_item', subjectId: item.id, details: { outcome: consensus.outcome, decisions } }, now);
  }
  const card = await renderCard(ctx, tx, updated);
  await enqueueCardUpdate(tx, updated, buildReviewCardMessage(card), now);
  if (updated.state === 'needs_adjudication' && item.state !== 'needs_adjudication') {
    const approvers = ctx.sources[item.source]?.approvers ?? [];
    await enqueueThreadReply(tx, updated, buildAdjudicationRequest(card, approvers), now, `review.adjudication:${item.id}`);
  }
  return updated;
}

/** Blind review: the voter sees the grader scores right after voting, privately. */
async function sendScores(ctx: ReviewContext, tx: ReviewTx, actor: ReviewActor, item: ReviewItemRow, now: number): Promise<void> {
  const card = await renderCard(ctx, tx, item, true);
  const channel = actor.channelId ?? item.cardChannel;
  if (card.graderScores.length > 0 && channel) await enqueueEphemeral(tx, { channel, user: actor.userId }, buildScoresEphemeral(card), now);
}

function countVerdict(ctx: ReviewContext, item: ReviewItemRow, decision: ReviewDecision, stateBefore: string): void {
  ctx.metrics.verdicts.inc({ source: item.source, decision });
  if (item.state === 'final' && stateBefore !== 'final' && item.outcome) {
    ctx.metrics.final.inc({ source: item.source, outcome: item.outcome, mode: item.decisionMode ?? 'consensus' });
  }
}

/** An approver settles a disagreement; their decision is final. */
export async function adjudicateItem(ctx: ReviewContext, actor: ReviewActor, input: { itemId: string; outcome: ReviewOutcome }): Promise<VerdictResult> {
  const found = await findClickedItem(ctx, actor, input.itemId);
  if (!found) return { status: 'not_found' };
  if (!(await authorizeClick(ctx, actor, found, 'approver', 'adjudicate disagreements', `adjudicate_${input.outcome}`))) {
    return { status: 'refused', role: 'approver' };
  }
  const now = ctx.clock.now();
  const result = await ctx.repository.transaction(async (tx): Promise<VerdictResult> => {
    const item = (await tx.findItemForUpdate(input.itemId))!;
    if (item.state !== 'needs_adjudication') {
      const text = item.state === 'in_review' ? ':hourglass_flowing_sand: Reviewers have not disagreed on this item, so there is nothing to settle yet.' : await describeClosedItem(tx, item, actor.userId);
      await sendNotice(ctx, tx, actor, item, text, now);
      return item.state === 'in_review' ? { status: 'recorded', changed: false, item } : { status: 'closed', item };
    }
    const updated = await tx.updateItem((await resolveCardLocation(tx, item)).id, { state: 'final', outcome: input.outcome, decisionMode: 'adjudication', decidedBy: actor.userId, finalAt: now, updatedAt: now });
    const decisions = (await tx.listVerdicts(item.id)).map((v) => ({ reviewer: v.reviewerId, decision: v.decision }));
    await appendAuditEntry(
      tx.executor,
      { actor: `slack:${actor.userId}`, action: 'review_item.adjudicated', source: item.source, subjectType: 'review_item', subjectId: item.id, details: { outcome: input.outcome, decisions } },
      now,
    );
    await enqueueCardUpdate(tx, updated, buildReviewCardMessage(await renderCard(ctx, tx, updated)), now);
    return { status: 'recorded', changed: true, item: updated };
  });
  if (result.status === 'recorded' && result.changed) ctx.metrics.final.inc({ source: result.item.source, outcome: input.outcome, mode: 'adjudication' });
  ctx.notifyOutbox();
  return result;
}

/**
 * Re-renders a card that is in Slack (or on its way) and updates it in place, for changes made
 * outside a verdict (guardrail notes, a webhook delivered). Returns false when there is no card.
 */
export async function refreshCard(ctx: ReviewContext, itemId: string): Promise<boolean> {
  const now = ctx.clock.now();
  const refreshed = await ctx.repository.transaction(async (tx) => {
    const found = await tx.findItem(itemId);
    if (!found?.cardOutboxId || found.cardError) return false;
    const item = await resolveCardLocation(tx, found);
    await enqueueCardUpdate(tx, item, buildReviewCardMessage(await renderCard(ctx, tx, item)), now);
    return true;
  });
  if (refreshed) ctx.notifyOutbox();
  return refreshed;
}
