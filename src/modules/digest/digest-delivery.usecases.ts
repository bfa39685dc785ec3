import type { Db } from '../../platform/db.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import type { DigestSender } from './digest.usecases.ts';

// The digest's Slack side. Messages go through the outbox (persisted, retried, deduped by
// key), so a Slack outage delays the digest without losing it. Two calls are direct:
// conversations.open, because the DM's channel id is needed before anything is queued
// (and Slack answers it idempotently: the same user, the same D… channel), and the chart
// upload, because the outbox stores JSON and a PNG is bytes; a failed upload fails the
// run, which the hourly catch-up retries without re-posting the queued messages.

const USER_ID = /^[UW][A-Z0-9]{2,30}$/;

export function createSlackDigestSender(deps: { db: Db; client: Pick<SlackClient, 'conversations' | 'files'>; clock: Clock; notifyOutbox?: () => void }): DigestSender {
  return {
    async openDirectMessage(userId) {
      const response = await deps.client.conversations.open({ users: userId });
      const channel = response.channel?.id;
      if (!channel) throw new Error(`conversations.open returned no channel for ${userId}`);
      return channel;
    },

    async post(channel, message, dedupeKey) {
      await enqueueOutboxMessage(
        deps.db,
        {
          kind: 'slack',
          method: 'chat.postMessage',
          payload: { channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false },
          dedupeKey,
        },
        deps.clock.now(),
      );
      deps.notifyOutbox?.();
    },

    async uploadChart(channelId, png, file) {
      // files.uploadV2 shares into a conversation; a user id there is rejected, so a DM goes by its D… id.
      if (USER_ID.test(channelId)) throw new RangeError(`uploadChart needs a conversation id, not the user id ${channelId}`);
      await deps.client.files.uploadV2({
        channel_id: channelId,
        file: png,
        filename: file.filename,
        title: file.title,
        alt_text: file.title,
        initial_comment: file.comment,
      });
    },
  };
}
