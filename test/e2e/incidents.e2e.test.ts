import { LogLevel, WebClient } from '@slack/web-api';
import type { FastifyInstance } from 'fastify';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/platform/config.ts';
import { openDatabase, runMigrations } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMetricsRegistry } from '../../src/platform/metrics.ts';
import { buildServer } from '../../src/platform/server.ts';
import { createSlackApp, mountSlackReceiver, type SlackAppHandle } from '../../src/app/slack-app.ts';
import type { Flag } from '../../src/modules/checks/checks.models.ts';
import { createIncidentsModule, type IncidentsModule } from '../../src/modules/incidents/incidents.module.ts';
import { INCIDENT_ACTIONS, INCIDENT_INPUTS, INCIDENT_VIEWS } from '../../src/modules/incidents/incidents.actions.ts';
import { buildEscalateModal } from '../../src/modules/incidents/incidents-modals.blocks.ts';
import { buildEscalationPrefill } from '../../src/modules/incidents/incidents-evidence.blocks.ts';
import { createOutboxMetrics } from '../../src/modules/outbox/outbox.metrics.ts';
import { createOutboxRepository } from '../../src/modules/outbox/outbox.repository.ts';
import { OUTBOX_WEB_CLIENT_OPTIONS } from '../../src/modules/outbox/outbox-senders.worker.ts';
import { createOutboxWorker, type OutboxWorker } from '../../src/modules/outbox/outbox.worker.ts';
import { createReviewCard } from '../../src/modules/review/review.test-utils.ts';
import { sourcesFileSchema } from '../../src/modules/sources/sources.config.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackCall } from './fake-slack-api.ts';
import { readSlackFixture, sendSlackRequest } from './slack-signing.ts';

// Incidents end to end on loopback: signed Slack requests → Fastify → Bolt → incident
// listeners → SQLite + outbox → a real WebClient against the fake Slack Web API, and the
// outbox's webhook sender against PagerDuty (nock, on a custom PAGERDUTY_EVENTS_URL).
// The review and releases modules are faked at the function interfaces incidents declares.

const SECRET = 'test-signing-secret';
const BOT = { botId: 'B07RVW67890', botUserId: 'U07RVWBOT01' };
const PD_ORIGIN = 'https://pd.vigil-test.example';
const PD_URL = `${PD_ORIGIN}/v2/enqueue`;
const PD_KEY = 'R0UTINGKEY0123456789ABCDEFGHIJKL';
const REPORTER = 'U04QREVR001';
const ONCALL = 'U07ONCALL02';
const GROUP_MEMBER = 'U07GROUPM03';
const APPROVER = 'U07APPROVE1';
const LEAKED = 'AKIAIOSFODNN7EXAMPLE';
const CARD = { channel: 'C07REVQUEUE', ts: '1730000000.123456' };
const PERMALINK = 'https://acme-review.slack.com/archives/C07REVQUEUE/p1730000000123456';

const output = `Sure! The deploy key is ${LEAKED}, keep it safe.`;
const card = createReviewCard({
  itemId: 'rev_01KBXK5M2N3P4Q5R6S7T8V9W0X',
  priority: 'critical',
  output,
  detections: [{ detector: 'secrets', kind: 'aws_access_key', severity: 'critical', field: 'output', evidence: 'AKIA…MPLE', start: output.indexOf(LEAKED), end: output.indexOf(LEAKED) + LEAKED.length }],
});

interface PagerDutyEventSeen {
  routing_key: string;
  event_action: string;
  dedup_key: string;
  payload?: { summary: string; source: string; severity: string; component?: string; custom_details: Record<string, unknown> };
  links?: Array<{ href: string; text?: string }>;
}

/** PagerDuty on nock: every event is recorded; `next` resolves on the matching one, already seen or still to come. */
function mockPagerDuty() {
  const seen: PagerDutyEventSeen[] = [];
  let waiters: Array<{ match(e: PagerDutyEventSeen): boolean; resolve(e: PagerDutyEventSeen): void }> = [];
  nock(PD_ORIGIN)
    .persist()
    .post('/v2/enqueue')
    .reply(202, (_uri, body) => {
      const event = body as PagerDutyEventSeen;
      seen.push(event);
      waiters = waiters.filter((w) => (w.match(event) ? (w.resolve(event), false) : true));
      return { status: 'success', message: 'Event processed', dedup_key: event.dedup_key };
    });
  return {
    seen,
    next(dedupKey: string, action: string, timeoutMs = 4000): Promise<PagerDutyEventSeen> {
      const match = (e: PagerDutyEventSeen) => e.dedup_key === dedupKey && e.event_action === action;
      const already = seen.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`PagerDuty: no ${action} for ${dedupKey} (saw ${seen.map((e) => e.event_action).join(', ') || 'nothing'})`)), timeoutMs);
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
  };
}

