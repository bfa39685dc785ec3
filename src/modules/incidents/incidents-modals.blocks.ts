import type { KnownBlock, ModalView, PlainTextInput } from '@slack/types';
import { escapeMrkdwn, formatInlineCode } from '../../shared/mrkdwn.ts';
import { context, input, option, plainText, staticSelect } from '../../shared/slack-blocks.ts';
import { SLACK_LIMITS, truncateText } from '../../shared/slack-limits.ts';
import {
  INCIDENT_INPUTS, INCIDENT_VIEWS, SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH, UPDATE_MAX_LENGTH, escalateMetadataSchema, type EscalateMetadata,
} from './incidents.actions.ts';
import { INCIDENT_SEVERITIES, SEVERITY_LABELS, type IncidentSeverity } from './incidents.models.ts';

// The escalate, update and resolve modals. Prefilled text is plain text in an input, so it
// needs no escaping there; it is cut to the input's own limits.

/** What the escalate modal starts with; the review card or `/vigil incident` fills it. */
export interface EscalationPrefill {
  /** Fixed source (from a card); without it the modal asks, among `sources`. */
  source?: string;
  sources?: string[];
  itemId?: string;
  /** The channel of the click, for an error reply there. */
  channel?: string;
  severity?: IncidentSeverity;
  title?: string;
  summary?: string;
}

function textInput(actionId: string, options: { multiline?: boolean; max: number; initial?: string; placeholder?: string }): PlainTextInput {
  return {
    type: 'plain_text_input',
    action_id: actionId,
    multiline: options.multiline ?? false,
    max_length: options.max,
    ...(options.initial ? { initial_value: truncateText(options.initial, options.max) } : {}),
    ...(options.placeholder ? { placeholder: plainText(options.placeholder) } : {}),
  } satisfies PlainTextInput;
}

const severityOptions = INCIDENT_SEVERITIES.map((severity) => option(SEVERITY_LABELS[severity], severity));

export function buildEscalateModal(prefill: EscalationPrefill): ModalView {
  const inputs = INCIDENT_INPUTS;
  const metadata: EscalateMetadata = escalateMetadataSchema.parse({
    ...(prefill.source ? { source: prefill.source } : {}),
    ...(prefill.itemId ? { itemId: prefill.itemId } : {}),
    ...(prefill.channel ? { channel: prefill.channel } : {}),
  });
  const severity = { ...staticSelect(inputs.severity.actionId, 'Choose a severity', severityOptions) };
  const initial = severityOptions.find((candidate) => candidate.value === prefill.severity);
  const blocks: KnownBlock[] = [];
  if (prefill.source) {
    const item = prefill.itemId ? ` · item ${formatInlineCode(prefill.itemId)}` : '';
    blocks.push(context('incident_context', [`Source *${escapeMrkdwn(prefill.source)}*${item}`]));
  } else {
    const sources = (prefill.sources ?? []).slice(0, SLACK_LIMITS.selectOptions).map((name) => option(name, name));
    if (sources.length > 0) blocks.push(input(inputs.source.blockId, 'Source', staticSelect(inputs.source.actionId, 'Which AI feature?', sources)));
  }
  blocks.push(
    input(inputs.severity.blockId, 'Severity', initial ? { ...severity, initial_option: initial } : severity),
    input(inputs.title.blockId, 'Title', textInput(inputs.title.actionId, { max: TITLE_MAX_LENGTH, initial: prefill.title, placeholder: 'What is wrong, in a few words' })),
    input(
      inputs.summary.blockId,
      'Summary',
      textInput(inputs.summary.actionId, { multiline: true, max: SUMMARY_MAX_LENGTH, initial: prefill.summary, placeholder: 'What you saw, who is affected' }),
      true,
    ),
    context('incident_paging', [':pager: On-call is paged and an incident channel opens as soon as you submit.']),
  );
  return {
    type: 'modal',
    callback_id: INCIDENT_VIEWS.escalate,
    title: plainText('Escalate incident'),
    submit: plainText('Open incident'),
    close: plainText('Cancel'),
    private_metadata: JSON.stringify(metadata),
    blocks,
  } satisfies ModalView;
}

function buildTextModal(options: {
  callbackId: string;
  title: string;
  submit: string;
  incident: { id: string; title: string };
  field: { blockId: string; actionId: string };
  label: string;
  placeholder: string;
}): ModalView {
  return {
    type: 'modal',
    callback_id: options.callbackId,
    title: plainText(options.title),
    submit: plainText(options.submit),
    close: plainText('Cancel'),
    private_metadata: JSON.stringify({ incidentId: options.incident.id }),
    blocks: [
      context('incident_context', [`${escapeMrkdwn(truncateText(options.incident.title, 300))} · ${formatInlineCode(options.incident.id)}`]),
      input(options.field.blockId, options.label, textInput(options.field.actionId, { multiline: true, max: UPDATE_MAX_LENGTH, placeholder: options.placeholder })),
    ],
  } satisfies ModalView;
}

export function buildUpdateModal(incident: { id: string; title: string }): ModalView {
  return buildTextModal({
    callbackId: INCIDENT_VIEWS.update,
    title: 'Post update',
    submit: 'Post',
    incident,
    field: INCIDENT_INPUTS.update,
    label: 'Update',
    placeholder: 'What is known, what is being done, next update when',
  });
}

export function buildResolveModal(incident: { id: string; title: string }): ModalView {
  return buildTextModal({
    callbackId: INCIDENT_VIEWS.resolve,
    title: 'Resolve incident',
    submit: 'Resolve',
    incident,
    field: INCIDENT_INPUTS.resolution,
    label: 'Resolution summary',
    placeholder: 'The cause, the fix, and any follow-up',
  });
}
