import type { App, BlockAction, BlockElementAction } from '@slack/bolt';
import { parseReviewActionValue, REVIEW_ACTIONS, REVIEW_OVERFLOW_OPTIONS } from '../review/review.actions.ts';
import { cancelRollbackRequest, confirmRollbackRequest } from '../releases/rollback-approval.usecases.ts';
import {
  GUARDRAIL_ACTIONS, GUARDRAIL_VIEWS, parseConfirmSubmission, parsePatternPreviewAction, parseRevertValue, parseRollbackRequestValue, parseTightenSubmission,
} from './guardrails.actions.ts';
import { authorizeApprover, tellActor, type GuardrailSlackContext, type SlackActor } from './guardrails-access.usecases.ts';
import { confirmGuardrailAction } from './guardrails-confirm.usecases.ts';
import { revertFromLog } from './guardrails-log.usecases.ts';
import { buildNoticeModal } from './guardrails-modals.blocks.ts';
import { applyTighten, prepareTightenModal } from './guardrails-tighten.usecases.ts';

// Thin listeners for tightening and rolling back from Slack: ack, parse, one use case, one
// Slack call. views.open and views.update are direct calls (a trigger_id lives 3 s); every
// other Slack write goes through the outbox. Submissions do their work before the ack, so
// an error shows in the modal and the new version is live when Slack gets the answer.

function readActor(body: BlockAction): SlackActor {
  const channelId = body.channel?.id ?? (typeof body.container.channel_id === 'string' ? body.container.channel_id : undefined);
  return { userId: body.user.id, ...(channelId ? { channelId } : {}) };
}

function readValue(action: BlockElementAction): unknown {
  if (action.type === 'button') return action.value;
  if (action.type === 'overflow' || action.type === 'static_select') return action.selected_option.value;
  return undefined;
}

export function registerGuardrailSlackHandlers(app: App, ctx: GuardrailSlackContext): void {
  // The review card's overflow: the review module handles its own options and leaves this one.
  app.action<BlockAction>(REVIEW_ACTIONS.overflow, async ({ ack, body, action, client }) => {
    const value = parseReviewActionValue(readValue(action));
    if (value.kind !== REVIEW_OVERFLOW_OPTIONS.tighten) return;
    await ack();
    const modal = await prepareTightenModal(ctx, readActor(body), value.itemId);
    if (modal.status === 'ok') await client.views.open({ trigger_id: body.trigger_id, view: modal.view });
  });

  app.action<BlockAction>(GUARDRAIL_ACTIONS.patternPreview, async ({ ack, body, client }) => {
    await ack();
    const { metadata, pattern, viewId, hash } = parsePatternPreviewAction(body.view);
    const modal = await prepareTightenModal(ctx, { userId: body.user.id, ...(metadata.channel ? { channelId: metadata.channel } : {}) }, metadata.itemId, pattern);
    if (modal.status === 'ok') await client.views.update({ view_id: viewId, hash, view: modal.view });
  });

  app.view(GUARDRAIL_VIEWS.tighten, async ({ ack, body, view }) => {
    const result = await applyTighten(ctx, { userId: body.user.id }, parseTightenSubmission(view));
    if (result.status === 'errors') return ack({ response_action: 'errors', errors: result.errors });
    if (result.status === 'confirm') return ack({ response_action: 'push', view: result.view });
    await ack();
  });

  app.view(GUARDRAIL_VIEWS.confirm, async ({ ack, body, view }) => {
    const result = await confirmGuardrailAction(ctx, { userId: body.user.id }, parseConfirmSubmission(view));
    if (result.status === 'failed' || result.status === 'refused') return ack({ response_action: 'update', view: buildNoticeModal('Nothing changed', `:warning: ${result.message}`) });
    await ack({ response_action: 'clear' });
  });

  app.action<BlockAction>(GUARDRAIL_ACTIONS.revert, async ({ ack, body, action }) => {
    await ack();
    await revertFromLog(ctx, readActor(body), parseRevertValue(readValue(action)));
  });

  app.action<BlockAction>(GUARDRAIL_ACTIONS.confirmRollback, async ({ ack, body, action }) => {
    await ack();
    const requestId = parseRollbackRequestValue(readValue(action));
    const source = (await ctx.requests.find(requestId))?.source;
    const actor = readActor(body);
    if (!source) return tellActor(ctx, actor, ':grey_question: Vigil has no such rollback request.');
    if (await authorizeApprover(ctx, actor, { source, attempted: 'confirm_rollback', action: 'confirm a rollback', subjectType: 'rollback_request', subjectId: requestId })) {
      await confirmRollbackRequest(ctx, actor, requestId);
    }
  });

  app.action<BlockAction>(GUARDRAIL_ACTIONS.cancelRollback, async ({ ack, body, action }) => {
    await ack();
    const requestId = parseRollbackRequestValue(readValue(action));
    const source = (await ctx.requests.find(requestId))?.source;
    const actor = readActor(body);
    if (source && (await authorizeApprover(ctx, actor, { source, attempted: 'cancel_rollback', action: 'cancel a rollback request', subjectType: 'rollback_request', subjectId: requestId }))) {
      await cancelRollbackRequest(ctx, actor, requestId);
    }
  });
}
