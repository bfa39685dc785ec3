import type { ModalView } from '@slack/types';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import { REJECT_MODAL_INPUTS } from './review.actions.ts';
import { buildFullContentModal, buildRejectModal } from './review-modals.blocks.ts';
import { renderCard, type ReviewContext } from './review-card.usecases.ts';
import { authorizeClick, describeClosedItem, findClickedItem, sendNotice, type ClickRefusal, type ReviewActor } from './review-access.usecases.ts';
import { isItemOpenForVerdicts } from './review-items.models.ts';
import { describeEdgeCaseMarked, impliedDimension } from './review-copy.models.ts';
import type { ReviewItemRow } from './review.repository.ts';

// Ratings (tone, brand, the edge-case mark) ride on the reviewer's verdict row and may come
// before the decision. Each is a set, never a toggle, so a repeated click is a no-op. The
// modals are built here too: they need the item and the role check, and nothing slow.

export type Rating = { tone: number } | { brand: number } | { edgeCase: true };

export type RatingResult = { status: 'recorded'; changed: boolean } | ClickRefusal;

export async function recordRating(ctx: ReviewContext, actor: ReviewActor, input: { itemId: string; rating: Rating }): Promise<RatingResult> {
  const found = await findClickedItem(ctx, actor, input.itemId);
  if (!found) return { status: 'not_found' };
  if (!(await authorizeClick(ctx, actor, found, 'reviewer', 'rate its items', `rate_${Object.keys(input.rating)[0]}`))) {
    return { status: 'refused', role: 'reviewer' };
  }
  const now = ctx.clock.now();
  const result = await ctx.repository.transaction(async (tx): Promise<RatingResult> => {
    const item = (await tx.findItemForUpdate(input.itemId))!;
    if (!isItemOpenForVerdicts(item.state)) {
      await sendNotice(ctx, tx, actor, item, await describeClosedItem(tx, item, actor.userId), now);
      return { status: 'closed', item };
    }
    const previous = await tx.findVerdict(item.id, actor.userId);
    const unchanged =
      ('tone' in input.rating && previous?.tone === input.rating.tone) ||
      ('brand' in input.rating && previous?.brand === input.rating.brand) ||
      ('edgeCase' in input.rating && previous?.edgeCase === true);
    if (unchanged) return { status: 'recorded', changed: false };
    await tx.upsertVerdict({ itemId: item.id, reviewerId: actor.userId, ...input.rating, createdAt: now, updatedAt: now });
    await appendAuditEntry(
      tx.executor,
      { actor: `slack:${actor.userId}`, action: 'verdict.rated', source: item.source, subjectType: 'review_item', subjectId: item.id, details: { ...input.rating } },
      now,
    );
    if ('edgeCase' in input.rating) await sendNotice(ctx, tx, actor, item, describeEdgeCaseMarked(), now);
    return { status: 'recorded', changed: true };
  });
  ctx.notifyOutbox();
  return result;
}

export type ModalResult = { status: 'ok'; view: ModalView } | ClickRefusal;

async function prepareModal(
  ctx: ReviewContext,
  actor: ReviewActor,
  itemId: string,
  build: (item: ReviewItemRow) => Promise<ModalView | ClickRefusal>,
  action: { describe: string; attempted: string },
): Promise<ModalResult> {
  const item = await findClickedItem(ctx, actor, itemId);
  if (!item) return { status: 'not_found' };
  if (!(await authorizeClick(ctx, actor, item, 'reviewer', action.describe, action.attempted))) return { status: 'refused', role: 'reviewer' };
  const view = await build(item);
  return 'type' in view ? { status: 'ok', view } : view;
}

/** The reject modal, for an item still open; `message` locates the card when Slack has not answered yet. */
export function prepareRejectModal(ctx: ReviewContext, actor: ReviewActor, itemId: string, message: { channel: string; ts: string }): Promise<ModalResult> {
  return prepareModal(
    ctx,
    actor,
    itemId,
    async (item) => {
      if (!isItemOpenForVerdicts(item.state)) {
        await ctx.repository.transaction(async (tx) => sendNotice(ctx, tx, actor, item, await describeClosedItem(tx, item, actor.userId), ctx.clock.now()));
        ctx.notifyOutbox();
        return { status: 'closed', item };
      }
      const card = await renderCard(ctx, ctx.repository, item);
      return buildRejectModal(card, { channel: item.cardChannel ?? message.channel, ts: item.cardTs ?? message.ts });
    },
    { describe: 'reject its items', attempted: 'reject' },
  );
}

/** The whole input and output, redacted and escaped like the card. */
export function prepareFullContentModal(ctx: ReviewContext, actor: ReviewActor, itemId: string): Promise<ModalResult> {
  return prepareModal(ctx, actor, itemId, async (item) => buildFullContentModal(await renderCard(ctx, ctx.repository, item)), {
    describe: 'see the full content of its items',
    attempted: 'view_full',
  });
}

/** Checks a reject submission against the source's lists; returns Slack's per-block errors, or null. */
/** A reason that names a rubric dimension (`tone`, `off_brand`…) also records it, since the modal no longer asks twice. */
export async function resolveRejectDimension(ctx: ReviewContext, input: { itemId: string; reasonCategory: string; dimension: string | null }): Promise<string | null> {
  if (input.dimension !== null) return input.dimension;
  const item = await ctx.repository.findItem(input.itemId);
  const config = item ? ctx.sources[item.source] : undefined;
  return config ? impliedDimension(input.reasonCategory, config.dimensions) : null;
}

export async function checkRejectChoices(ctx: ReviewContext, input: { itemId: string; reasonCategory: string; dimension: string | null }): Promise<Record<string, string> | null> {
  const item = await ctx.repository.findItem(input.itemId);
  const config = item ? ctx.sources[item.source] : undefined;
  if (!item || !config) return null;
  const errors: Record<string, string> = {};
  if (!config.reject_reasons.includes(input.reasonCategory)) errors[REJECT_MODAL_INPUTS.reason.blockId] = 'Choose one of the listed reasons.';
  if (input.dimension !== null && !config.dimensions.includes(input.dimension)) errors[REJECT_MODAL_INPUTS.dimension.blockId] = 'Choose one of the listed dimensions.';
  return Object.keys(errors).length > 0 ? errors : null;
}
