import {
  findChannel,
  findMessage,
  findUser,
  findView,
  nextId,
  nextTs,
  openDm,
  touch,
  type SandboxMessage,
  type SandboxView,
  type SandboxWorkspace,
} from './sandbox-workspace.models.ts';

// The Slack Web API methods Vigil calls (grep `method: '` and `client.` in src/), answered
// from the sandbox workspace with Slack's own response shapes and error codes, so Vigil's
// WebClient, outbox and error classification run exactly as against slack.com.

export type WebApiAnswer = Record<string, unknown> & { ok: boolean };
export type WebApiBody = Record<string, any>;

export interface WebApiContext {
  workspace: SandboxWorkspace;
  now(): number;
  /** Base URL of the sandbox server, for upload URLs, file URLs and permalinks. */
  origin: string;
  /** Trigger ids the sandbox handed out with a click, and who clicked (views.open/push need one). */
  triggers: Map<string, string>;
}

type Method = (context: WebApiContext, body: WebApiBody) => WebApiAnswer;

const fail = (error: string, extra: Record<string, unknown> = {}): WebApiAnswer => ({ ok: false, error, ...extra });

/** A channel id, or a user id (Slack posts to the user's DM with the bot). */
function resolveChannel(context: WebApiContext, id: unknown) {
  const text = String(id ?? '');
  if (/^[UW]/.test(text) && findUser(context.workspace, text)) return openDm(context.workspace, text);
  return findChannel(context.workspace, text);
}

function postMessage(context: WebApiContext, body: WebApiBody, extra: Partial<SandboxMessage> = {}): WebApiAnswer {
  const { workspace } = context;
  if (!body.text && !body.blocks && !body.attachments && !extra.files) return fail('no_text');
  const channel = resolveChannel(context, body.channel);
  if (!channel) return fail('channel_not_found');
  if (body.thread_ts && !findMessage(workspace, channel.id, String(body.thread_ts))) return fail('thread_not_found');
  const message: SandboxMessage = {
    channel: channel.id,
    ts: nextTs(workspace, context.now()),
    ...(body.thread_ts ? { threadTs: String(body.thread_ts) } : {}),
    botId: workspace.bot.id,
    text: String(body.text ?? ''),
    blocks: Array.isArray(body.blocks) ? body.blocks : [],
    ...extra,
  };
  workspace.messages.push(message);
  touch(workspace);
  return { ok: true, channel: channel.id, ts: message.ts, message: { type: 'message', bot_id: workspace.bot.id, text: message.text, blocks: message.blocks, ts: message.ts } };
}

function openModal(context: WebApiContext, body: WebApiBody, push: boolean): WebApiAnswer {
  const user = context.triggers.get(String(body.trigger_id ?? ''));
  if (!user) return fail('invalid_trigger_id');
  context.triggers.delete(String(body.trigger_id));
  if (!body.view || typeof body.view !== 'object') return fail('invalid_arguments');
  const stack = context.workspace.modals[user] ?? [];
  if (push && stack.length === 0) return fail('not_allowed', { detail: 'views.push needs an open modal' });
  if (push && stack.length >= 3) return fail('push_limit_reached');
  const view = storeView(context, user, 'modal', body.view);
  context.workspace.modals[user] = push ? [...stack, view] : [view];
  touch(context.workspace);
  return { ok: true, view: describeView(context, view) };
}

function storeView(context: WebApiContext, user: string, type: SandboxView['type'], view: Record<string, any>, id?: string): SandboxView {
  return { id: id ?? nextId(context.workspace, 'V'), user, type, view, hash: `${Math.floor(context.now() / 1000)}.${context.workspace.counter}` };
}

function describeView(context: WebApiContext, view: SandboxView) {
  return { ...view.view, id: view.id, team_id: context.workspace.team.id, type: view.type, hash: view.hash, state: { values: {} }, app_id: 'A0SBXVIGIL1', bot_id: context.workspace.bot.id };
}

