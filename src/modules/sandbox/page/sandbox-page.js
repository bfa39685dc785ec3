import { el, mrkdwn, renderBlocks, textNode } from './render.js';

// The sandbox page: long-polls the workspace, draws the channel or App Home picked in the
// sidebar and the modal on top, and turns every click into POST /sandbox/act as the user
// chosen in "Act as". It keeps no state of its own beyond what is on screen.

const params = new URLSearchParams(location.search);
const view = { user: params.get('as'), place: decodeURIComponent(location.hash.slice(1)) || null, open: new Set(), state: null, modalKey: null };
const root = document.getElementById('app');

async function fetchState(since) {
  const response = await fetch(`/sandbox/state?as=${encodeURIComponent(view.user ?? '')}&since=${since}`);
  if (!response.ok) throw new Error(`state ${response.status}`);
  return response.json();
}

async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || answer.ok === false) toast(`Vigil answered: ${answer.error ?? response.status}${answer.detail ? ` (${answer.detail})` : ''}`);
  return answer;
}

const act = (body) => post('/sandbox/act', { user: view.user, ...body });

function toast(text) {
  const note = el('div', { class: 'toast', role: 'status' }, text);
  document.body.append(note);
  setTimeout(() => note.remove(), 6000);
}

function context(extra = {}) {
  const s = view.state;
  return {
    emoji: s.emoji,
    users: s.users,
    channels: s.channels,
    groups: s.groups,
    confirm: (dialog, run) => showConfirm(dialog, run),
    ...extra,
  };
}

function showConfirm(dialog, run) {
  const ctx = context();
  const close = () => overlay.remove();
  const overlay = el(
    'div',
    { class: 'overlay confirm' },
    el(
      'div',
      { class: 'modal', role: 'alertdialog', 'aria-label': dialog.title?.text ?? 'Confirm' },
      el('div', { class: 'modal-title' }, textNode(dialog.title, ctx)),
      el('div', { class: 'modal-body' }, textNode(dialog.text, ctx, 'div')),
      el('div', { class: 'modal-footer' }, el('button', { class: 'btn', onclick: close }, dialog.deny?.text ?? 'Cancel'), el('button', { class: `btn btn-${dialog.style ?? 'primary'}`, onclick: () => (close(), run()) }, dialog.confirm?.text ?? 'Yes')),
    ),
  );
  document.body.append(overlay);
}

function channelLabel(channel) {
  if (channel.kind === 'dm') return 'Vigil (direct message)';
  return `#${channel.name}`;
}

function renderSidebar() {
  const s = view.state;
  const item = (place, label, count) =>
    el('a', { class: `nav-item ${view.place === place ? 'active' : ''}`, href: `#${place}`, 'data-place': place }, el('span', {}, label), count ? el('span', { class: 'badge' }, String(count)) : null);
  const topLevel = (id) => s.messages.filter((m) => m.channel === id && !m.threadTs).length;
  return el(
    'nav',
    { class: 'sidebar' },
    el('div', { class: 'workspace-name' }, s.team.name),
    el('div', { class: 'nav-heading' }, 'Apps'),
    item('home', 'Vigil — App Home'),
    el('div', { class: 'nav-heading' }, 'Channels'),
    s.channels.filter((c) => c.kind === 'channel').map((c) => item(c.id, `#${c.name}`, topLevel(c.id))),
    el('div', { class: 'nav-heading' }, 'Direct messages'),
    s.channels.filter((c) => c.kind === 'dm').map((c) => item(c.id, channelLabel(c), topLevel(c.id))),
  );
}

