import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { DEMO_CHANNELS, DEMO_USERS, DEMO_WORKSPACE } from './sandbox-demo.config.ts';
import { startSandbox, type Sandbox } from './sandbox.module.ts';

// The sandbox server on a loopback port: what the WebClient and the page may send, and
// what it refuses.

describe('the sandbox server', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: DEMO_WORKSPACE, signingSecret: 'sandbox-test-secret', logger: createLogger({ level: 'silent' }) });
  });
  afterAll(() => sandbox.close());

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sandbox.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('listens on loopback only', () => {
    expect(new URL(sandbox.origin).hostname).toBe('127.0.0.1');
  });

  it('answers a Web API call with the bot token, form-encoded as the WebClient sends it, and not_authed without one', async () => {
    const form = new URLSearchParams({ channel: DEMO_CHANNELS.review, text: 'hello', blocks: JSON.stringify([{ type: 'divider' }]) });
    const response = await fetch(`${sandbox.apiUrl}chat.postMessage`, { method: 'POST', headers: { authorization: 'Bearer xoxb-sandbox', 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(await response.json()).toMatchObject({ ok: true, channel: DEMO_CHANNELS.review, message: { blocks: [{ type: 'divider' }] } });
    expect((await post('/api/chat.postMessage', { channel: DEMO_CHANNELS.review, text: 'x' })).body).toEqual({ ok: false, error: 'not_authed' });
  });

  it('refuses a malformed act with the path of what is wrong, and an act on a message that does not exist', async () => {
    const malformed = await post('/sandbox/act', { kind: 'block_action', user: DEMO_USERS.reviewer });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/container/);
    const missing = await post('/sandbox/act', { kind: 'block_action', user: DEMO_USERS.reviewer, container: { type: 'message', channel: DEMO_CHANNELS.review, ts: '1.1' }, blockId: 'b', actionId: 'review.approve' });
    expect(missing).toEqual({ status: 422, body: { ok: false, error: 'message_not_found' } });
  });

  it('says Vigil is not connected yet instead of pretending a command went through', async () => {
    const answer = await post('/sandbox/act', { kind: 'command', user: DEMO_USERS.reviewer, channel: DEMO_CHANNELS.review, text: '/vigil status' });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ ok: false, status: 503 });
  });

  it('serves the page and a state without other users’ ephemeral messages', async () => {
    await post('/api/chat.postEphemeral', { channel: DEMO_CHANNELS.review, user: DEMO_USERS.outsider, text: 'not for Maya', token: 'xoxb-sandbox' });
    const page = await fetch(`${sandbox.origin}/sandbox`);
    expect(await page.text()).toContain('/sandbox/app.js');
    const state = (await (await fetch(`${sandbox.origin}/sandbox/state?as=${DEMO_USERS.reviewer}`)).json()) as { messages: { text: string }[] };
    expect(state.messages.map((m) => m.text)).not.toContain('not for Maya');
  });
});
