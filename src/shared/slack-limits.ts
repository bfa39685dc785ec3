import type { AnyBlock, View } from '@slack/types';

// Slack rejects a whole message or view when one field is over its limit, so builders cut
// text to these limits and tests run every built surface through `assertWithinLimits`.
// Lengths are counted in UTF-16 code units, never fewer than the characters Slack counts.
// Sources: shared/reference/slack-platform.md §2 (docs.slack.dev, Slack's SDK validators).
export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** Any text object, and section `text`. */
  sectionText: 3_000,
  sectionFields: 10,
  sectionField: 2_000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2_000,
  url: 3_000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  contextElements: 10,
  optionText: 75,
  /** Slack allows 150, but an older documented limit was 75: option values carry ids, never content. */
  optionValue: 75,
  selectOptions: 100,
  overflowOptions: 5,
  placeholder: 150,
  inputLabel: 2_000,
  textInputLength: 3_000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3_000,
  callbackId: 255,
  markdownBlocksText: 12_000,
  /** Slack truncates `text` above 40,000 and recommends at most 4,000; ours is a short fallback. */
  messageText: 4_000,
  /** `msg_blocks_too_long` fires near ~12k characters of block text (undocumented, bolt-js#2509). */
  messageTextBudget: 10_000,
  /** `view_too_large` above 250 kb of view JSON. */
  viewPayloadBytes: 250_000,
} as const;

const ENTITY = /^&(?:[a-z]{2,8}|#\d{1,7}|#x[\da-f]{1,6});/i;
const MAX_ENTITY_LENGTH = 10;

/**
 * The largest index ≤ `index` where `text` can be cut without splitting a surrogate pair or an
 * entity such as `&amp;` (a cut entity would show as raw `&am` in Slack).
 */
export function findSafeCut(text: string, index: number): number {
  let cut = Math.max(0, Math.min(index, text.length));
  if (cut <= 0 || cut >= text.length) return cut;
  const before = text.charCodeAt(cut - 1);
  if (before >= 0xd800 && before <= 0xdbff) cut -= 1;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && cut - amp < MAX_ENTITY_LENGTH) {
    const entity = ENTITY.exec(text.slice(amp, amp + MAX_ENTITY_LENGTH));
    if (entity && amp + entity[0].length > cut) cut = amp;
  }
  return cut;
}

/** `text` cut to at most `max` code units, ending in `ellipsis` when cut. */
export function truncateText(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  if (max < ellipsis.length) throw new RangeError(`Cannot truncate to ${max} characters with a ${ellipsis.length}-character ellipsis`);
  return text.slice(0, findSafeCut(text, max - ellipsis.length)) + ellipsis;
}

/**
 * Splits `text` into pieces of at most `size` code units at safe cuts, preferring a line break
 * in a piece's second half, then a space or tab there, so no word is split across two pieces
 * unless a single word is longer than half a piece.
 */
export function chunkText(text: string, size: number): string[] {
  if (size <= MAX_ENTITY_LENGTH * 2) throw new RangeError(`Chunk size ${size} is too small to keep entities whole`);
  const chunks: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    let cut = findSafeCut(text, start + size);
    const newline = text.lastIndexOf('\n', cut - 1);
    const space = Math.max(text.lastIndexOf(' ', cut - 1), text.lastIndexOf('\t', cut - 1));
    if (newline >= start + size / 2) cut = newline + 1;
    else if (space >= start + size / 2) cut = space + 1;
    chunks.push(text.slice(start, cut));
    start = cut;
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}

type Loose = Record<string, unknown>;

