import type { KnownBlock, ModalView, PlainTextInput, PlainTextOption, RadioButtons } from '@slack/types';
import { escapeMrkdwn, formatCodeBlock, formatInlineCode, formatSlackDate } from '../../shared/mrkdwn.ts';
import { context, input, plainText, section } from '../../shared/slack-blocks.ts';
import { SLACK_LIMITS, truncateText } from '../../shared/slack-limits.ts';
import { GUARDRAIL_VIEWS, TIGHTEN_INPUTS, TIGHTEN_REASON_MAX_LENGTH, type ConfirmMetadata, type TightenMetadata } from './guardrails.actions.ts';
import type { ChoiceOption, PatternPreview } from './guardrail-proposals.models.ts';
import { describePatternCount, TIGHTEN_COPY } from './guardrail-copy.models.ts';

// The tighten modal (what to change, with previews) and the confirmation modal that a
// rollback or the kill switch goes through. Pure: built from what the use cases computed.

const SAMPLE_MAX = 280;

export interface TightenModalModel extends TightenMetadata {
  source: string;
  version: number;
  options: ChoiceOption[];
  pattern: string | null;
  preview: PatternPreview | null;
  /** Why the typed pattern cannot be used (shown instead of a preview). */
  patternError: string | null;
  /** Why no rollback is offered, when none is. */
  rollbackNote: string | null;
  /** What the item is, in words ("Possible secret leak: AWS access key in the answer"); plain text. */
  headline?: string;
}

function radioOption(choice: ChoiceOption): PlainTextOption {
  return {
    text: plainText(truncateText(choice.label, SLACK_LIMITS.optionText)),
    value: choice.value,
    description: plainText(truncateText(choice.description, SLACK_LIMITS.optionText)),
  };
}

export function describePatternPreview(preview: PatternPreview | null, error: string | null): KnownBlock[] {
  if (error) return [section('guardrails_preview', `:warning: ${escapeMrkdwn(truncateText(error, 500))}`)];
  if (!preview) return [context('guardrails_preview', ['Type a phrase or regex above and press Enter to see what it would have matched.'])];
  const head = `*Preview* of ${formatInlineCode(truncateText(preview.pattern, 120))}: ${describePatternCount(preview).toLowerCase()}.`;
  const shown = preview.samples.length > 0 ? ` ${preview.samples.length === 1 ? 'The most recent' : `The ${preview.samples.length} most recent`} (secrets and personal data redacted):` : '';
  return [
    section('guardrails_preview', head + shown),
    ...preview.samples.map((sample, index) =>
      section(`guardrails_sample_${index}`, `${formatSlackDate(sample.occurredAt)}\n${formatCodeBlock(truncateText(sample.excerpt, SAMPLE_MAX))}`),
    ),
  ];
}

export function buildTightenModal(model: TightenModalModel): ModalView {
  const metadata: TightenMetadata = { itemId: model.itemId, ...(model.channel ? { channel: model.channel } : {}) };
  const options = model.options.map(radioOption);
  const radios: RadioButtons = { type: 'radio_buttons', action_id: TIGHTEN_INPUTS.choice.actionId, options, ...(options[0] ? { initial_option: options[0] } : {}) };
  const pattern: PlainTextInput = {
    type: 'plain_text_input',
    action_id: TIGHTEN_INPUTS.pattern.actionId,
    max_length: 500,
    ...(model.pattern ? { initial_value: model.pattern } : {}),
    placeholder: plainText(TIGHTEN_COPY.patternPlaceholder),
    dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
  };
  const reason: PlainTextInput = {
    type: 'plain_text_input', action_id: TIGHTEN_INPUTS.reason.actionId, max_length: TIGHTEN_REASON_MAX_LENGTH,
    placeholder: plainText(TIGHTEN_COPY.reasonPlaceholder),
  };
  const about = model.headline ? `${escapeMrkdwn(model.headline)}\n` : '';
  const blocks: KnownBlock[] = [
    section('guardrails_head', `${about}*${escapeMrkdwn(model.source)}* · guardrail version ${model.version} · item ${formatInlineCode(model.itemId)}`),
    input(TIGHTEN_INPUTS.choice.blockId, TIGHTEN_COPY.choiceLabel, radios),
    { ...input(TIGHTEN_INPUTS.pattern.blockId, TIGHTEN_COPY.patternLabel, pattern, true), dispatch_action: true, hint: plainText(TIGHTEN_COPY.patternHint) },
    ...describePatternPreview(model.preview, model.patternError),
    ...(model.rollbackNote ? [context('guardrails_rollback_note', [escapeMrkdwn(model.rollbackNote)])] : []),
    input(TIGHTEN_INPUTS.reason.blockId, TIGHTEN_COPY.reasonLabel, reason, true),
  ];
  return {
    type: 'modal',
    callback_id: GUARDRAIL_VIEWS.tighten,
    private_metadata: JSON.stringify(metadata),
    title: plainText(TIGHTEN_COPY.title),
    submit: plainText('Apply'),
    close: plainText('Cancel'),
    blocks,
  };
}

export type ConfirmModalModel =
  | { kind: 'rollback'; source: string; from: string | null; target: string; twoPerson: boolean; metadata: ConfirmMetadata }
  | { kind: 'kill_switch'; source: string; on: boolean; message: string; metadata: ConfirmMetadata };

/** The confirmation dialog: it names the target release, or what the kill switch does. */
export function buildConfirmModal(model: ConfirmModalModel): ModalView {
  const source = `*${escapeMrkdwn(model.source)}*`;
  const blocks: KnownBlock[] =
    model.kind === 'rollback'
      ? [
          section('confirm_what', `Roll ${source} back from ${formatInlineCode(model.from ?? 'the live release')} to ${formatInlineCode(model.target)}, its last known-good release?`),
          context('confirm_how', [
            model.twoPerson
              ? ':busts_in_silhouette: Two-person rule: this posts a request that a *different approver* must confirm within 10 minutes.'
              : 'A new guardrail version pins the release and the app receives a signed rollback webhook.',
          ]),
        ]
      : [
          section('confirm_what', model.on ? `Turn the kill switch of ${source} *on*? \`/v1/check\` answers \`block\` for every output until it is lifted.` : `Lift the kill switch of ${source}?`),
          ...(model.on ? [context('confirm_how', [`The app shows instead: ${formatInlineCode(truncateText(model.message, 200))}`])] : []),
        ];
  const submit = model.kind === 'rollback' ? (model.twoPerson ? 'Request rollback' : 'Roll back') : model.on ? 'Turn on' : 'Lift it';
  return {
    type: 'modal',
    callback_id: GUARDRAIL_VIEWS.confirm,
    private_metadata: JSON.stringify(model.metadata),
    title: plainText(model.kind === 'rollback' ? 'Confirm rollback' : 'Confirm kill switch'),
    submit: plainText(submit),
    close: plainText('Back'),
    blocks,
  };
}

/** A modal that only says something (a refusal or an error after submit). */
export function buildNoticeModal(title: string, text: string): ModalView {
  return { type: 'modal', title: plainText(truncateText(title, SLACK_LIMITS.modalTitle)), close: plainText('Close'), blocks: [section('notice', text)] };
}