function updateView(context: WebApiContext, body: WebApiBody): WebApiAnswer {
  const existing = body.view_id
    ? findView(context.workspace, String(body.view_id))
    : Object.values(context.workspace.modals).flat().find((view) => view.view.external_id === body.external_id);
  if (!existing) return fail('not_found');
  if (body.hash && body.hash !== existing.hash) return fail('hash_conflict');
  Object.assign(existing, storeView(context, existing.user, existing.type, body.view, existing.id), { errors: undefined });
  touch(context.workspace);
  return { ok: true, view: describeView(context, existing) };
}

const METHODS: Record<string, Method> = {
  'api.test': () => ({ ok: true }),
  'auth.test': ({ workspace, origin }) => ({
    ok: true,
    url: `${origin}/sandbox/`,
    team: workspace.team.name,
    user: workspace.bot.name,
    team_id: workspace.team.id,
    user_id: workspace.bot.userId,
    bot_id: workspace.bot.id,
    is_enterprise_install: false,
  }),
  'chat.postMessage': (context, body) => postMessage(context, body),
  'chat.scheduleMessage': (context, body) => {
    const answer = postMessage(context, body, { scheduledFor: Number(body.post_at) * 1000 });
    return answer.ok ? { ok: true, channel: answer.channel, scheduled_message_id: nextId(context.workspace, 'Q'), post_at: Number(body.post_at) } : answer;
  },
  'chat.postEphemeral': (context, body) => {
    if (!body.user || !findUser(context.workspace, String(body.user))) return fail('user_not_in_channel');
    const answer = postMessage(context, body, { visibleTo: String(body.user) });
    return answer.ok ? { ok: true, message_ts: answer.ts } : answer;
  },
  'chat.update': ({ workspace }, body) => {
    const message = findMessage(workspace, String(body.channel ?? ''), String(body.ts ?? ''));
    if (!message) return fail('message_not_found');
    if (body.text !== undefined) message.text = String(body.text);
    if (body.blocks !== undefined) message.blocks = Array.isArray(body.blocks) ? body.blocks : [];
    message.edited = true;
    touch(workspace);
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text, message: { text: message.text, blocks: message.blocks } };
  },
  'chat.delete': ({ workspace }, body) => {
    const message = findMessage(workspace, String(body.channel ?? ''), String(body.ts ?? ''));
    if (!message) return fail('message_not_found');
    workspace.messages = workspace.messages.filter((candidate) => candidate !== message);
    touch(workspace);
    return { ok: true, channel: message.channel, ts: message.ts };
  },
  'chat.getPermalink': ({ workspace, origin }, body) => {
    const message = findMessage(workspace, String(body.channel ?? ''), String(body.message_ts ?? ''));
    return message ? { ok: true, channel: message.channel, permalink: `${origin}/sandbox#${message.channel}/${message.ts}` } : fail('message_not_found');
  },
  'views.open': (context, body) => openModal(context, body, false),
  'views.push': (context, body) => openModal(context, body, true),
  'views.update': updateView,
  'views.publish': (context, body) => {
    const user = String(body.user_id ?? '');
    if (!findUser(context.workspace, user)) return fail('user_not_found');
    const home = storeView(context, user, 'home', body.view, context.workspace.homes[user]?.id);
    context.workspace.homes[user] = home;
    touch(context.workspace);
    return { ok: true, view: describeView(context, home) };
  },
  'conversations.create': ({ workspace }, body) => {
    const name = String(body.name ?? '');
    if (!/^[a-z0-9_-]{1,80}$/.test(name)) return fail('invalid_name_specials');
    if (workspace.channels.some((channel) => channel.name === name)) return fail('name_taken');
    const channel = { id: nextId(workspace, 'C'), name, kind: 'channel' as const, members: [], createdBy: workspace.bot.userId };
    workspace.channels.push(channel);
    touch(workspace);
    return { ok: true, channel: { id: channel.id, name, is_channel: true, is_private: String(body.is_private) === 'true', created: Math.floor(Date.now() / 1000) } };
  },
  'conversations.invite': ({ workspace }, body) => {
    const channel = findChannel(workspace, String(body.channel ?? ''));
    if (!channel) return fail('channel_not_found');
    const users = String(body.users ?? '').split(',').filter(Boolean);
    if (users.some((user) => !findUser(workspace, user))) return fail('user_not_found');
    channel.members = [...new Set([...channel.members, ...users])];
    touch(workspace);
    return { ok: true, channel: { id: channel.id, name: channel.name } };
  },
  'conversations.open': (context, body) => {
    const users = String(body.users ?? '').split(',').filter(Boolean);
    if (users.length !== 1 || !findUser(context.workspace, users[0]!)) return fail('user_not_found');
    return { ok: true, channel: { id: openDm(context.workspace, users[0]!).id } };
  },
  'conversations.info': ({ workspace }, body) => {
    const channel = findChannel(workspace, String(body.channel ?? ''));
    return channel ? { ok: true, channel: { id: channel.id, name: channel.name, is_im: channel.kind === 'dm', is_member: true } } : fail('channel_not_found');
  },
  'conversations.join': ({ workspace }, body) => {
    const channel = findChannel(workspace, String(body.channel ?? ''));
    return channel ? { ok: true, channel: { id: channel.id, name: channel.name } } : fail('channel_not_found');
  },
  'users.info': ({ workspace }, body) => {
    const user = findUser(workspace, String(body.user ?? ''));
    if (!user) return fail('user_not_found');
    return { ok: true, user: { id: user.id, team_id: workspace.team.id, name: user.name, real_name: user.realName, tz: 'UTC', tz_offset: 0, is_bot: false, deleted: false, profile: { real_name: user.realName, display_name: user.name } } };
  },
  'usergroups.users.list': ({ workspace }, body) => {
    const group = workspace.groups[String(body.usergroup ?? '')];
    return group ? { ok: true, users: group.users } : fail('no_such_subteam');
  },
  'files.getUploadURLExternal': ({ workspace, origin }, body) => {
    const id = nextId(workspace, 'F');
    workspace.uploads[id] = { name: String(body.filename ?? 'file') };
    return { ok: true, file_id: id, upload_url: `${origin}/sandbox/upload/${id}` };
  },
  'files.completeUploadExternal': (context, body) => completeUpload(context, body),
};

