import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createVigilApp, type VigilApp } from '../../src/app/vigil-app.ts';
import { systemClock, type Clock } from '../../src/shared/clock.ts';
import { createSeededRandom } from '../../src/shared/random.ts';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackCall } from '../e2e/fake-slack-api.ts';
import { readSlackFixture, readSlashCommandFixture, sendSlackRequest } from '../e2e/slack-signing.ts';
import { createTempDir } from './temp-dir.ts';
import { queryDatabase } from './query-database.ts';
import { createTestDatabaseUrl, testStore } from '../../src/platform/db.test-utils.ts';
import { createTestApiKey, makeEvent, postEvents } from './test-vigil.ts';

// The real Vigil (Fastify + Bolt + outbox + SQLite file) against a fake Slack Web API, and
// helpers that act as Slack would: clicks are built from the blocks Vigil actually posted.

export const SIGNING_SECRET = 'review-e2e-signing-secret';
export const BOT = { botId: 'B07RVW67890', botUserId: 'U07RVWBOT01' };
export const TEAM = { id: 'T05Q8K2LMNA', domain: 'acme-review' };
export const CHANNEL = 'C07REVQUEUE';
export const USERS = { reviewer: 'U04QREVR001', reviewer2: 'U04QREVR002', groupMember: 'U04QGRPMBR1', approver: 'U04QAPPR001', outsider: 'U09OUTSIDE1' } as const;
export const REVIEWER_GROUP = 'S07REVGRP01';

/** One source whose flagged events always reach CHANNEL: one reviewer for warn, two for critical. */
export function buildReviewConfig(extra: { review?: string; sampling?: string } = {}): string {
  return `
sources:
  support-bot:
    description: review e2e
    review:
      channel: ${CHANNEL}
      reviewers: [${USERS.reviewer}, ${USERS.reviewer2}, ${REVIEWER_GROUP}]
      approvers: [${USERS.approver}]
${extra.review ?? ''}
      sampling:
        baseline_rate: 0
        release_boost: { rate: 0 }
        reviewers_per_item: { default: 1, critical: 2 }
${extra.sampling ?? ''}
`;
}

export interface SlackTestVigil {
  url: string;
  fake: FakeSlackApi;
  app: VigilApp;
  databasePath: string;
  configPath: string;
  key: string;
  post(events: Record<string, unknown>[]): Promise<{ status: number; body: Record<string, any> }>;
  /** The chat.postMessage of a card (not a thread reply) that passes `predicate`. */
  waitForCard(predicate?: (call: FakeSlackCall) => boolean, timeoutMs?: number): Promise<FakeSlackCall>;
  /** The ts the fake gave a posted message. */
  tsOf(call: FakeSlackCall): string;
  click(card: FakeSlackCall, actionId: string, options: { user: string; option?: string; headers?: Record<string, string> }): Promise<{ status: number; body: unknown }>;
  submitReject(modal: FakeSlackCall, options: { user: string; reason: string; dimension?: string; note?: string }): Promise<{ status: number; body: any }>;
  openAppHome(user: string): Promise<{ status: number }>;
  /** Types `/vigil <text>` as `user`: the ack's body, and the response_url name its later reply is recorded under. */
  command(text: string, options: { user: string; channel?: string }): Promise<{ status: number; body: any; responseUrl: string }>;
  /** Submits a modal Vigil opened (a views.open call) with `values` as its state. */
  submitView(modal: FakeSlackCall, options: { user: string; values: Record<string, Record<string, unknown>>; viewId?: string }): Promise<{ status: number; body: any }>;
  api(path: string): Promise<{ status: number; body: any; text: string }>;
  /** Reads the database directly (SQLite's dialect; rewritten for PostgreSQL, see query-database.ts). */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  restart(options?: { clock?: Clock }): Promise<void>;
  /** A second Vigil on the same database file and fake Slack, as another process would be (stopped with this one). */
  startAnother(options?: { clock?: Clock }): Promise<VigilApp & { url: string }>;
  stop(): Promise<void>;
}

