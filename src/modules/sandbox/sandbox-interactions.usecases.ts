import { callWebApi, type WebApiContext } from './sandbox-web-api.usecases.ts';
import { buildAction, buildStateValues, buildUser, buildViewPayload, findElement, signSlackRequest } from './sandbox-requests.models.ts';
import type { PageAct } from './sandbox.schemas.ts';
import { findMessage, findView, nextTs, touch, type SandboxView } from './sandbox-workspace.models.ts';

// A click, a modal submission or a typed `/vigil …` on the page becomes the signed request
// Slack would send to Vigil's /slack/events; Vigil's answer (a view_submission's
// response_action, a command's immediate reply) is applied to the workspace as Slack would.

export interface ResponseTarget {
  user: string;
  channel: string;
  /** The message the click came from: `replace_original` edits it. */
  messageTs?: string;
}

export interface InteractionsDeps extends WebApiContext {
  signingSecret: string;
  /** Vigil's base URL once it listens. */
  vigilUrl(): string | null;
  responseUrls: Map<string, ResponseTarget>;
}

export type ActOutcome = { ok: true; status: number } | { ok: false; error: string; status?: number };

let sequence = 0;
function issueTrigger(deps: InteractionsDeps, user: string): string {
  const trigger = `${Math.floor(deps.now() / 1000)}.${++sequence}.sandbox${Math.random().toString(16).slice(2, 10)}`;
  deps.triggers.set(trigger, user);
  return trigger;
}

function issueResponseUrl(deps: InteractionsDeps, target: ResponseTarget): string {
  const id = `R${++sequence}${Math.random().toString(16).slice(2, 10)}`;
  deps.responseUrls.set(id, target);
  return `${deps.origin}/sandbox/respond/${id}`;
}

async function send(deps: InteractionsDeps, kind: 'form' | 'json', body: string): Promise<{ status: number; text: string }> {
  const url = deps.vigilUrl();
  if (!url) return { status: 503, text: 'Vigil is not listening yet' };
  const contentType = kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  const response = await fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...signSlackRequest(body, deps.signingSecret, Math.floor(deps.now() / 1000)) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const interaction = (deps: InteractionsDeps, payload: unknown) => send(deps, 'form', `payload=${encodeURIComponent(JSON.stringify(payload))}`);

export async function performAct(deps: InteractionsDeps, act: PageAct): Promise<ActOutcome> {
  switch (act.kind) {
    case 'block_action':
      return performBlockAction(deps, act);
    case 'view_submission':
      return submitView(deps, act);
    case 'view_closed': {
      const view = findView(deps.workspace, act.viewId);
      if (!view || view.type !== 'modal') return { ok: false, error: 'view_not_found' };
      closeView(deps, view);
      if (view.view.notify_on_close) await interaction(deps, { type: 'view_closed', team: deps.workspace.team, user: buildUser(deps.workspace, act.user), view: buildViewPayload(deps.workspace, view, {}), is_cleared: false });
      return { ok: true, status: 200 };
    }
    case 'command':
      return runCommand(deps, act);
    case 'home_opened': {
      const envelope = {
        token: 'sandbox',
        team_id: deps.workspace.team.id,
        api_app_id: 'A0SBXVIGIL1',
        event: { type: 'app_home_opened', user: act.user, channel: `D${act.user.slice(1)}`, tab: 'home', event_ts: nextTs(deps.workspace, deps.now()) },
        type: 'event_callback',
        event_id: `Ev${++sequence}${Date.now()}`,
        event_time: Math.floor(deps.now() / 1000),
      };
      const answer = await send(deps, 'json', JSON.stringify(envelope));
      return answer.status < 300 ? { ok: true, status: answer.status } : { ok: false, error: 'vigil_refused', status: answer.status };
    }
  }
}

async function performBlockAction(deps: InteractionsDeps, act: Extract<PageAct, { kind: 'block_action' }>): Promise<ActOutcome> {
  const { workspace } = deps;
  const user = buildUser(workspace, act.user);
  const actionTs = nextTs(workspace, deps.now());
  if (act.container.type === 'message') {
    const message = findMessage(workspace, act.container.channel, act.container.ts);
    if (!message || (message.visibleTo && message.visibleTo !== act.user)) return { ok: false, error: 'message_not_found' };
    const found = findElement(message.blocks, act.blockId, act.actionId);
    if (!found) return { ok: false, error: 'element_not_found' };
    const payload = {
      type: 'block_actions',
      user,
      api_app_id: 'A0SBXVIGIL1',
      token: 'sandbox',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: message.visibleTo !== undefined, ...(message.threadTs ? { thread_ts: message.threadTs } : {}) },
      trigger_id: issueTrigger(deps, act.user),
      team: workspace.team,
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: workspace.channels.find((channel) => channel.id === message.channel)?.name ?? message.channel },
      message: { type: 'message', ts: message.ts, bot_id: message.botId, text: message.text, blocks: message.blocks, ...(message.threadTs ? { thread_ts: message.threadTs } : {}) },
      state: { values: {} },
      response_url: issueResponseUrl(deps, { user: act.user, channel: message.channel, messageTs: message.ts }),
      actions: [buildAction(found, act, actionTs)],
    };
    return acknowledged(await interaction(deps, payload));
  }
  const view = findView(workspace, act.container.viewId);
  if (!view || view.user !== act.user) return { ok: false, error: 'view_not_found' };
  const found = findElement(view.view.blocks ?? [], act.blockId, act.actionId);
  if (!found) return { ok: false, error: 'element_not_found' };
  const payload = {
    type: 'block_actions',
    user,
    api_app_id: 'A0SBXVIGIL1',
    token: 'sandbox',
    container: { type: 'view', view_id: view.id },
    trigger_id: issueTrigger(deps, act.user),
    team: workspace.team,
    enterprise: null,
    is_enterprise_install: false,
    view: buildViewPayload(workspace, view, buildStateValues(view.view, act.state ?? {})),
    actions: [buildAction(found, act, actionTs)],
  };
  return acknowledged(await interaction(deps, payload));
}