function isLoose(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

function textOf(value: unknown): string | undefined {
  return isLoose(value) && typeof value.text === 'string' ? value.text : undefined;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Characters of text in blocks: every `text` string, which is what counts toward `msg_blocks_too_long`. */
export function measureTextBudget(blocks: readonly unknown[]): number {
  const measure = (value: unknown): number => {
    if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + measure(item), 0);
    if (!isLoose(value)) return 0;
    return Object.entries(value).reduce(
      (sum, [key, child]) => sum + (key === 'text' && typeof child === 'string' ? child.length : measure(child)),
      0,
    );
  };
  return measure(blocks);
}

export class SlackLimitError extends Error {
  readonly violations: string[];

  constructor(violations: string[]) {
    const shown = violations.slice(0, 5).join('; ');
    super(violations.length > 5 ? `${shown}; and ${violations.length - 5} more` : shown);
    this.name = 'SlackLimitError';
    this.violations = violations;
  }
}

type Report = (where: string, problem: string) => void;

const format = (n: number): string => n.toLocaleString('en-US');

function checkLength(report: Report, where: string, what: string, value: string | undefined, max: number): void {
  if (value !== undefined && value.length > max) report(where, `${what} is ${format(value.length)} characters; the limit is ${format(max)}`);
}

function checkCount(report: Report, where: string, what: string, count: number, max: number): void {
  if (count === 0 || count > max) report(where, `has ${format(count)} ${what}; the limit is 1 to ${format(max)}`);
}

function checkOptions(report: Report, where: string, options: unknown[], max: number): void {
  checkCount(report, where, 'options', options.length, max);
  options.forEach((option, i) => {
    checkLength(report, where, `option ${i} text`, textOf(isLoose(option) ? option.text : undefined), SLACK_LIMITS.optionText);
    checkLength(report, where, `option ${i} value`, isLoose(option) ? (option.value as string | undefined) : undefined, SLACK_LIMITS.optionValue);
  });
}

function checkElement(report: Report, block: string, element: unknown): void {
  if (!isLoose(element)) return;
  const where = `${block} element ${String(element.type)} "${String(element.action_id ?? '')}"`;
  checkLength(report, where, 'action_id', element.action_id as string | undefined, SLACK_LIMITS.actionId);
  checkLength(report, where, 'placeholder', textOf(element.placeholder), SLACK_LIMITS.placeholder);
  if (element.type === 'button') {
    checkLength(report, where, 'text', textOf(element.text), SLACK_LIMITS.buttonText);
    checkLength(report, where, 'value', element.value as string | undefined, SLACK_LIMITS.buttonValue);
    checkLength(report, where, 'url', element.url as string | undefined, SLACK_LIMITS.url);
  }
  if (element.type === 'overflow') checkOptions(report, where, listOf(element.options), SLACK_LIMITS.overflowOptions);
  if (element.type === 'static_select' || element.type === 'multi_static_select') {
    checkOptions(report, where, listOf(element.options), SLACK_LIMITS.selectOptions);
  }
  if (element.type === 'plain_text_input' && typeof element.max_length === 'number') {
    if (element.max_length > SLACK_LIMITS.textInputLength) report(where, `max_length is ${element.max_length}; the limit is 3,000`);
  }
  const confirm = isLoose(element.confirm) ? element.confirm : undefined;
  checkLength(report, where, 'confirm title', textOf(confirm?.title), SLACK_LIMITS.confirmTitle);
  checkLength(report, where, 'confirm text', textOf(confirm?.text), SLACK_LIMITS.confirmText);
  checkLength(report, where, 'confirm button', textOf(confirm?.confirm), SLACK_LIMITS.confirmButton);
  checkLength(report, where, 'deny button', textOf(confirm?.deny), SLACK_LIMITS.confirmButton);
}

function checkBlock(report: Report, block: Loose, where: string): void {
  checkLength(report, where, 'block_id', block.block_id as string | undefined, SLACK_LIMITS.blockId);
  const text = textOf(block.text);
  if (block.type === 'header') checkLength(report, where, 'text', text, SLACK_LIMITS.headerText);
  if (block.type === 'section') {
    const fields = listOf(block.fields);
    if (text === undefined && fields.length === 0) report(where, 'has neither text nor fields');
    if (text !== undefined && text.length === 0) report(where, 'text is empty; the minimum is 1 character');
    checkLength(report, where, 'text', text, SLACK_LIMITS.sectionText);
    if (fields.length > SLACK_LIMITS.sectionFields) report(where, `has ${fields.length} fields; the limit is 10`);
    fields.forEach((field, i) => checkLength(report, where, `field ${i}`, textOf(field), SLACK_LIMITS.sectionField));
    checkElement(report, where, block.accessory);
  }
  if (block.type === 'context' || block.type === 'actions') {
    const elements = listOf(block.elements);
    const max = block.type === 'context' ? SLACK_LIMITS.contextElements : SLACK_LIMITS.actionsElements;
    checkCount(report, where, 'elements', elements.length, max);
    elements.forEach((element, i) => checkLength(report, where, `element ${i} text`, textOf(element), SLACK_LIMITS.sectionText));
    const actionIds = elements.map((element) => (isLoose(element) ? element.action_id : undefined)).filter((id) => id !== undefined);
    if (new Set(actionIds).size !== actionIds.length) report(where, 'repeats an action_id; each must be unique in its block');
    if (block.type === 'actions') elements.forEach((element) => checkElement(report, where, element));
  }
  if (block.type === 'input') {
    checkLength(report, where, 'label', textOf(block.label), SLACK_LIMITS.inputLabel);
    checkLength(report, where, 'hint', textOf(block.hint), SLACK_LIMITS.inputLabel);
    checkElement(report, where, block.element);
  }
}

/** Every limit `surface` breaks, each naming the block (index, type, block_id) and the limit. */
export function listLimitViolations(surface: { text?: string; blocks: readonly AnyBlock[] } | View): string[] {
  const violations: string[] = [];
  const report: Report = (where, problem) => violations.push(`${where}: ${problem}`);
  const isView = 'type' in surface && (surface.type === 'modal' || surface.type === 'home');
  const blocks = surface.blocks as unknown[];
  const maxBlocks = isView ? SLACK_LIMITS.viewBlocks : SLACK_LIMITS.messageBlocks;
  if (blocks.length > maxBlocks) report(isView ? 'view' : 'message', `has ${format(blocks.length)} blocks; the limit is ${maxBlocks}`);
  const seenIds = new Set<string>();
  let markdownText = 0;
  blocks.forEach((block, i) => {
    if (!isLoose(block)) return;
    const where = `block ${i} (${String(block.type)}${typeof block.block_id === 'string' ? ` "${block.block_id}"` : ''})`;
    if (typeof block.block_id === 'string') {
      if (seenIds.has(block.block_id)) report(where, 'repeats a block_id; each must be unique in its message or view');
      seenIds.add(block.block_id);
    }
    if (block.type === 'markdown') markdownText += textOf(block)?.length ?? 0;
    checkBlock(report, block, where);
  });
  if (markdownText > SLACK_LIMITS.markdownBlocksText) {
    report('markdown blocks', `total text is ${format(markdownText)} characters; the limit is 12,000`);
  }
  if (isView) checkView(report, surface as View);
  else {
    checkLength(report, 'message', 'fallback text', (surface as { text?: string }).text, SLACK_LIMITS.messageText);
    const budget = measureTextBudget(blocks);
    if (budget > SLACK_LIMITS.messageTextBudget) {
      report('message', `total block text is ${format(budget)} characters; the budget is ${format(SLACK_LIMITS.messageTextBudget)}`);
    }
  }
  return violations;
}

function checkView(report: Report, view: View): void {
  if (view.type === 'modal') {
    checkLength(report, 'view', 'title', view.title.text, SLACK_LIMITS.modalTitle);
    checkLength(report, 'view', 'submit', view.submit?.text, SLACK_LIMITS.modalButton);
    checkLength(report, 'view', 'close', view.close?.text, SLACK_LIMITS.modalButton);
    if (!view.submit && view.blocks.some((block) => block.type === 'input')) report('view', 'has input blocks but no submit button');
  }
  checkLength(report, 'view', 'private_metadata', view.private_metadata, SLACK_LIMITS.privateMetadata);
  checkLength(report, 'view', 'callback_id', view.callback_id, SLACK_LIMITS.callbackId);
  const bytes = Buffer.byteLength(JSON.stringify(view), 'utf8');
  if (bytes > SLACK_LIMITS.viewPayloadBytes) report('view', `JSON is ${format(bytes)} bytes; the limit is ${format(SLACK_LIMITS.viewPayloadBytes)}`);
}

/** Throws a `SlackLimitError` naming each broken limit; a dev guard and a test assertion. */
export function assertWithinLimits(surface: { text?: string; blocks: readonly AnyBlock[] } | View): void {
  const violations = listLimitViolations(surface);
  if (violations.length > 0) throw new SlackLimitError(violations);
}