/** `prepareSlack` sets the fake's answers before Vigil starts (Vigil reads user groups as it starts). */
export async function startSlackTestVigil(
  options: { configYaml?: string; clock?: Clock; pacePerChannelMs?: number; prepareSlack?: (fake: FakeSlackApi) => void } = {},
): Promise<SlackTestVigil> {
  const fake = await startFakeSlackApi({ pacePerChannelMs: options.pacePerChannelMs });
  options.prepareSlack?.(fake);
  const tsByBody = new WeakMap<object, string>();
  let counter = 0;
  const installResponders = () =>
    fake.respondTo('chat.postMessage', (body) => {
      const ts = `${1_740_000_000 + ++counter}.000200`;
      tsByBody.set(body, ts);
      return { ok: true, channel: body.channel, ts, message: { type: 'message', ts, text: body.text ?? '', blocks: body.blocks ?? [] } };
    });
  installResponders();
  const dir = createTempDir('vigil-review-');
  const configPath = join(dir.path, 'vigil.config.yaml');
  writeFileSync(configPath, options.configYaml ?? buildReviewConfig());
  const postgres = testStore() === 'postgres' ? await createTestDatabaseUrl() : undefined;
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: postgres?.url ?? join(dir.path, 'vigil.db'),
    VIGIL_CONFIG: configPath,
    LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: 'xoxb-review-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
  };
  const boot = async (clock: Clock) => {
    const app = await createVigilApp(parseConfig(env), {
      logger: createLogger({ level: process.env.VIGIL_TEST_LOG ?? 'silent' }),
      clock,
      rng: createSeededRandom(42),
      collectDefaultMetrics: false,
      detectorWorkers: 0,
      slack: { botIdentity: BOT, processBeforeResponse: true, clientOptions: { retryConfig: { retries: 0 } } },
      schedules: false,
    });
    return { app, url: await app.listen() };
  };
  let running = await boot(options.clock ?? systemClock);
  const others: VigilApp[] = [];
  const key = await createTestApiKey(env.DATABASE_URL, { sources: ['support-bot'], scopes: ['ingest', 'read'] });
  let trigger = 0;
  const user = (id: string) => ({ id, username: `user-${id.toLowerCase()}`, name: `user-${id.toLowerCase()}`, team_id: TEAM.id });

  const handle: SlackTestVigil = {
    get url() {
      return running.url;
    },
    get app() {
      return running.app;
    },
    fake,
    databasePath: env.DATABASE_URL,
    configPath,
    key,
    post: (events) => postEvents(running.url, key, { events: events.map((event) => makeEvent(event)) }),
    waitForCard: (predicate = () => true, timeoutMs = 5000) =>
      fake.waitFor('chat.postMessage', (call) => call.ok && isCard(call) && predicate(call), timeoutMs),
    tsOf(call) {
      const ts = tsByBody.get(call.body);
      if (!ts) throw new Error('this call was not answered by the test responder');
      return ts;
    },
    async click(card, actionId, clickOptions) {
      const { element, blockId } = findElement(card.body.blocks, actionId);
      const selected = element.options?.find((o: any) => o.value === clickOptions.option || o.text.text === clickOptions.option);
      if (element.options && !selected) throw new Error(`no option ${clickOptions.option} in ${actionId}`);
      const action = {
        type: element.type,
        action_id: actionId,
        block_id: blockId,
        action_ts: `${Math.floor(Date.now() / 1000)}.000${++trigger}`,
        ...(element.type === 'button' ? { text: element.text, value: element.value, ...(element.style ? { style: element.style } : {}) } : { selected_option: selected }),
      };
      const ts = handle.tsOf(card);
      const payload = {
        type: 'block_actions',
        user: user(clickOptions.user),
        api_app_id: 'A07RVW12345',
        token: 'verification-token',
        container: { type: 'message', message_ts: ts, channel_id: card.body.channel, is_ephemeral: false },
        trigger_id: `7890123456789.5432109876543.trigger${++trigger}`,
        team: TEAM,
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: card.body.channel, name: 'ai-review-queue' },
        message: { type: 'message', ts, bot_id: BOT.botId, text: card.body.text, blocks: card.body.blocks },
        state: { values: {} },
        response_url: fake.responseUrl(),
        actions: [action],
      };
      return sendSlackRequest(running.url, 'interaction', payload, SIGNING_SECRET, { headers: clickOptions.headers });
    },
    async submitReject(modal, submit) {
      const optionOf = (blockId: string, value: string | undefined) => {
        const block = modal.body.view.blocks.find((b: any) => b.block_id === blockId);
        return value === undefined ? null : (block?.element.options.find((o: any) => o.value === value) ?? { text: { type: 'plain_text', text: value }, value });
      };
      const values = {
        reject_reason: { reason_select: { type: 'static_select', selected_option: optionOf('reject_reason', submit.reason) } },
        reject_dimension: { dimension_select: { type: 'static_select', selected_option: optionOf('reject_dimension', submit.dimension) } },
        reject_note: { note_input: { type: 'plain_text_input', value: submit.note ?? null } },
      };
      return handle.submitView(modal, { user: submit.user, values, viewId: 'V07RJCTMDL1' });
    },
    async command(text, commandOptions) {
      const responseUrl = `command-${++trigger}`;
      const fields = readSlashCommandFixture('slash_command.review.adapted.form.txt', {
        command: '/vigil',
        text,
        user_id: commandOptions.user,
        user_name: `user-${commandOptions.user.toLowerCase()}`,
        channel_id: commandOptions.channel ?? CHANNEL,
        response_url: fake.responseUrl(responseUrl),
        trigger_id: `7890123456789.5432109876543.trigger${++trigger}`,
      });
      const response = await sendSlackRequest(running.url, 'command', fields, SIGNING_SECRET);
      return { ...response, responseUrl };
    },
    async submitView(modal, submit) {
      const view = modal.body.view;
      const payload = {
        type: 'view_submission',
        team: TEAM,
        user: user(submit.user),
        api_app_id: 'A07RVW12345',
        token: 'verification-token',
        trigger_id: `7890123456789.5432109876543.trigger${++trigger}`,
        view: { id: submit.viewId ?? `V07MODAL${++trigger}`, team_id: TEAM.id, type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, blocks: view.blocks, state: { values: submit.values }, hash: '1730000300.Qw3rTy12', title: view.title, app_id: 'A07RVW12345', bot_id: BOT.botId },
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      };
      return sendSlackRequest(running.url, 'interaction', payload, SIGNING_SECRET);
    },
    async openAppHome(userId) {
      const envelope = readSlackFixture('app_home_opened.event_callback.adapted.json');
      envelope.event.user = userId;
      envelope.event_id = `Ev${Date.now()}${++trigger}`;
      return sendSlackRequest(running.url, 'event', envelope, SIGNING_SECRET);
    },
    async api(path) {
      const response = await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
      const text = await response.text();
      const isJson = response.headers.get('content-type')?.includes('application/json');
      return { status: response.status, body: isJson ? JSON.parse(text) : text, text };
    },
    query: (sql, ...params) => queryDatabase(env.DATABASE_URL, sql, ...params),
    async startAnother(anotherOptions = {}) {
      const another = await boot(anotherOptions.clock ?? options.clock ?? systemClock);
      others.push(another.app);
      return Object.assign(another.app, { url: another.url });
    },
    async restart(restartOptions = {}) {
      await running.app.stop();
      running = await boot(restartOptions.clock ?? options.clock ?? systemClock);
    },
    async stop() {
      await Promise.all(others.map((other) => other.stop()));
      await running.app.stop();
      await fake.close();
      await postgres?.drop();
      dir.remove();
    },
  };
  return handle;
}

export function findElement(blocks: any[], actionId: string): { element: any; blockId: string } {
  for (const block of blocks ?? []) {
    const elements = block.type === 'actions' ? block.elements : block.accessory ? [block.accessory] : [];
    const element = elements.find((e: any) => e.action_id === actionId);
    if (element) return { element, blockId: block.block_id };
  }
  throw new Error(`no element ${actionId} in the posted blocks`);
}

/** A posted review card (not a thread reply or an admin notice): it carries the Approve button. */
export function isCard(call: FakeSlackCall): boolean {
  return call.body.thread_ts === undefined && JSON.stringify(call.body.blocks ?? []).includes('"review.approve"');
}

/** The item id a card's buttons carry (`approve|rev_…`). */
export function readItemId(card: FakeSlackCall): string {
  return String(findElement(card.body.blocks, 'review.approve').element.value).split('|')[1]!;
}

export { makeEvent };
