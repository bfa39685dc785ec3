import type { Button, KnownBlock } from '@slack/types';
import { escapeMrkdwn, formatCodeBlock, formatSlackDate } from '../../shared/mrkdwn.ts';
import { actions, button, context, plainText, section } from '../../shared/slack-blocks.ts';
import { truncateText } from '../../shared/slack-limits.ts';
import { formatGuardrailDiff } from './guardrail-change.models.ts';
import { describeRollbackRequest, describeVersionNote, type RollbackRequestView } from './guardrail-notes.models.ts';
import { encodeRevertValue, GUARDRAIL_ACTIONS } from './guardrails.actions.ts';
import type { GuardrailVersion } from './guardrails.models.ts';

// Messages of the guardrail log channel: one per version, with a Revert button, and the
// two-person rollback request with Confirm / Cancel. Buttons carry a confirmation dialog:
// Slack asks "are you sure?" itself before the click reaches Vigil.

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const DIFF_MAX = 2_000;

function withConfirm(element: Button, title: string, text: string, confirm: string): Button {
  return {
    ...element,
    confirm: { title: plainText(truncateText(title, 100)), text: plainText(truncateText(text, 300)), confirm: plainText(truncateText(confirm, 30)), deny: plainText('Cancel') },
  };
}

export function buildGuardrailLogMessage(version: GuardrailVersion, options: { rollbackFrom?: string | null } = {}): SlackMessage {
  const note = describeVersionNote(version, options.rollbackFrom);
  const previous = version.version - 1;
  const diff = formatGuardrailDiff(version.diff);
  const blocks: KnownBlock[] = [
    section('guardrail_log_head', `*${escapeMrkdwn(version.source)}* ${note}`),
    context('guardrail_log_reason', [`${escapeMrkdwn(truncateText(version.reason, 500))} · ${version.kind} · ${formatSlackDate(version.createdAt)}`]),
    ...(diff.length > 0 ? [section('guardrail_log_diff', formatCodeBlock(truncateText(diff.join('\n'), DIFF_MAX)))] : []),
  ];
  if (previous >= 1) {
    const revert = button(GUARDRAIL_ACTIONS.revert, `Revert to v${previous}`, encodeRevertValue(version.source, previous));
    blocks.push(
      actions('guardrail_log_actions', [
        withConfirm(revert, `Revert ${version.source}?`, `A new guardrail version equal to v${previous} goes live at once, undoing v${version.version} and any later change.`, 'Revert'),
      ]),
    );
  }
  return { text: truncateText(`${version.source} guardrail v${version.version}: ${version.kind} by ${version.actor}`, 300), blocks };
}

export function buildRollbackRequestMessage(source: string, requestId: string, request: RollbackRequestView): SlackMessage {
  const blocks: KnownBlock[] = [section('rollback_request', `*${escapeMrkdwn(source)}* ${describeRollbackRequest(request)}`)];
  if (request.state === 'pending') {
    const confirm = button(GUARDRAIL_ACTIONS.confirmRollback, 'Confirm rollback', requestId, 'danger');
    blocks.push(
      actions('rollback_request_actions', [
        withConfirm(confirm, `Roll ${source} back?`, `The release ${request.targetRelease} is pinned and the app receives a signed rollback webhook.`, 'Roll back'),
        button(GUARDRAIL_ACTIONS.cancelRollback, 'Cancel', requestId),
      ]),
    );
  }
  return { text: truncateText(`${source}: rollback to ${request.targetRelease} (${request.state})`, 300), blocks };
}