function completeUpload(context: WebApiContext, body: WebApiBody): WebApiAnswer {
  const { workspace, origin } = context;
  const files: { id: string; title?: string }[] = typeof body.files === 'string' ? JSON.parse(body.files) : (body.files ?? []);
  const done = [];
  for (const file of files) {
    const upload = workspace.uploads[file.id];
    if (!upload?.bytes) return fail('file_not_found');
    const mimetype = upload.name.endsWith('.png') ? 'image/png' : (upload.mimetype ?? 'application/octet-stream');
    workspace.fileBytes[file.id] = { bytes: upload.bytes, mimetype };
    delete workspace.uploads[file.id];
    done.push({ id: file.id, title: file.title ?? upload.name, name: upload.name, mimetype, url: `${origin}/sandbox/files/${file.id}` });
  }
  if (body.channel_id) {
    const answer = postMessage(context, { channel: body.channel_id, thread_ts: body.thread_ts, text: body.initial_comment ?? '' }, { files: done });
    if (!answer.ok) return answer;
  }
  return { ok: true, files: done.map((file) => ({ id: file.id, title: file.title, name: file.name, mimetype: file.mimetype })) };
}

/** Answers one Web API call; an unknown method answers as Slack does. */
export function callWebApi(context: WebApiContext, method: string, body: WebApiBody): WebApiAnswer {
  const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  return handler ? handler(context, body) : fail('unknown_method');
}

export const SANDBOX_WEB_API_METHODS = Object.keys(METHODS);
