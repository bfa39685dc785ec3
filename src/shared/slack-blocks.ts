import type {
  ActionsBlock, ActionsBlockElement, Button, ContextBlock, HeaderBlock, InputBlock, MrkdwnElement, Overflow,
  PlainTextElement, PlainTextOption, SectionBlock, SectionBlockAccessory, StaticSelect,
} from '@slack/types';
import { SLACK_LIMITS, truncateText } from './slack-limits.ts';

// Tiny typed Block Kit helpers. `mrkdwn` text must already be safe (see mrkdwn.ts); the
// helpers cut only display labels to their limits, never values or ids.

export function plainText(text: string): PlainTextElement {
  return { type: 'plain_text', text, emoji: true } satisfies PlainTextElement;
}

export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text } satisfies MrkdwnElement;
}

export function header(blockId: string, text: string): HeaderBlock {
  return { type: 'header', block_id: blockId, text: plainText(truncateText(text, SLACK_LIMITS.headerText)) } satisfies HeaderBlock;
}

export function section(blockId: string, text: string, accessory?: SectionBlockAccessory): SectionBlock {
  return { type: 'section', block_id: blockId, text: mrkdwn(text), ...(accessory ? { accessory } : {}) } satisfies SectionBlock;
}

export function fields(blockId: string, texts: string[]): SectionBlock {
  return { type: 'section', block_id: blockId, fields: texts.map(mrkdwn) } satisfies SectionBlock;
}

export function context(blockId: string, texts: string[]): ContextBlock {
  return { type: 'context', block_id: blockId, elements: texts.map(mrkdwn) } satisfies ContextBlock;
}

export function actions(blockId: string, elements: ActionsBlockElement[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements } satisfies ActionsBlock;
}

export function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Button {
  const label = plainText(truncateText(text, SLACK_LIMITS.buttonText));
  return { type: 'button', action_id: actionId, text: label, value, ...(style ? { style } : {}) } satisfies Button;
}

export function option(text: string, value: string): PlainTextOption {
  return { text: plainText(truncateText(text, SLACK_LIMITS.optionText)), value } satisfies PlainTextOption;
}

export function staticSelect(actionId: string, placeholder: string, options: PlainTextOption[]): StaticSelect {
  const hint = plainText(truncateText(placeholder, SLACK_LIMITS.placeholder));
  return { type: 'static_select', action_id: actionId, placeholder: hint, options } satisfies StaticSelect;
}

export function overflow(actionId: string, options: PlainTextOption[]): Overflow {
  return { type: 'overflow', action_id: actionId, options } satisfies Overflow;
}

export function input(blockId: string, label: string, element: InputBlock['element'], optional = false): InputBlock {
  return { type: 'input', block_id: blockId, label: plainText(label), element, optional } satisfies InputBlock;
}