function renderTopbar() {
  const s = view.state;
  const select = el(
    'select',
    { id: 'act-as', 'aria-label': 'Act as', onchange: (event) => switchUser(event.target.value) },
    s.users.map((user) => el('option', { value: user.id, selected: user.id === view.user }, `${user.realName} — ${user.title}`)),
  );
  const demo = s.demoActions.map((name) => el('button', { class: 'btn btn-small', 'data-demo': name, onclick: async () => toast((await post(`/sandbox/demo/${name}`)).message ?? 'done') }, DEMO_LABELS[name] ?? name));
  return el('header', { class: 'topbar' }, el('strong', {}, 'Vigil sandbox'), el('span', { class: 'muted' }, 'a local Slack: nothing leaves this machine'), el('label', { class: 'act-as' }, 'Act as ', select), el('span', { class: 'demo-actions' }, demo));
}

const DEMO_LABELS = { digest: 'Send the weekly digest', drift: 'Raise a drift alert', incident: 'Open an incident', burst: 'Send more traffic' };

function switchUser(id) {
  view.user = id;
  const url = new URL(location.href);
  url.searchParams.set('as', id);
  history.replaceState(null, '', url);
  view.modalKey = null;
  restartPolling();
}

function renderMessage(message, ctx, replies) {
  const s = view.state;
  const time = new Date(Number(message.ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const author = message.user ? (s.users.find((u) => u.id === message.user)?.realName ?? message.user) : 'Vigil';
  const onAction = (blockId, actionId, pick) => act({ kind: 'block_action', container: { type: 'message', channel: message.channel, ts: message.ts }, blockId, actionId, ...pick });
  const body = message.blocks?.length ? renderBlocks(message.blocks, { ...ctx, onAction }) : el('div', { class: 'mrkdwn', html: mrkdwn(message.text, ctx) });
  const files = (message.files ?? []).map((file) => (file.mimetype.startsWith('image/') ? el('img', { class: 'file-image', src: file.url, alt: file.title }) : el('a', { href: file.url }, file.title)));
  const node = el(
    'article',
    { class: `message ${message.visibleTo ? 'ephemeral' : ''}`, 'data-ts': message.ts, 'data-channel': message.channel },
    el('div', { class: 'avatar' }, message.user ? author.slice(0, 1) : 'V'),
    el(
      'div',
      { class: 'message-main' },
      el('div', { class: 'message-meta' }, el('strong', {}, author), message.user ? null : el('span', { class: 'app-badge' }, 'APP'), el('span', { class: 'muted' }, time), message.edited ? el('span', { class: 'muted' }, '(edited)') : null),
      message.visibleTo ? el('div', { class: 'muted ephemeral-note' }, 'Only visible to you') : null,
      body,
      files,
    ),
  );
  if (!replies?.length) return node;
  const isOpen = view.open.has(message.ts);
  const toggle = el('button', { class: 'thread-toggle', onclick: () => (isOpen ? view.open.delete(message.ts) : view.open.add(message.ts), draw()) }, `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`);
  const thread = isOpen ? el('div', { class: 'thread' }, replies.map((reply) => renderMessage(reply, ctx))) : null;
  node.querySelector('.message-main').append(toggle);
  return el('div', { class: 'message-group' }, node, thread);
}

function renderChannel(channel) {
  const s = view.state;
  const ctx = context();
  const messages = s.messages.filter((m) => m.channel === channel.id);
  const roots = messages.filter((m) => !m.threadTs);
  const list = el(
    'div',
    { class: 'messages', id: 'messages' },
    roots.length ? roots.map((m) => renderMessage(m, ctx, messages.filter((r) => r.threadTs === m.ts))) : el('p', { class: 'muted empty' }, 'Nothing here yet.'),
  );
  const composer = el('input', { class: 'composer', placeholder: 'Type /vigil help, /vigil status, /vigil incident… and press Enter', 'aria-label': 'Message' });
  composer.addEventListener('keydown', async (event) => {
    if (event.key !== 'Enter' || !composer.value.trim()) return;
    const text = composer.value.trim();
    if (!text.startsWith('/')) return toast('The sandbox sends slash commands only (e.g. /vigil status).');
    composer.value = '';
    await act({ kind: 'command', channel: channel.id, text });
  });
  return el('main', { class: 'pane' }, el('div', { class: 'pane-header' }, el('h1', {}, channelLabel(channel)), channel.topic ? el('span', { class: 'muted' }, channel.topic) : null), list, composer);
}

function renderHome() {
  const s = view.state;
  const ctx = context({ onAction: (blockId, actionId, pick) => act({ kind: 'block_action', container: { type: 'view', viewId: s.home.id }, blockId, actionId, ...pick }) });
  const content = s.home ? renderBlocks(s.home.view.blocks, ctx) : el('p', { class: 'muted empty' }, 'Opening App Home…');
  return el('main', { class: 'pane' }, el('div', { class: 'pane-header' }, el('h1', {}, 'Vigil'), el('span', { class: 'muted' }, 'App Home')), el('div', { class: 'home' }, content));
}

function renderModal() {
  const s = view.state;
  const top = s.modals.at(-1);
  const existing = document.querySelector('.overlay.modal-layer');
  const key = top ? `${top.id}:${top.hash}:${JSON.stringify(top.errors ?? {})}` : null;
  if (key === view.modalKey && (existing || !top)) return;
  view.modalKey = key;
  existing?.remove();
  if (!top) return;
  const inputs = [];
  const stateOf = () => {
    const state = {};
    for (const input of inputs) state[input.blockId] = { ...state[input.blockId], [input.actionId]: { type: input.type, ...input.read() } };
    return state;
  };
  const ctx = context({ inputs, errors: top.errors, onAction: (blockId, actionId, pick) => act({ kind: 'block_action', container: { type: 'view', viewId: top.id }, blockId, actionId, state: stateOf(), ...pick }) });
  const submit = () => act({ kind: 'view_submission', viewId: top.id, state: stateOf() });
  const close = () => act({ kind: 'view_closed', viewId: top.id });
  const dialog = el(
    'div',
    { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-label': top.view.title?.text ?? 'Modal', 'data-callback-id': top.view.callback_id },
    el('div', { class: 'modal-title' }, textNode(top.view.title, ctx), el('button', { class: 'modal-x', 'aria-label': 'Close', onclick: close }, '×')),
    el('div', { class: 'modal-body' }, renderBlocks(top.view.blocks, ctx)),
    el('div', { class: 'modal-footer' }, el('button', { class: 'btn', onclick: close }, top.view.close?.text ?? 'Cancel'), top.view.submit ? el('button', { class: 'btn btn-primary', onclick: submit }, top.view.submit.text) : null),
  );
  document.body.append(el('div', { class: 'overlay modal-layer' }, dialog));
}

function draw() {
  const s = view.state;
  if (!s) return;
  const place = view.place === 'home' ? null : s.channels.find((c) => c.id === view.place);
  const list = document.getElementById('messages');
  const atBottom = !list || list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  root.replaceChildren(renderTopbar(), el('div', { class: 'layout' }, renderSidebar(), view.place === 'home' ? renderHome() : renderChannel(place ?? s.channels[0])));
  const next = document.getElementById('messages');
  if (next) next.scrollTop = atBottom ? next.scrollHeight : (list?.scrollTop ?? 0);
  renderModal();
}

let generation = 0;
async function poll(mine) {
  let since = -1;
  while (mine === generation) {
    try {
      const state = await fetchState(since);
      if (mine !== generation) return;
      view.state = state;
      view.user ??= state.users[0].id;
      view.place ??= state.channels[0]?.id;
      since = state.version;
      draw();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function restartPolling() {
  generation += 1;
  void poll(generation);
  if (view.place === 'home') void act({ kind: 'home_opened' });
}

window.addEventListener('hashchange', () => {
  view.place = decodeURIComponent(location.hash.slice(1)) || null;
  if (view.place === 'home') void act({ kind: 'home_opened' });
  draw();
});
document.addEventListener('click', (event) => {
  if (!event.target.closest('.overflow-wrap')) for (const menu of document.querySelectorAll('.overflow-menu')) menu.hidden = true;
});
restartPolling();
