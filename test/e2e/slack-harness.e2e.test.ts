import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEnv } from '../../src/platform/config.ts';
import { openDatabase, runMigrations } from '../../src/platform/db.ts';
import { registerHealthRoutes } from '../../src/platform/health.routes.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMetricsRegistry } from '../../src/platform/metrics.ts';
import { buildServer } from '../../src/platform/server.ts';
import { createBoltLogger, createSlackApp, mountSlackReceiver, type SlackAppHandle } from '../../src/app/slack-app.ts';
import { startFakeSlackApi, type FakeSlackApi } from './fake-slack-api.ts';
import { nowSeconds, readSlackFixture, readSlashCommandFixture, sendSlackRequest } from './slack-signing.ts';

// The whole Slack path on loopback: signed requests → Fastify → Bolt's HTTPReceiver →
// listeners → WebClient → the fake Slack API. Later Slack e2e tests follow this setup.

const SECRET = 'test-signing-secret';
const BOT = { botId: 'B07RVW67890', botUserId: 'U07RVWBOT01' };

describe('Slack requests through Fastify and Bolt', () => {
  let fake: FakeSlackApi;
  let http: FastifyInstance;
  let url: string;
  let slack: SlackAppHandle;
  const logLines: Record<string, any>[] = [];
  const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((name) => vi.spyOn(console, name));
  const database = openDatabase({ url: ':memory:' });

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => logLines.push(JSON.parse(line)) } });
    const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url });
    const handle = createSlackApp({ env, logger, botIdentity: BOT, processBeforeResponse: true, clientOptions: { retryConfig: { retries: 0 } } });
    if (handle?.mode !== 'http') throw new Error('expected an HTTP-mode Slack app');
    slack = handle;

    slack.app.command('/vigil', async ({ command, ack, respond }) => {
      await ack({ response_type: 'ephemeral', text: `vigil got "${command.text}"` });
      await respond({ text: `later: ${command.text}` });
    });
    slack.app.action('review_approve', async ({ ack, body, action, client }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button' || !body.channel || !body.message) throw new Error('unexpected payload');
      await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: `Approved: ${action.value}`, blocks: [] });
    });
    slack.app.action('review_reject', async () => {
      throw new Error('listener exploded before ack');
    });

    const registry = createMetricsRegistry({ collectDefaults: false });
    http = buildServer({ logger, registry });
    await runMigrations(database);
    registerHealthRoutes(http, { database, registry, components: { slack: slack.health } });
    http.post('/v1/echo', async (request) => ({ echoed: request.body }));
    await mountSlackReceiver(http, slack.receiver);
    await slack.start();
    url = await http.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await slack.stop();
    await http.close();
    await fake.close();
    await database.close();
  });

  it('runs a signed slash command through the listener and returns its ack body', async () => {
    const fields = readSlashCommandFixture('slash_command.review.adapted.form.txt', {
      command: '/vigil',
      text: 'queue high',
      response_url: fake.responseUrl('cmd-1'),
    });
    const { status, body } = await sendSlackRequest(url, 'command', fields, SECRET);
    expect(status).toBe(200);
    expect(body).toEqual({ response_type: 'ephemeral', text: 'vigil got "queue high"' });
    expect(fake.lastCall('response_url')?.body).toMatchObject({ text: 'later: queue high', path: '/respond/cmd-1' });
  });

  it('runs a signed button click through its listener, which updates the card on the fake Slack', async () => {
    const { status, body } = await sendSlackRequest(url, 'interaction', readSlackFixture('block_actions.button_approve.adapted.json'), SECRET);
    expect(status).toBe(200);
    expect(body).toBe('');
    const update = fake.lastCall('chat.update');
    expect(update?.ok).toBe(true);
    expect(update?.body).toMatchObject({ channel: 'C07REVQUEUE', ts: '1730000000.123456', text: 'Approved: rev_000042', blocks: [] });
    expect(fake.calls('auth.test')).toEqual([]);
  });

  it('answers 500 at once when a listener throws before ack, and logs ids without the payload', async () => {
    const payload = readSlackFixture('block_actions.button_approve.adapted.json');
    payload.actions[0].action_id = 'review_reject';
    const started = Date.now();
    const { status } = await sendSlackRequest(url, 'interaction', payload, SECRET);
    expect(status).toBe(500);
    expect(Date.now() - started).toBeLessThan(2000);
    const line = logLines.find((l) => l.msg === 'slack listener failed');
    expect(line?.slack).toMatchObject({ type: 'block_actions', actionId: 'review_reject', userId: 'U04QREVR001', teamId: 'T05Q8K2LMNA' });
    expect(line?.err.message).toBe('listener exploded before ack');
    expect(JSON.stringify(line)).not.toContain('refund');
  });

  it('refuses a bad signature with 401', async () => {
    const { status, body } = await sendSlackRequest(url, 'interaction', readSlackFixture('block_actions.button_approve.adapted.json'), 'wrong-secret');
    expect(status).toBe(401);
    expect(body).toBe('');
    expect(fake.calls('chat.update')).toEqual([]);
  });

  it('refuses a correctly signed request older than five minutes with 401', async () => {
    const fields = readSlashCommandFixture('slash_command.review.adapted.form.txt', { command: '/vigil' });
    const { status } = await sendSlackRequest(url, 'command', fields, SECRET, { timestampSec: nowSeconds() - 301 });
    expect(status).toBe(401);
  });

  it('answers 400 to a form body labelled with a charset, because Bolt matches the content type exactly', async () => {
    const fields = readSlashCommandFixture('slash_command.review.adapted.form.txt', { command: '/vigil' });
    const { status } = await sendSlackRequest(url, 'command', fields, SECRET, { contentType: 'application/x-www-form-urlencoded; charset=utf-8' });
    expect(status).toBe(400);
  });

  it('answers the url_verification challenge', async () => {
    const challenge = readSlackFixture('url_verification.slack-docs-example.json');
    const { status, body } = await sendSlackRequest(url, 'event', challenge, SECRET);
    expect(status).toBe(200);
    expect(body).toEqual({ challenge: challenge.challenge });
  });

  it('keeps the JSON API and /healthz of the same server working beside the receiver', async () => {
    const echo = await fetch(`${url}/v1/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(echo.status).toBe(200);
    expect(await echo.json()).toEqual({ echoed: { a: 1 } });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { slack: unknown }).slack).toEqual({ status: 'ok', mode: 'http' });
    const form = await fetch(`${url}/v1/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(form.status).toBe(415);
  });

  it('writes Bolt and WebClient logs through pino, never to the console', () => {
    expect(logLines.some((l) => l.ns === 'slack' && /signature mismatch/.test(l.msg))).toBe(true);
    for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
  });
});

