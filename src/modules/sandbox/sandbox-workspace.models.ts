// The sandbox's pretend Slack workspace, in memory: who is in it, its channels, the
// messages Vigil posted (threads and ephemerals too) and the views each user has open.
// Every change bumps `version`, which the page long-polls to redraw.

export interface SandboxUser {
  id: string;
  name: string;
  realName: string;
  /** What this person is in the demo: shown in the "act as" menu. */
  title: string;
}

export interface SandboxChannel {
  id: string;
  name: string;
  kind: 'channel' | 'dm';
  /** For a DM: the user it is with. */
  user?: string;
  members: string[];
  topic?: string;
  createdBy?: string;
}

export interface SandboxFile {
  id: string;
  title: string;
  name: string;
  mimetype: string;
  /** Where the page fetches the bytes. */
  url: string;
}

export interface SandboxMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  /** Set on a bot message; a user's own message (a typed command) has `user`. */
  botId?: string;
  user?: string;
  text: string;
  blocks: unknown[];
  files?: SandboxFile[];
  /** Only this user sees it (chat.postEphemeral, response_url replies). */
  visibleTo?: string;
  edited?: boolean;
  /** chat.scheduleMessage: when Slack would have posted it (the sandbox posts at once). */
  scheduledFor?: number;
}

export interface SandboxView {
  id: string;
  user: string;
  type: 'modal' | 'home';
  view: Record<string, any>;
  hash: string;
  /** Field errors from a `response_action: errors` answer, keyed by block id. */
  errors?: Record<string, string>;
}

export interface SandboxWorkspace {
  team: { id: string; domain: string; name: string };
  bot: { id: string; userId: string; name: string };
  users: SandboxUser[];
  /** User groups (S…) and their members, as usergroups.users.list answers. */
  groups: Record<string, { handle: string; users: string[] }>;
  channels: SandboxChannel[];
  messages: SandboxMessage[];
  /** Each user's stack of open modals, bottom first. */
  modals: Record<string, SandboxView[]>;
  homes: Record<string, SandboxView>;
  /** Files uploaded and not yet completed (files.getUploadURLExternal → upload → complete). */
  uploads: Record<string, { bytes?: Buffer; mimetype?: string; name: string }>;
  fileBytes: Record<string, { bytes: Buffer; mimetype: string }>;
  version: number;
  counter: number;
}

export interface WorkspaceSeed {
  team: SandboxWorkspace['team'];
  bot: SandboxWorkspace['bot'];
  users: SandboxUser[];
  groups: SandboxWorkspace['groups'];
  channels: Pick<SandboxChannel, 'id' | 'name' | 'topic'>[];
}

export function createWorkspace(seed: WorkspaceSeed): SandboxWorkspace {
  const everyone = seed.users.map((user) => user.id);
  return {
    team: seed.team,
    bot: seed.bot,
    users: seed.users,
    groups: seed.groups,
    channels: seed.channels.map((channel) => ({ ...channel, kind: 'channel', members: [...everyone] })),
    messages: [],
    modals: {},
    homes: {},
    uploads: {},
    fileBytes: {},
    version: 0,
    counter: 0,
  };
}

/** Ids and timestamps unique within the workspace; ts sort in posting order, as Slack's do. */
export function nextId(workspace: SandboxWorkspace, prefix: string): string {
  workspace.counter += 1;
  return `${prefix}0SBX${String(workspace.counter).padStart(7, '0')}`;
}

export function nextTs(workspace: SandboxWorkspace, nowMs: number): string {
  workspace.counter += 1;
  return `${Math.floor(nowMs / 1000)}.${String(workspace.counter).padStart(6, '0')}`;
}

export function touch(workspace: SandboxWorkspace): void {
  workspace.version += 1;
}

export function findChannel(workspace: SandboxWorkspace, id: string): SandboxChannel | undefined {
  return workspace.channels.find((channel) => channel.id === id);
}

export function findUser(workspace: SandboxWorkspace, id: string): SandboxUser | undefined {
  return workspace.users.find((user) => user.id === id);
}

/** A DM between the bot and `userId`, opened on first use (conversations.open, or a post to a user id). */
export function openDm(workspace: SandboxWorkspace, userId: string): SandboxChannel {
  const existing = workspace.channels.find((channel) => channel.kind === 'dm' && channel.user === userId);
  if (existing) return existing;
  const channel: SandboxChannel = { id: nextId(workspace, 'D'), name: userId, kind: 'dm', user: userId, members: [userId] };
  workspace.channels.push(channel);
  touch(workspace);
  return channel;
}

export function findMessage(workspace: SandboxWorkspace, channel: string, ts: string): SandboxMessage | undefined {
  return workspace.messages.find((message) => message.channel === channel && message.ts === ts);
}

export function topModal(workspace: SandboxWorkspace, user: string): SandboxView | undefined {
  return workspace.modals[user]?.at(-1);
}

export function findView(workspace: SandboxWorkspace, id: string): SandboxView | undefined {
  for (const stack of Object.values(workspace.modals)) {
    const view = stack.find((candidate) => candidate.id === id);
    if (view) return view;
  }
  return Object.values(workspace.homes).find((home) => home.id === id);
}

/** What the page draws for one user: their ephemerals, modals and Home, nobody else's. */
export function describeWorkspaceFor(workspace: SandboxWorkspace, user: string) {
  const channels = workspace.channels.filter((channel) => channel.kind === 'channel' || channel.user === user);
  const visible = new Set(channels.map((channel) => channel.id));
  return {
    version: workspace.version,
    team: workspace.team,
    bot: workspace.bot,
    users: workspace.users,
    groups: Object.fromEntries(Object.entries(workspace.groups).map(([id, group]) => [id, { handle: group.handle }])),
    channels,
    messages: workspace.messages.filter((message) => visible.has(message.channel) && (message.visibleTo === undefined || message.visibleTo === user)),
    modals: workspace.modals[user] ?? [],
    home: workspace.homes[user] ?? null,
  };
}