describe('incidents through Slack, the outbox and PagerDuty', () => {
  let fake: FakeSlackApi;
  let http: FastifyInstance;
  let url: string;
  let slack: SlackAppHandle;
  let worker: OutboxWorker;
  let incidents: IncidentsModule;
  let pagerDuty: ReturnType<typeof mockPagerDuty>;
  const rollbacks: string[] = [];
  const logLines: string[] = [];
  const database = openDatabase({ url: ':memory:' });

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    pagerDuty = mockPagerDuty();
    fake = await startFakeSlackApi();
    await runMigrations(database);
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
    const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, PAGERDUTY_EVENTS_URL: PD_URL, VIGIL_TIMEZONE: 'UTC' });
    const handle = createSlackApp({ env, logger, botIdentity: BOT, processBeforeResponse: true, clientOptions: { retryConfig: { retries: 0 } } });
    if (handle?.mode !== 'http') throw new Error('expected an HTTP-mode Slack app');
    slack = handle;
    const sources = sourcesFileSchema.parse({
      sources: {
        'support-bot': {
          incidents: {
            pagerduty_routing_key_env: 'SUPPORT_BOT_PD_KEY',
            oncall_group: 'S07ONCALL01',
            oncall_users: [ONCALL],
            auto_rules: [{ name: 'aws-key-leak', when: { check: 'secrets', kind: 'aws_access_key' }, severity: 'SEV1', window_minutes: 30 }],
          },
        },
      },
    });
    incidents = createIncidentsModule({
      db: database.db,
      sources,
      env,
      secrets: { SUPPORT_BOT_PD_KEY: PD_KEY },
      clock: systemClock,
      logger,
      slackClient: slack.app.client,
      notifyOutbox: () => worker.notify(),
      loadEvidence: async (itemId) => (itemId === card.itemId ? { source: card.source, card, ...CARD } : null),
      rollbackRelease: async ({ actor }) => (rollbacks.push(actor), { fromRelease: 'r2024.10.3', toRelease: 'r2024.10.2', version: 9 }),
      isApprover: async (_source, userId) => userId === APPROVER,
      isReviewer: async (_source, userId) => [REPORTER, APPROVER, ONCALL].includes(userId),
    });
    const repository = createOutboxRepository({ db: database.db, clock: systemClock });
    worker = createOutboxWorker({
      repository,
      slackClient: new WebClient('xoxb-test', { ...OUTBOX_WEB_CLIENT_OPTIONS, slackApiUrl: fake.url, timeout: 2000, logLevel: LogLevel.ERROR }),
      fetch: incidents.wrapOutboxFetch((input, init) => globalThis.fetch(input, init)),
      clock: systemClock,
      logger,
      metrics: createOutboxMetrics(createMetricsRegistry({ collectDefaults: false }), { repository, clock: systemClock }),
      retryPolicy: { baseMs: 20, capMs: 200, maxAttempts: 5, maxAgeMs: 60_000 },
      pollMs: 100,
    });
    incidents.registerSlackHandlers(slack.app);
    incidents.registerOutboxHooks(worker);
    worker.start();

    http = buildServer({ logger, registry: createMetricsRegistry({ collectDefaults: false }) });
    await mountSlackReceiver(http, slack.receiver);
    await slack.start();
    url = await http.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await worker.stop();
    await slack.stop();
    await http.close();
    await fake.close();
    await database.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const submitView = (view: Record<string, unknown>, user = REPORTER) => {
    const payload = readSlackFixture('view_submission.reject_reason.adapted.json');
    payload.user.id = user;
    payload.view = { ...payload.view, ...view };
    return sendSlackRequest(url, 'interaction', payload, SECRET);
  };

  const click = (actionId: string, value: string, where: { channel: string; ts: string }, user: string, responseUrl = fake.responseUrl()) => {
    const payload = readSlackFixture('block_actions.button_approve.adapted.json');
    payload.user.id = user;
    payload.channel = { id: where.channel, name: 'inc' };
    payload.container = { type: 'message', message_ts: where.ts, channel_id: where.channel, is_ephemeral: false };
    payload.message = { ...payload.message, ts: where.ts };
    payload.response_url = responseUrl;
    payload.actions = [{ action_id: actionId, block_id: 'incident.x.actions', type: 'button', value, text: { type: 'plain_text', text: 'x' }, action_ts: '1730000999.000001' }];
    return sendSlackRequest(url, 'interaction', payload, SECRET);
  };

  const inChannel = (channel: string, predicate: (call: FakeSlackCall) => boolean = () => true) => (call: FakeSlackCall) => call.body.channel === channel && predicate(call);

  it('escalates from the modal: channel, invitations, redacted evidence, incident message, link back and a PagerDuty trigger', async () => {
    fake.respondTo('usergroups.users.list', () => ({ ok: true, users: [GROUP_MEMBER, ONCALL] }));
    fake.respondTo('chat.getPermalink', (body) => ({ ok: true, channel: body.channel, permalink: PERMALINK }));
    const modal = buildEscalateModal(buildEscalationPrefill(card, CARD.channel));
    const state = {
      values: {
        [INCIDENT_INPUTS.severity.blockId]: { [INCIDENT_INPUTS.severity.actionId]: { type: 'static_select', selected_option: { value: 'SEV1' } } },
        [INCIDENT_INPUTS.title.blockId]: { [INCIDENT_INPUTS.title.actionId]: { type: 'plain_text_input', value: 'Support bot hands out an AWS key' } },
        [INCIDENT_INPUTS.summary.blockId]: { [INCIDENT_INPUTS.summary.actionId]: { type: 'plain_text_input', value: 'Seen in a refund answer. <!channel>' } },
      },
    };
    const { status } = await submitView({ id: 'V0ESCALATE1', callback_id: INCIDENT_VIEWS.escalate, private_metadata: modal.private_metadata, state });
    expect(status).toBe(200);

    const created = await fake.waitFor('conversations.create');
    const [incident] = await incidents.repository.listUnresolved('support-bot');
    expect(incident).toMatchObject({ severity: 'SEV1', reporter: REPORTER, itemId: card.itemId, status: 'open', itemLink: PERMALINK });
    expect(created.body.name).toBe(incident!.channelName);
    expect(created.body.name).toMatch(/^inc-\d{8}-support-bot-hands-out-an-aws-key$/);
    const channel = (await fake.waitFor('conversations.invite')).body.channel as string;
    expect(fake.lastCall('conversations.invite')?.body).toMatchObject({ users: `${REPORTER},${ONCALL},${GROUP_MEMBER}`, force: 'true' });

    // The status message (what, how bad, who, buttons) comes first; the evidence in its thread.
    const message = await fake.waitFor('chat.postMessage', inChannel(channel, (call) => String(call.body.text).startsWith('SEV1 incident')));
    expect(JSON.stringify(message.body.blocks)).toContain(INCIDENT_ACTIONS.acknowledge);
    const evidence = await fake.waitFor('chat.postMessage', inChannel(channel, (call) => String(call.body.text).startsWith('Evidence')));
    expect(JSON.stringify(evidence.body)).toContain('[redacted aws_access_key]');
    const inChannelPosts = fake.calls('chat.postMessage').filter((call) => call.body.channel === channel);
    expect(inChannelPosts.indexOf(message)).toBeLessThan(inChannelPosts.indexOf(evidence));
    expect(evidence.body.thread_ts).toEqual(expect.any(String));
    expect(evidence.body.thread_ts).toBe((await incidents.repository.findIncident(incident!.id))?.messageTs);
    expect(JSON.stringify(message.body.blocks)).toContain('&lt;!channel&gt;');
    const linkBack = await fake.waitFor('chat.postMessage', (call) => call.body.channel === CARD.channel && call.body.thread_ts === CARD.ts);
    expect(JSON.stringify(linkBack.body)).toContain(`<#${channel}>`);
    for (const call of fake.calls()) expect(JSON.stringify(call.body)).not.toContain(LEAKED);

    const trigger = await pagerDuty.next(incident!.id, 'trigger');
    expect(trigger).toMatchObject({
      routing_key: PD_KEY,
      dedup_key: incident!.id,
      payload: { summary: '[SEV1] support-bot: Support bot hands out an AWS key', source: 'support-bot', severity: 'critical', component: 'r2024.10.3' },
      links: [{ href: PERMALINK, text: 'Review card in Slack' }],
    });
    expect(trigger.payload?.custom_details).toMatchObject({ incident_id: incident!.id, item_id: card.itemId, item_link: PERMALINK, reporter: REPORTER });
    expect(JSON.stringify(trigger)).not.toContain(LEAKED);
    expect(logLines.join('\n')).not.toContain(PD_KEY);
  });

  it('mirrors an acknowledge click to PagerDuty, updates the message in place, and refuses a second one to the clicker only', async () => {
    const [incident] = await incidents.repository.listUnresolved('support-bot');
    // The message's ts is stored by the outbox's delivery hook of the post.
    await expect.poll(async () => (await incidents.repository.findIncident(incident!.id))?.messageTs).toBeTruthy();
    const where = { channel: incident!.channelId!, ts: (await incidents.repository.findIncident(incident!.id))!.messageTs! };

    const { status } = await click(INCIDENT_ACTIONS.acknowledge, incident!.id, where, ONCALL);
    expect(status).toBe(200);
    expect(await incidents.repository.findIncident(incident!.id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: ONCALL });
    const update = await fake.waitFor('chat.update', (call) => call.body.channel === where.channel && call.body.ts === where.ts);
    expect(JSON.stringify(update.body.blocks)).toContain('to acknowledge');
    expect(JSON.stringify(update.body.blocks)).not.toContain(INCIDENT_ACTIONS.acknowledge);
    expect(await pagerDuty.next(incident!.id, 'acknowledge')).toEqual({ routing_key: PD_KEY, event_action: 'acknowledge', dedup_key: incident!.id });

    const responseUrl = fake.responseUrl('second-ack');
    await click(INCIDENT_ACTIONS.acknowledge, incident!.id, where, REPORTER, responseUrl);
    const reply = await fake.waitFor('response_url', (call) => call.body.path === '/respond/second-ack');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: `:warning: Incident ${incident!.id} is already acknowledged.` });
  });

  it('posts an update from the modal into the channel and onto the incident message', async () => {
    const [incident] = await incidents.repository.listUnresolved('support-bot');
    const where = { channel: incident!.channelId!, ts: incident!.messageTs! };
    await click(INCIDENT_ACTIONS.postUpdate, incident!.id, where, ONCALL);
    const opened = await fake.waitFor('views.open', (call) => call.body.view.callback_id === INCIDENT_VIEWS.update);
    const empty = { [INCIDENT_INPUTS.update.blockId]: { [INCIDENT_INPUTS.update.actionId]: { type: 'plain_text_input', value: '   ' } } };
    const refused = await submitView({ id: 'V0UPDATE001', callback_id: INCIDENT_VIEWS.update, private_metadata: opened.body.view.private_metadata, state: { values: empty } }, ONCALL);
    expect(refused.body).toEqual({ response_action: 'errors', errors: { [INCIDENT_INPUTS.update.blockId]: 'write the update' } });
    const text = { [INCIDENT_INPUTS.update.blockId]: { [INCIDENT_INPUTS.update.actionId]: { type: 'plain_text_input', value: 'Key revoked in AWS; checking CloudTrail.' } } };
    const { status, body } = await submitView({ id: 'V0UPDATE001', callback_id: INCIDENT_VIEWS.update, private_metadata: opened.body.view.private_metadata, state: { values: text } }, ONCALL);
    expect([status, body]).toEqual([200, '']);
    await fake.waitFor('chat.postMessage', inChannel(where.channel, (call) => JSON.stringify(call.body).includes('Key revoked in AWS; checking CloudTrail.')));
    await fake.waitFor('chat.update', (call) => call.body.ts === where.ts && JSON.stringify(call.body.blocks).includes('*Latest update*'));
    expect((await incidents.repository.listTimeline(incident!.id)).at(-1)).toMatchObject({ kind: 'update', actor: ONCALL, text: 'Key revoked in AWS; checking CloudTrail.' });
  });

  it('refuses Roll back to a non-approver and runs it for an approver', async () => {
    const [incident] = await incidents.repository.listUnresolved('support-bot');
    const where = { channel: incident!.channelId!, ts: incident!.messageTs! };
    await click(INCIDENT_ACTIONS.rollback, incident!.id, where, ONCALL, fake.responseUrl('refused-rollback'));
    const refusal = await fake.waitFor('response_url', (call) => call.body.path === '/respond/refused-rollback');
    expect(refusal.body.text).toContain('Only approvers of support-bot can roll a release back.');
    await click(INCIDENT_ACTIONS.rollback, incident!.id, where, APPROVER);
    expect(rollbacks).toEqual([`slack:${APPROVER}`]);
    await fake.waitFor('chat.postMessage', inChannel(where.channel, (call) => JSON.stringify(call.body).includes('r2024.10.3 → r2024.10.2')));
  });

  it('resolves from the modal: PagerDuty resolve, the message without buttons, and both clocks recorded', async () => {
    const [incident] = await incidents.repository.listUnresolved('support-bot');
    const where = { channel: incident!.channelId!, ts: incident!.messageTs! };
    await click(INCIDENT_ACTIONS.resolve, incident!.id, where, ONCALL);
    const opened = await fake.waitFor('views.open', (call) => call.body.view.callback_id === INCIDENT_VIEWS.resolve);
    const resolution = { [INCIDENT_INPUTS.resolution.blockId]: { [INCIDENT_INPUTS.resolution.actionId]: { type: 'plain_text_input', value: 'Key rotated, prompt fixed.' } } };
    const { status } = await submitView({ id: 'V0RESOLVE01', callback_id: INCIDENT_VIEWS.resolve, private_metadata: opened.body.view.private_metadata, state: { values: resolution } }, ONCALL);
    expect(status).toBe(200);

    const resolved = (await incidents.repository.findIncident(incident!.id))!;
    expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: ONCALL, resolution: 'Key rotated, prompt fixed.' });
    expect(resolved.acknowledgedAt! - resolved.openedAt).toBeGreaterThanOrEqual(0);
    expect(resolved.resolvedAt! - resolved.openedAt).toBeGreaterThanOrEqual(resolved.acknowledgedAt! - resolved.openedAt);
    expect(await pagerDuty.next(incident!.id, 'resolve')).toEqual({ routing_key: PD_KEY, event_action: 'resolve', dedup_key: incident!.id });
    const final = await fake.waitFor('chat.update', (call) => call.body.ts === where.ts && String(call.body.text).includes('(resolved)'));
    expect(JSON.stringify(final.body.blocks)).not.toContain('"actions"');
    expect((await incidents.repository.listTimeline(incident!.id)).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['opened', 'channel_created', 'paged', 'acknowledged', 'rollback', 'resolved']),
    );

    const late = await submitView({ id: 'V0RESOLVE02', callback_id: INCIDENT_VIEWS.resolve, private_metadata: opened.body.view.private_metadata, state: { values: resolution } }, ONCALL);
    expect(late.body).toEqual({ response_action: 'errors', errors: { [INCIDENT_INPUTS.resolution.blockId]: `Incident ${incident!.id} is already resolved.` } });
  });

  it('opens one automatic incident per rule window for a burst of leaked keys, and retries a taken channel name', async () => {
    fake.failNext('conversations.create', { error: 'name_taken' });
    const leak: Flag = { check: 'secrets', origin: 'detector', kind: 'aws_access_key', severity: 'critical', score: 0.99 };
    const now = Date.now();
    const burst = await Promise.all([0, 1, 2].map((i) => incidents.openAutoIncidents('support-bot', [leak], now + i * 1000, { itemId: card.itemId })));
    const opened = burst.flat();
    expect(opened).toHaveLength(1);
    const [auto] = opened;
    expect(auto).toMatchObject({ severity: 'SEV1', autoRule: 'aws-key-leak', reporter: 'system' });
    expect(await incidents.openAutoIncidents('support-bot', [leak], now + 29 * 60_000)).toEqual([]);

    const trigger = await pagerDuty.next(auto!.id, 'trigger');
    expect(trigger.payload).toMatchObject({ severity: 'critical', source: 'support-bot' });
    const retried = await fake.waitFor('conversations.create', (call) => call.ok && String(call.body.name).endsWith('-2'));
    expect(retried.body.name).toBe(`${fake.calls('conversations.create').at(-2)?.body.name}-2`);
    await expect.poll(async () => (await incidents.repository.findIncident(auto!.id))?.channelId).toBeTruthy();
    expect((await incidents.repository.listTimeline(auto!.id)).map((e) => e.kind)).toEqual(expect.arrayContaining(['opened', 'channel_name_taken', 'channel_created']));
    expect(pagerDuty.seen.filter((e) => e.event_action === 'trigger').map((e) => e.dedup_key)).toEqual([expect.not.stringMatching(auto!.id), auto!.id]);
  });
});