describe('Slack start-up without known bot ids', () => {
  let fake: FakeSlackApi;
  const logger = createLogger({ level: 'silent' });
  const env = () => parseEnv({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url });

  beforeAll(async () => {
    fake = await startFakeSlackApi();
  });
  afterEach(() => fake.reset());
  afterAll(async () => fake.close());

  it('calls auth.test once, at start and not at construction', async () => {
    const slack = createSlackApp({ env: env(), logger, clientOptions: { retryConfig: { retries: 0 } } });
    expect(fake.calls('auth.test')).toEqual([]);
    await slack!.start();
    expect(fake.calls('auth.test')).toHaveLength(1);
    expect(slack!.health()).toEqual({ status: 'ok', mode: 'http' });
  });

  it('stops waiting for a slow Slack after startTimeoutMs, reports it starting, and becomes ready later', async () => {
    const release = fake.holdNext('auth.test');
    const slack = createSlackApp({ env: env(), logger, startTimeoutMs: 50, clientOptions: { retryConfig: { retries: 0 } } });
    await slack!.start();
    expect(slack!.health()).toEqual({ status: 'degraded', mode: 'http', lifecycle: 'starting' });
    release();
    await slack!.start();
    expect(slack!.health()).toEqual({ status: 'ok', mode: 'http' });
    expect(fake.calls('auth.test')).toHaveLength(1);
  });

  it('fails start and reports Slack down when the token is refused', async () => {
    fake.failNext('auth.test', { error: 'invalid_auth' });
    const slack = createSlackApp({ env: env(), logger, clientOptions: { retryConfig: { retries: 0 } } });
    await expect(slack!.start()).rejects.toThrow(/invalid_auth/);
    expect(slack!.health()).toMatchObject({ status: 'down', mode: 'http' });
  });
});

