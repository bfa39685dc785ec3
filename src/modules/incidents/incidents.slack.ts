import type { App, BlockAction, BlockButtonAction, RespondFn, ViewSubmitAction } from '@slack/bolt';
import { isVigilError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { buildEscalateModal, buildResolveModal, buildUpdateModal, type EscalationPrefill } from './incidents-modals.blocks.ts';
import {
  INCIDENT_ACTIONS, INCIDENT_INPUTS, INCIDENT_VIEWS, parseEscalateSubmission, parseIncidentActionValue, parseResolveSubmission, parseUpdateSubmission,
} from './incidents.actions.ts';
import { acknowledgeIncident, findOpenIncident, postIncidentUpdate, resolveIncident, rollbackFromIncident } from './incidents-lifecycle.usecases.ts';
import type { IncidentSlackReads, IncidentsDeps } from './incidents-steps.usecases.ts';
import { parseReviewActionValue, REVIEW_ACTIONS, REVIEW_OVERFLOW_OPTIONS } from '../review/review.actions.ts';
import { escalate, prepareEscalation } from './incidents.usecases.ts';

// Thin Bolt listeners for the incident message and its modals: ack, parse, one use case,
// one Slack call. Modals open right after ack (a trigger_id lives 3 s). A refused step
// (already acknowledged, not an approver, resolved) is a VigilError shown only to the
// person who clicked; anything else is thrown to Bolt's error handler, which logs it.

const warning = (message: string) => `:warning: ${message}`;

async function replyWithError(respond: RespondFn, error: unknown): Promise<void> {
  if (!isVigilError(error)) throw error;
  await respond({ response_type: 'ephemeral', replace_original: false, text: warning(error.message) });
}

/** Opens the escalate modal; the review card's "Escalate…" and `/vigil incident` call it right after their ack. */
export async function openEscalationModal(client: Pick<SlackClient, 'views'>, triggerId: string, prefill: EscalationPrefill): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: buildEscalateModal(prefill) });
}

/** Slack reads that degrade instead of failing an escalation: no members or no link, with a warning. */
export function createIncidentSlackReads(client: Pick<SlackClient, 'usergroups' | 'chat'> | null, logger: Logger): IncidentSlackReads {
  return {
    async listGroupMembers(group) {
      if (!client) return [];
      try {
        return (await client.usergroups.users.list({ usergroup: group })).users ?? [];
      } catch (error) {
        logger.warn({ err: error, usergroup: group }, 'could not read on-call group members; they are still mentioned, not invited');
        return [];
      }
    },
    async getPermalink(channel, ts) {
      if (!client) return null;
      try {
        return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink ?? null;
      } catch (error) {
        logger.warn({ err: error, channel }, 'could not read the review card permalink');
        return null;
      }
    },
  };
}

export function registerIncidentSlackHandlers(app: App, deps: IncidentsDeps): void {
  // The review card's overflow: the review and guardrails modules handle their own options and leave this one.
  app.action<BlockAction>(REVIEW_ACTIONS.overflow, async ({ ack, body, action, client, respond }) => {
    const value = parseReviewActionValue(action.type === 'overflow' ? action.selected_option.value : undefined);
    if (value.kind !== REVIEW_OVERFLOW_OPTIONS.escalate) return;
    await ack();
    try {
      const prefill = await prepareEscalation(deps, { userId: body.user.id, itemId: value.itemId, ...(body.channel?.id ? { channel: body.channel.id } : {}) });
      await openEscalationModal(client, body.trigger_id, prefill);
    } catch (error) {
      await replyWithError(respond, error);
    }
  });

  app.action<BlockButtonAction>(INCIDENT_ACTIONS.acknowledge, async ({ ack, action, body, respond }) => {
    await ack();
    try {
      await acknowledgeIncident(deps, { incidentId: parseIncidentActionValue(action.value), actor: body.user.id });
    } catch (error) {
      await replyWithError(respond, error);
    }
  });

  app.action<BlockButtonAction>(INCIDENT_ACTIONS.rollback, async ({ ack, action, body, respond }) => {
    await ack();
    try {
      await rollbackFromIncident(deps, { incidentId: parseIncidentActionValue(action.value), actor: body.user.id });
    } catch (error) {
      await replyWithError(respond, error);
    }
  });

  const openTextModal = (actionId: string, consequence: string, build: typeof buildUpdateModal) =>
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, client, respond }) => {
      await ack();
      try {
        const incident = await findOpenIncident(deps, parseIncidentActionValue(action.value), consequence);
        await client.views.open({ trigger_id: body.trigger_id, view: build(incident) });
      } catch (error) {
        await replyWithError(respond, error);
      }
    });
  openTextModal(INCIDENT_ACTIONS.postUpdate, 'it takes no more updates', buildUpdateModal);
  openTextModal(INCIDENT_ACTIONS.resolve, 'it cannot be resolved again', buildResolveModal);

  app.view<ViewSubmitAction>(INCIDENT_VIEWS.update, async ({ ack, body, view }) => {
    const parsed = parseUpdateSubmission(view);
    if (!parsed.ok) return void (await ack({ response_action: 'errors', errors: parsed.errors }));
    try {
      await postIncidentUpdate(deps, { ...parsed.value, actor: body.user.id });
      await ack();
    } catch (error) {
      if (!isVigilError(error)) throw error;
      await ack({ response_action: 'errors', errors: { [INCIDENT_INPUTS.update.blockId]: error.message } });
    }
  });

  app.view<ViewSubmitAction>(INCIDENT_VIEWS.resolve, async ({ ack, body, view }) => {
    const parsed = parseResolveSubmission(view);
    if (!parsed.ok) return void (await ack({ response_action: 'errors', errors: parsed.errors }));
    try {
      await resolveIncident(deps, { ...parsed.value, actor: body.user.id });
      await ack();
    } catch (error) {
      if (!isVigilError(error)) throw error;
      await ack({ response_action: 'errors', errors: { [INCIDENT_INPUTS.resolution.blockId]: error.message } });
    }
  });

  // Escalation reads Slack (group members, the card's permalink) before it commits, which may
  // outlast the 3 s a submission gets: the modal closes first, and a refusal comes back as a
  // message to the reporter (in the channel of the click when known, else in the app's DM).
  app.view<ViewSubmitAction>(INCIDENT_VIEWS.escalate, async ({ ack, body, view, client }) => {
    const parsed = parseEscalateSubmission(view);
    if (!parsed.ok) return void (await ack({ response_action: 'errors', errors: parsed.errors }));
    await ack();
    const { channel, ...request } = parsed.value;
    try {
      await escalate(deps, { ...request, reporter: body.user.id, requestKey: `slack-view:${view.id}` });
    } catch (error) {
      if (!isVigilError(error)) throw error;
      const text = warning(`The incident was not opened. ${error.message}`);
      await (channel ? client.chat.postEphemeral({ channel, user: body.user.id, text }) : client.chat.postMessage({ channel: body.user.id, text }));
    }
  });
}
