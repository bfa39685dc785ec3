import type { App, BlockAction, BlockElementAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { parseRejectSubmission, parseReviewActionValue, REVIEW_ACTIONS, REVIEW_VIEWS } from './review.actions.ts';
import type { ReviewActor } from './review-access.usecases.ts';
import type { ReviewContext } from './review-card.usecases.ts';
import { checkRejectChoices, prepareFullContentModal, prepareRejectModal, recordRating, resolveRejectDimension } from './review-ratings.usecases.ts';
import { adjudicateItem, recordDecision } from './review.usecases.ts';
import { publishAppHome } from './app-home.usecases.ts';
import type { ReviewQueriesRepository } from './review-queries.repository.ts';

// Thin Slack listeners: ack first, parse the payload, call one use case. Every Slack write a
// use case makes goes through the outbox; the only direct call is views.open, because a
// trigger_id is valid for 3 seconds and once. Values carry only `kind|itemId[|score]`.

export interface ReviewSlackDeps {
  ctx: ReviewContext;
  queries: ReviewQueriesRepository;
}

function readActor(body: BlockAction): ReviewActor {
  const channelId = body.channel?.id ?? (typeof body.container.channel_id === 'string' ? body.container.channel_id : undefined);
  return { userId: body.user.id, ...(channelId ? { channelId } : {}) };
}

function readActionValue(action: BlockElementAction): unknown {
  if (action.type === 'button') return action.value;
  if (action.type === 'static_select' || action.type === 'overflow') return action.selected_option.value;
  return undefined;
}

/** The card the click came from; used until the outbox has recorded the card's own ts. */
function readMessage(body: BlockAction): { channel: string; ts: string } {
  return { channel: String(body.container.channel_id ?? body.channel?.id ?? ''), ts: String(body.container.message_ts ?? body.message?.ts ?? '') };
}

export function registerReviewSlackHandlers(app: App, deps: ReviewSlackDeps): void {
  const { ctx } = deps;

  app.action<BlockAction>(REVIEW_ACTIONS.approve, async ({ ack, body, action }) => {
    await ack();
    const { itemId } = parseReviewActionValue(readActionValue(action), 'approve');
    await recordDecision(ctx, readActor(body), { itemId, decision: 'approve' });
  });

  app.action<BlockAction>(REVIEW_ACTIONS.reject, async ({ ack, body, action, client }) => {
    await ack();
    const { itemId } = parseReviewActionValue(readActionValue(action), 'reject');
    const modal = await prepareRejectModal(ctx, readActor(body), itemId, readMessage(body));
    if (modal.status === 'ok') await client.views.open({ trigger_id: body.trigger_id, view: modal.view });
  });

  app.view(REVIEW_VIEWS.reject, async ({ ack, body, view }) => {
    const submission = parseRejectSubmission(view);
    const errors = await checkRejectChoices(ctx, submission);
    if (errors) return ack({ response_action: 'errors', errors });
    await ack();
    const { itemId, channel, reasonCategory, note } = submission;
    const dimension = await resolveRejectDimension(ctx, submission);
    await recordDecision(ctx, { userId: body.user.id, channelId: channel }, { itemId, decision: 'reject', reject: { reasonCategory, dimension, note } });
  });

  for (const kind of ['tone', 'brand'] as const) {
    app.action<BlockAction>(REVIEW_ACTIONS[kind], async ({ ack, body, action }) => {
      await ack();
      const { itemId, score } = parseReviewActionValue(readActionValue(action), kind);
      await recordRating(ctx, readActor(body), { itemId, rating: kind === 'tone' ? { tone: score } : { brand: score } });
    });
  }

  app.action<BlockAction>(REVIEW_ACTIONS.edgeCase, async ({ ack, body, action }) => {
    await ack();
    const { itemId } = parseReviewActionValue(readActionValue(action), 'edge_case');
    await recordRating(ctx, readActor(body), { itemId, rating: { edgeCase: true } });
  });

  const openFullContent = async (body: BlockAction, itemId: string, open: (view: ModalView) => Promise<unknown>) => {
    const modal = await prepareFullContentModal(ctx, readActor(body), itemId);
    if (modal.status === 'ok') await open(modal.view);
  };

  app.action<BlockAction>(REVIEW_ACTIONS.viewFull, async ({ ack, body, action, client }) => {
    await ack();
    const { itemId } = parseReviewActionValue(readActionValue(action), 'view_full');
    await openFullContent(body, itemId, (view) => client.views.open({ trigger_id: body.trigger_id, view }));
  });

  // Tighten and escalate options belong to other modules, which register their own listener.
  app.action<BlockAction>(REVIEW_ACTIONS.overflow, async ({ ack, body, action, client }) => {
    const value = parseReviewActionValue(readActionValue(action));
    if (value.kind !== 'view_full') return;
    await ack();
    await openFullContent(body, value.itemId, (view) => client.views.open({ trigger_id: body.trigger_id, view }));
  });

  for (const [actionId, outcome] of [[REVIEW_ACTIONS.adjudicateApprove, 'approved'], [REVIEW_ACTIONS.adjudicateReject, 'rejected']] as const) {
    app.action<BlockAction>(actionId, async ({ ack, body, action }) => {
      await ack();
      const { itemId } = parseReviewActionValue(readActionValue(action), outcome === 'approved' ? 'adj_approve' : 'adj_reject');
      await adjudicateItem(ctx, readActor(body), { itemId, outcome });
    });
  }

  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await publishAppHome(ctx, deps.queries, event.user);
  });
}
