import type { App, BlockAction, BlockElementAction } from '@slack/bolt';
import { CALIBRATION_ACTIONS, CALIBRATION_VIEWS, parseDismissSubmission, parseProposalActionValue } from './calibration.actions.ts';
import type { ClickActor, ProposalContext } from './calibration-card.usecases.ts';
import { applyProposal, dismissProposal, prepareDismissModal } from './calibration-decisions.usecases.ts';

// Thin listeners for the proposal card: ack, parse the value, one use case. Every Slack write
// the use cases make goes through the outbox; the only direct call is views.open, because a
// trigger_id is valid for 3 seconds and once.

function readActor(body: BlockAction): ClickActor {
  const channelId = body.channel?.id ?? (typeof body.container.channel_id === 'string' ? body.container.channel_id : null);
  return { userId: body.user.id, channelId };
}

const readValue = (action: BlockElementAction): unknown => (action.type === 'button' ? action.value : undefined);

export function registerCalibrationSlackHandlers(app: App, ctx: ProposalContext): void {
  app.action<BlockAction>(CALIBRATION_ACTIONS.apply, async ({ ack, body, action }) => {
    await ack();
    const { proposalId } = parseProposalActionValue(readValue(action), 'apply');
    await applyProposal(ctx, readActor(body), proposalId);
  });

  app.action<BlockAction>(CALIBRATION_ACTIONS.dismiss, async ({ ack, body, action, client }) => {
    await ack();
    const { proposalId } = parseProposalActionValue(readValue(action), 'dismiss');
    const modal = await prepareDismissModal(ctx, readActor(body), proposalId);
    if (modal.status === 'ok') await client.views.open({ trigger_id: body.trigger_id, view: modal.view });
  });

  app.view(CALIBRATION_VIEWS.dismiss, async ({ ack, body, view }) => {
    const submission = parseDismissSubmission(view);
    if (!submission.ok) return ack({ response_action: 'errors', errors: submission.errors });
    await ack();
    const { proposalId, channel } = submission.metadata;
    await dismissProposal(ctx, { userId: body.user.id, channelId: channel }, { proposalId, reason: submission.reason });
  });
}