function acknowledged(answer: { status: number; text: string }): ActOutcome {
  return answer.status < 300 ? { ok: true, status: answer.status } : { ok: false, error: answer.text || 'vigil_refused', status: answer.status };
}

function closeView(deps: InteractionsDeps, view: SandboxView): void {
  const stack = deps.workspace.modals[view.user] ?? [];
  deps.workspace.modals[view.user] = stack.slice(0, Math.max(0, stack.indexOf(view)));
  touch(deps.workspace);
}

async function submitView(deps: InteractionsDeps, act: Extract<PageAct, { kind: 'view_submission' }>): Promise<ActOutcome> {
  const { workspace } = deps;
  const view = findView(workspace, act.viewId);
  if (!view || view.user !== act.user || view.type !== 'modal') return { ok: false, error: 'view_not_found' };
  const payload = {
    type: 'view_submission',
    team: workspace.team,
    user: buildUser(workspace, act.user),
    api_app_id: 'A0SBXVIGIL1',
    token: 'sandbox',
    trigger_id: issueTrigger(deps, act.user),
    view: buildViewPayload(workspace, view, buildStateValues(view.view, act.state)),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const answer = await interaction(deps, payload);
  if (answer.status >= 300) return { ok: false, error: answer.text || 'vigil_refused', status: answer.status };
  applyViewResponse(deps, view, answer.text);
  return { ok: true, status: answer.status };
}

/** Slack's rules for a view_submission's answer: errors stay open, update/push/clear change the stack, nothing closes the view. */
function applyViewResponse(deps: InteractionsDeps, view: SandboxView, text: string): void {
  const response = text.trim().startsWith('{') ? (JSON.parse(text) as Record<string, any>) : {};
  const stack = deps.workspace.modals[view.user] ?? [];
  switch (response.response_action) {
    case 'errors':
      view.errors = response.errors ?? {};
      break;
    case 'update':
      Object.assign(view, { view: response.view, errors: undefined });
      break;
    case 'push':
      deps.workspace.modals[view.user] = [...stack, { ...view, id: `${view.id}P${++sequence}`, view: response.view, errors: undefined }];
      break;
    case 'clear':
      deps.workspace.modals[view.user] = [];
      break;
    default:
      closeView(deps, view);
  }
  touch(deps.workspace);
}

async function runCommand(deps: InteractionsDeps, act: Extract<PageAct, { kind: 'command' }>): Promise<ActOutcome> {
  const { workspace } = deps;
  const [command, ...rest] = act.text.trim().split(/\s+/);
  if (!command?.startsWith('/')) return { ok: false, error: 'not_a_command' };
  const form = new URLSearchParams({
    token: 'sandbox',
    team_id: workspace.team.id,
    team_domain: workspace.team.domain,
    channel_id: act.channel,
    channel_name: workspace.channels.find((channel) => channel.id === act.channel)?.name ?? act.channel,
    user_id: act.user,
    user_name: buildUser(workspace, act.user).name,
    command,
    text: rest.join(' '),
    api_app_id: 'A0SBXVIGIL1',
    is_enterprise_install: 'false',
    response_url: issueResponseUrl(deps, { user: act.user, channel: act.channel }),
    trigger_id: issueTrigger(deps, act.user),
  });
  const answer = await send(deps, 'form', form.toString());
  if (answer.status >= 300) return { ok: false, error: answer.text || 'vigil_refused', status: answer.status };
  // An immediate reply in the ack body is shown like a response_url reply.
  if (answer.text.trim().startsWith('{')) respondTo(deps, { user: act.user, channel: act.channel }, JSON.parse(answer.text));
  return { ok: true, status: answer.status };
}

/** A post to a response_url: replace or delete the original, post in channel, or (the default) show it only to the user. */
export function respondTo(deps: Pick<WebApiContext, 'workspace' | 'now' | 'origin' | 'triggers'>, target: ResponseTarget, body: Record<string, any>): { ok: boolean; error?: string } {
  const context: WebApiContext = deps;
  const original = target.messageTs ? findMessage(deps.workspace, target.channel, target.messageTs) : undefined;
  if (body.delete_original === true || body.delete_original === 'true') {
    return original ? callWebApi(context, 'chat.delete', { channel: original.channel, ts: original.ts }) : { ok: false, error: 'message_not_found' };
  }
  if ((body.replace_original === true || body.replace_original === 'true') && original) {
    return callWebApi(context, 'chat.update', { channel: original.channel, ts: original.ts, text: body.text, blocks: body.blocks ?? [] });
  }
  const thread = original?.threadTs ? { thread_ts: original.threadTs } : {};
  const message = { channel: target.channel, text: body.text, blocks: body.blocks, ...thread };
  return body.response_type === 'in_channel'
    ? callWebApi(context, 'chat.postMessage', message)
    : callWebApi(context, 'chat.postEphemeral', { ...message, user: target.user });
}
