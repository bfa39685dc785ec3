import { describe, expect, it } from 'vitest';
import { respondTo } from './sandbox-interactions.usecases.ts';
import { callWebApi, type WebApiContext } from './sandbox-web-api.usecases.ts';
import { DEMO_CHANNELS, DEMO_USERS, DEMO_WORKSPACE } from './sandbox-demo.config.ts';
import { createWorkspace, describeWorkspaceFor } from './sandbox-workspace.models.ts';

function makeContext(): WebApiContext {
  return { workspace: createWorkspace(DEMO_WORKSPACE), now: () => 1_765_000_000_000, origin: 'http://127.0.0.1:9', triggers: new Map() };
}

const card = { channel: DEMO_CHANNELS.review, text: 'Review needed', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] };

describe('the sandbox Web API', () => {
  it('posts a message, threads a reply under it and updates it in place', () => {
    const context = makeContext();
    const posted = callWebApi(context, 'chat.postMessage', card);
    expect(posted).toMatchObject({ ok: true, channel: DEMO_CHANNELS.review });
    expect(callWebApi(context, 'chat.postMessage', { channel: DEMO_CHANNELS.review, thread_ts: posted.ts, text: 'reply' }).ok).toBe(true);
    expect(callWebApi(context, 'chat.update', { channel: DEMO_CHANNELS.review, ts: posted.ts, text: 'Approved', blocks: [] })).toMatchObject({ ok: true, text: 'Approved' });
    const [first, reply] = context.workspace.messages;
    expect(first).toMatchObject({ text: 'Approved', blocks: [], edited: true });
    expect(reply).toMatchObject({ threadTs: posted.ts, text: 'reply' });
  });

  it('answers with Slack error codes for an unknown channel, message, thread, method or empty post', () => {
    const context = makeContext();
    expect(callWebApi(context, 'chat.postMessage', { ...card, channel: 'C0NOWHERE1' })).toEqual({ ok: false, error: 'channel_not_found' });
    expect(callWebApi(context, 'chat.update', { channel: DEMO_CHANNELS.review, ts: '1.2', text: 'x' })).toEqual({ ok: false, error: 'message_not_found' });
    expect(callWebApi(context, 'chat.postMessage', { ...card, thread_ts: '1.2' })).toEqual({ ok: false, error: 'thread_not_found' });
    expect(callWebApi(context, 'chat.postMessage', { channel: DEMO_CHANNELS.review })).toEqual({ ok: false, error: 'no_text' });
    expect(callWebApi(context, 'chat.unfurl', {})).toEqual({ ok: false, error: 'unknown_method' });
    expect(callWebApi(context, 'constructor', {})).toEqual({ ok: false, error: 'unknown_method' });
    expect(context.workspace.messages).toEqual([]);
  });

  it('opens a modal only with a trigger it handed out, once', () => {
    const context = makeContext();
    const view = { type: 'modal', callback_id: 'review.reject_modal', title: { type: 'plain_text', text: 'Reject' }, blocks: [] };
    expect(callWebApi(context, 'views.open', { trigger_id: 'made-up', view })).toEqual({ ok: false, error: 'invalid_trigger_id' });
    context.triggers.set('t1', DEMO_USERS.reviewer);
    const opened = callWebApi(context, 'views.open', { trigger_id: 't1', view });
    expect(opened).toMatchObject({ ok: true, view: { callback_id: 'review.reject_modal', type: 'modal' } });
    expect(callWebApi(context, 'views.open', { trigger_id: 't1', view })).toEqual({ ok: false, error: 'invalid_trigger_id' });
    expect(describeWorkspaceFor(context.workspace, DEMO_USERS.reviewer).modals).toHaveLength(1);
    expect(describeWorkspaceFor(context.workspace, DEMO_USERS.outsider).modals).toHaveLength(0);
  });

  it('shows an ephemeral message to its user only, and a DM to a user id in that user’s DM', () => {
    const context = makeContext();
    expect(callWebApi(context, 'chat.postEphemeral', { channel: DEMO_CHANNELS.review, user: DEMO_USERS.outsider, text: 'You are not a reviewer' }).ok).toBe(true);
    expect(callWebApi(context, 'chat.postMessage', { channel: DEMO_USERS.manager, text: 'digest' }).ok).toBe(true);
    const outsider = describeWorkspaceFor(context.workspace, DEMO_USERS.outsider);
    const reviewer = describeWorkspaceFor(context.workspace, DEMO_USERS.reviewer);
    expect(outsider.messages.map((m) => m.text)).toEqual(['You are not a reviewer']);
    expect(reviewer.messages).toEqual([]);
    expect(describeWorkspaceFor(context.workspace, DEMO_USERS.manager).channels.filter((c) => c.kind === 'dm')).toHaveLength(1);
  });

  it('creates an incident channel once per name and invites only known users', () => {
    const context = makeContext();
    const created = callWebApi(context, 'conversations.create', { name: 'inc-20261207-aws-key' });
    expect(created).toMatchObject({ ok: true, channel: { name: 'inc-20261207-aws-key' } });
    expect(callWebApi(context, 'conversations.create', { name: 'inc-20261207-aws-key' })).toEqual({ ok: false, error: 'name_taken' });
    expect(callWebApi(context, 'conversations.create', { name: 'Has Spaces' })).toEqual({ ok: false, error: 'invalid_name_specials' });
    const id = (created.channel as { id: string }).id;
    expect(callWebApi(context, 'conversations.invite', { channel: id, users: `${DEMO_USERS.oncall},U0NOBODY01` })).toEqual({ ok: false, error: 'user_not_found' });
    expect(callWebApi(context, 'conversations.invite', { channel: id, users: DEMO_USERS.oncall }).ok).toBe(true);
  });

  it('lists user-group members as configured, and refuses an unknown group', () => {
    const context = makeContext();
    expect(callWebApi(context, 'usergroups.users.list', { usergroup: 'S0SBXREVIEW' })).toEqual({ ok: true, users: [DEMO_USERS.reviewer] });
    expect(callWebApi(context, 'usergroups.users.list', { usergroup: 'S0UNKNOWN1' })).toEqual({ ok: false, error: 'no_such_subteam' });
  });

  it('completes an upload only after its bytes arrived, and shares it into the thread', () => {
    const context = makeContext();
    const parent = callWebApi(context, 'chat.postMessage', card);
    const url = callWebApi(context, 'files.getUploadURLExternal', { filename: 'chart.png', length: 3 });
    const fileId = String(url.file_id);
    expect(callWebApi(context, 'files.completeUploadExternal', { files: [{ id: fileId }], channel_id: DEMO_CHANNELS.review })).toEqual({ ok: false, error: 'file_not_found' });
    context.workspace.uploads[fileId]!.bytes = Buffer.from([1, 2, 3]);
    expect(callWebApi(context, 'files.completeUploadExternal', { files: [{ id: fileId, title: 'Trend' }], channel_id: DEMO_CHANNELS.review, thread_ts: parent.ts }).ok).toBe(true);
    expect(context.workspace.messages.at(-1)).toMatchObject({ threadTs: parent.ts, files: [{ id: fileId, title: 'Trend', mimetype: 'image/png' }] });
  });
});

describe('a response_url reply', () => {
  it('replaces the original card, posts in channel, or is shown to the clicking user only (the default)', () => {
    const context = makeContext();
    const posted = callWebApi(context, 'chat.postMessage', card);
    const target = { user: DEMO_USERS.reviewer, channel: DEMO_CHANNELS.review, messageTs: String(posted.ts) };
    respondTo(context, target, { text: 'Only you', response_type: 'ephemeral' });
    respondTo(context, target, { text: 'Replaced', replace_original: true });
    respondTo(context, target, { text: 'Everyone', response_type: 'in_channel' });
    const messages = context.workspace.messages.map((m) => ({ text: m.text, visibleTo: m.visibleTo }));
    expect(messages).toEqual([{ text: 'Replaced', visibleTo: undefined }, { text: 'Only you', visibleTo: DEMO_USERS.reviewer }, { text: 'Everyone', visibleTo: undefined }]);
  });
});