describe('the fake Slack Web API', () => {
  let fake: FakeSlackApi;
  const makeClient = (extra: { rejectRateLimitedCalls?: boolean } = {}) =>
    new WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: createBoltLogger(createLogger({ level: 'silent' })), ...extra });

  beforeAll(async () => {
    fake = await startFakeSlackApi({ pacePerChannelMs: 60_000 });
  });
  afterEach(() => fake.reset());
  afterAll(async () => fake.close());

  it('gives each posted message a fresh ts and records the decoded blocks', async () => {
    const client = makeClient();
    const first = await client.chat.postMessage({ channel: 'C1', text: 'one', blocks: [{ type: 'divider' }] });
    const second = await client.chat.postMessage({ channel: 'C2', text: 'two' });
    expect(first.channel).toBe('C1');
    expect(first.ts).not.toBe(second.ts);
    expect(fake.lastCall('chat.postMessage')?.body.text).toBe('two');
    expect(fake.calls('chat.postMessage')[0]?.body.blocks).toEqual([{ type: 'divider' }]);
  });

  it('fails the next calls as programmed, then answers normally', async () => {
    const client = makeClient({ rejectRateLimitedCalls: true });
    fake.failNext('chat.update', { status: 429, retryAfter: 7 });
    fake.failNext('chat.update', { status: 500 });
    fake.failNext('chat.update', { error: 'channel_not_found' }, 2);
    const update = () => client.chat.update({ channel: 'C1', ts: '1.0', text: 'x' });
    await expect(update()).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    await expect(update()).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
    for (let i = 0; i < 2; i++) {
      const error = (await update().catch((e: unknown) => e)) as WebAPIPlatformError;
      expect(error.data.error).toBe('channel_not_found');
    }
    await expect(update()).resolves.toMatchObject({ ok: true, channel: 'C1' });
    expect(fake.calls('chat.update').map((c) => c.status)).toEqual([429, 500, 200, 200, 200]);
    expect(fake.calls('chat.update').map((c) => c.ok)).toEqual([false, false, false, false, true]);
  });

  it('answers 429 with Retry-After when one channel is posted to faster than the pace', async () => {
    const client = makeClient({ rejectRateLimitedCalls: true });
    await client.chat.postMessage({ channel: 'C1', text: 'first' });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'too soon' })).rejects.toMatchObject({ retryAfter: 60 });
    await expect(client.chat.postMessage({ channel: 'C2', text: 'other channel' })).resolves.toMatchObject({ ok: true });
  });

  it('serves the whole files.uploadV2 flow, upload included', async () => {
    const result = (await makeClient().filesUploadV2({ channel_id: 'C1', file: Buffer.from('chart-bytes'), filename: 'chart.png', title: 'Weekly chart' })) as any;
    expect(result.files[0].files[0].id).toMatch(/^F/);
    expect(fake.calls().map((c) => c.method)).toEqual(['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    expect(fake.lastCall('upload')?.body.bytes).toBeGreaterThan('chart-bytes'.length);
    expect(fake.lastCall('files.completeUploadExternal')?.body).toMatchObject({ channel_id: 'C1', files: [{ title: 'Weekly chart' }] });
  });

  it('resolves waitFor on the matching call as it arrives, and rejects with what it saw on timeout', async () => {
    const client = makeClient();
    const waiting = fake.waitFor('chat.postMessage', (call) => call.body.channel === 'C9');
    await client.chat.postMessage({ channel: 'C1', text: 'not this one' });
    await client.chat.postMessage({ channel: 'C9', text: 'this one' });
    expect((await waiting).body.text).toBe('this one');
    await expect(fake.waitFor('views.open', undefined, 50)).rejects.toThrow(/no matching views.open.*chat.postMessage/);
  });

  it('lets a test replace one default answer', async () => {
    fake.respondTo('usergroups.users.list', () => ({ ok: true, users: ['U1', 'U2'] }));
    await expect(makeClient().usergroups.users.list({ usergroup: 'S1' })).resolves.toMatchObject({ users: ['U1', 'U2'] });
    const dm = await makeClient().conversations.open({ users: 'U1' });
    expect((await makeClient().conversations.open({ users: 'U1' })).channel?.id).toBe(dm.channel?.id);
  });
});
