import { appendAuditEntry } from '../audit/audit.repository.ts';
import { escapeMrkdwn } from '../../shared/mrkdwn.ts';
import { section } from '../../shared/slack-blocks.ts';
import { enqueueEphemeral, type ReviewContext, type SlackMessage } from './review-card.usecases.ts';
import type { ReviewItemRow, ReviewTx } from './review.repository.ts';
import { describeMissingRole, hasRole, type ReviewRole } from './review-roles.models.ts';
import { describeClosedItemNotice } from './review-copy.models.ts';

// Who clicked, and the answers a click gets when it cannot act: not the right role (audited),
// an item already decided, or an unknown item. Answers are ephemerals through the outbox.

export interface ReviewActor {
  userId: string;
  /** Where the click happened, for ephemeral answers; absent in modals and App Home. */
  channelId?: string;
}

export type ClickRefusal = { status: 'refused'; role: ReviewRole } | { status: 'closed'; item: ReviewItemRow } | { status: 'not_found' };

export function buildNotice(text: string): SlackMessage {
  return { text, blocks: [section('review.notice', text)] };
}

export async function sendNotice(ctx: ReviewContext, tx: ReviewTx, actor: ReviewActor, item: ReviewItemRow | null, text: string, now: number): Promise<void> {
  const channel = actor.channelId ?? item?.cardChannel ?? null;
  if (channel) await enqueueEphemeral(tx, { channel, user: actor.userId }, buildNotice(text), now);
}

/** Checks the role; on refusal, audits it and tells the user which role is needed. */
export async function authorizeClick(ctx: ReviewContext, actor: ReviewActor, item: ReviewItemRow, needed: ReviewRole, action: string, attempted: string): Promise<boolean> {
  const role = await ctx.roles.resolveRole(item.source, actor.userId);
  if (hasRole(role, needed)) return true;
  const now = ctx.clock.now();
  await ctx.repository.transaction(async (tx) => {
    await appendAuditEntry(
      tx.executor,
      {
        actor: `slack:${actor.userId}`,
        action: 'review.refused',
        source: item.source,
        subjectType: 'review_item',
        subjectId: item.id,
        details: { attempted, needed, role: role ?? 'none' },
      },
      now,
    );
    await sendNotice(ctx, tx, actor, item, describeMissingRole(escapeMrkdwn(item.source), needed, action), now);
  });
  ctx.metrics.refused.inc({ source: item.source, role: needed });
  ctx.notifyOutbox();
  return false;
}

/** The answer to a click on a decided item, in words: thanks to the one who decided it, who did to the others. */
export async function describeClosedItem(tx: Pick<ReviewTx, 'listVerdicts'>, item: ReviewItemRow, userId: string): Promise<string> {
  const verdicts = await tx.listVerdicts(item.id);
  const own = verdicts.find((verdict) => verdict.reviewerId === userId)?.decision ?? null;
  const decision = item.outcome === 'approved' ? 'approve' : 'reject';
  const deciders = verdicts.filter((verdict) => verdict.decision === decision).map((verdict) => verdict.reviewerId);
  return describeClosedItemNotice(item, own, deciders);
}

/** Loads the item of a click, answering the user when it does not exist. */
export async function findClickedItem(ctx: ReviewContext, actor: ReviewActor, itemId: string): Promise<ReviewItemRow | null> {
  const item = await ctx.repository.findItem(itemId);
  if (item) return item;
  if (actor.channelId) {
    await ctx.repository.transaction((tx) => sendNotice(ctx, tx, actor, null, `:grey_question: Vigil has no review item \`${escapeMrkdwn(itemId)}\`.`, ctx.clock.now()));
    ctx.notifyOutbox();
  }
  return null;
}
