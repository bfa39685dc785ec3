import type { App, BlockAction } from '@slack/bolt';
import { handleStopBoostClick, type BoostClickActor, type BoostClickContext } from './boost-clicks.usecases.ts';
import { MONITORING_ACTIONS, parseStopBoostValue } from './monitoring.actions.ts';

// The drift card's one button. Its answers (card update, ephemeral, audit) go through the
// outbox from the use case; the listener only acks, parses and delegates.

function readActor(body: BlockAction): BoostClickActor {
  const channelId = body.channel?.id ?? (typeof body.container.channel_id === 'string' ? body.container.channel_id : null);
  const messageTs = body.message?.ts ?? (typeof body.container.message_ts === 'string' ? body.container.message_ts : null);
  return { userId: body.user.id, channelId, messageTs };
}

export function registerMonitoringSlackHandlers(app: App, ctx: BoostClickContext): void {
  app.action<BlockAction>(MONITORING_ACTIONS.stopBoost, async ({ ack, body, action }) => {
    await ack();
    const { boostId } = parseStopBoostValue(action.type === 'button' ? action.value : undefined);
    await handleStopBoostClick(ctx, readActor(body), boostId);
  });
}
