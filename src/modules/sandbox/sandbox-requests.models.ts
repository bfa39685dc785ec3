import { createHmac } from 'node:crypto';
import type { SandboxView, SandboxWorkspace } from './sandbox-workspace.models.ts';

// The requests Slack sends an app, built from what the sandbox shows: the element a user
// clicked is looked up in the blocks Vigil posted (never trusted from the page), and every
// request is signed as Slack signs it, so Bolt verifies it like any other.

/** `v0=` HMAC-SHA256 over `v0:{timestamp}:{raw body}` (Slack's request signing). */
export function signSlackRequest(rawBody: string, secret: string, timestampSec: number): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestampSec), 'x-slack-signature': signature };
}

export interface FoundElement {
  element: Record<string, any>;
  blockId: string;
}

/** The interactive element `actionId` in `blockId` (sections' accessories, actions and input blocks). */
export function findElement(blocks: readonly any[], blockId: string, actionId: string): FoundElement | undefined {
  for (const block of blocks) {
    if (block.block_id !== blockId) continue;
    const elements = block.type === 'actions' ? block.elements : block.type === 'input' ? [block.element] : block.accessory ? [block.accessory] : [];
    const element = (elements ?? []).find((candidate: any) => candidate?.action_id === actionId);
    if (element) return { element, blockId };
  }
  return undefined;
}

/** What the page sends for one input: the value typed or the option values picked. */
export interface PageInputValue {
  type: string;
  value?: string | null;
  selected?: string | null;
  selectedMany?: string[];
}

function optionsOf(element: Record<string, any>): any[] {
  return [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((group: any) => group.options ?? [])];
}

/** The option objects Slack would send back: the posted ones, matched by value. */
function toStateValue(element: Record<string, any> | undefined, input: PageInputValue): Record<string, unknown> {
  const type = element?.type ?? input.type;
  const options = element ? optionsOf(element) : [];
  const option = (value: string | null | undefined) => (value ? (options.find((candidate) => candidate.value === value) ?? null) : null);
  switch (type) {
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: option(input.selected) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: (input.selectedMany ?? []).map(option).filter(Boolean) };
    case 'users_select':
      return { type, selected_user: input.selected ?? null };
    case 'conversations_select':
    case 'channels_select':
      return { type, [type === 'channels_select' ? 'selected_channel' : 'selected_conversation']: input.selected ?? null };
    case 'datepicker':
      return { type, selected_date: input.value ?? null };
    default:
      return { type, value: input.value === '' ? null : (input.value ?? null) };
  }
}

/** `state.values` of a view, as Slack nests it: block id → action id → value. */
export function buildStateValues(view: Record<string, any>, values: Record<string, Record<string, PageInputValue>>): Record<string, Record<string, unknown>> {
  const blocks: any[] = view.blocks ?? [];
  const state: Record<string, Record<string, unknown>> = {};
  for (const [blockId, byAction] of Object.entries(values)) {
    for (const [actionId, input] of Object.entries(byAction)) {
      const found = findElement(blocks, blockId, actionId);
      state[blockId] = { ...state[blockId], [actionId]: toStateValue(found?.element, input) };
    }
  }
  return state;
}

export function buildUser(workspace: SandboxWorkspace, userId: string) {
  const user = workspace.users.find((candidate) => candidate.id === userId);
  return { id: userId, username: user?.name ?? userId, name: user?.name ?? userId, team_id: workspace.team.id };
}

export function buildViewPayload(workspace: SandboxWorkspace, view: SandboxView, state: Record<string, Record<string, unknown>>) {
  return {
    id: view.id,
    team_id: workspace.team.id,
    type: view.type,
    blocks: view.view.blocks ?? [],
    private_metadata: view.view.private_metadata ?? '',
    callback_id: view.view.callback_id ?? '',
    external_id: view.view.external_id ?? '',
    title: view.view.title,
    submit: view.view.submit ?? null,
    close: view.view.close ?? null,
    state: { values: state },
    hash: view.hash,
    app_id: 'A0SBXVIGIL1',
    bot_id: workspace.bot.id,
  };
}

/** One clicked element as Slack reports it in `actions[]`. */
export function buildAction(found: FoundElement, pick: { selected?: string | null; selectedMany?: string[]; value?: string | null }, actionTs: string) {
  const { element, blockId } = found;
  const base = { type: element.type, action_id: element.action_id, block_id: blockId, action_ts: actionTs };
  if (element.type === 'button') return { ...base, text: element.text, value: element.value, ...(element.style ? { style: element.style } : {}) };
  if (element.type === 'overflow' || element.type === 'static_select' || element.type === 'radio_buttons') {
    const option = optionsOf(element).find((candidate) => candidate.value === pick.selected);
    return { ...base, selected_option: option ?? null };
  }
  return { ...base, ...toStateValue(element, { type: element.type, ...pick }) };
}
