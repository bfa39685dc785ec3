import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/app/config.ts';
import { openDatabase } from '../../src/platform/db.ts';
import { createTestDatabaseUrl, testStore } from '../../src/platform/db.test-utils.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createVigilApp, type VigilApp } from '../../src/app/vigil-app.ts';
import { seedCalibrationSource, seedLabelledItem } from '../../src/modules/calibration/calibration.test-utils.ts';
import { PROMPTS_DIR } from '../../src/modules/checks/checks.module.ts';
import { loadGraderPrompts } from '../../src/modules/checks/graders/grader-prompts.config.ts';
import { createSeededRandom } from '../../src/shared/random.ts';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackCall } from './fake-slack-api.ts';
import { sendSlackRequest } from './slack-signing.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { findElement } from '../helpers/test-vigil-slack.ts';
import { queryDatabase } from '../helpers/query-database.ts';
import { createTestApiKey, makeEvent, postEvents } from '../helpers/test-vigil.ts';

// Threshold proposals end to end: a real Vigil (Fastify + Bolt + outbox + grading queue +
// SQLite file), a fake Slack Web API, and a fake judge on loopback that scores an output by
// the `score=…` it contains. Labels are seeded in the app's database; the proposal card is
// posted through the outbox, and clicks are built from the blocks Vigil actually posted.

const SECRET = 'calibration-e2e-signing-secret';
const BOT = { botId: 'B07CAL12345', botUserId: 'U07CALBOT01' };
const TEAM = { id: 'T05Q8K2LMNA', domain: 'acme-review' };
const PROPOSALS = 'C07CALIBRAT';
const APPROVER = 'U04QAPPR001';
const REVIEWER = 'U04QREVR001';

const CONFIG = `
sources:
  support-bot:
    review:
      channel: C07REVQUEUE
      reviewers: [${REVIEWER}]
      approvers: [${APPROVER}]
      sampling: { baseline_rate: 0, release_boost: { rate: 0 }, uncertainty_band: { rate: 0 } }
    graders: { enabled: [tone], run_on: all }
    calibration: { channel: ${PROPOSALS}, min_labels_per_class: 5, target_recall: 0.9 }
`;

/** An OpenAI-compatible judge that echoes the nonce and answers the score written in the output. */
async function startFakeJudge(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as { messages: { content: string }[] };
      const nonce = /Set "nonce" to exactly ([A-Za-z0-9_-]+)/.exec(body.messages[0]?.content ?? '')?.[1];
      const score = Number(/score=([0-9.]+)/.exec(body.messages[1]?.content ?? '')?.[1] ?? 0);
      const content = JSON.stringify({ nonce, reason: 'judged by the fake', label: score >= 0.5 ? 'violation' : 'ok', score });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion', created: 1_753_190_400, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

describe('threshold proposals in Slack', { timeout: 30_000 }, () => {
  const dir = createTempDir('vigil-calibration-');
  let databasePath = join(dir.path, 'vigil.db');
  let dropDatabase = async () => {};
  let fake: FakeSlackApi;
  let judge: { url: string; server: Server };
  let app: VigilApp;
  let url: string;
  let key: string;
  let trigger = 0;
  const tsByBody = new WeakMap<object, string>();

  beforeAll(async () => {
    if (testStore() === 'postgres') ({ url: databasePath, drop: dropDatabase } = await createTestDatabaseUrl());
  });
  beforeAll(async () => {
    fake = await startFakeSlackApi();
    let counter = 0;
    fake.respondTo('chat.postMessage', (body) => {
      const ts = `${1_750_000_000 + ++counter}.000300`;
      tsByBody.set(body, ts);
      return { ok: true, channel: body.channel, ts, message: { type: 'message', ts, text: body.text ?? '' } };
    });
    judge = await startFakeJudge();
    const configPath = join(dir.path, 'vigil.config.yaml');
    writeFileSync(configPath, CONFIG);
    const env = { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databasePath, VIGIL_CONFIG: configPath, LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: 'xoxb-cal-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: judge.url };
    app = await createVigilApp(parseConfig(env), {
      logger: createLogger({ level: process.env.VIGIL_TEST_LOG ?? 'silent' }),
      rng: createSeededRandom(3),
      collectDefaultMetrics: false,
      detectorWorkers: 0,
      slack: { botIdentity: BOT, processBeforeResponse: true, clientOptions: { retryConfig: { retries: 0 } } },
    });
    url = await app.listen();
    key = await createTestApiKey(databasePath);
    // 10 violations the grader scores 0.9, 2 it scores 0.3 and 10 fine replies at 0.1: recall 0.9 needs 0.3.
    const graderVersion = (await loadGraderPrompts(PROMPTS_DIR)).find((prompt) => prompt.name === 'tone')!.version;
    const seeded = openDatabase({ url: databasePath });
    try {
      await seedCalibrationSource(seeded.db);
      const label = (score: number, violation: boolean) => seedLabelledItem(seeded.db, { score, violation, inclusionProbability: 1, graderVersion });
      for (let i = 0; i < 10; i++) await label(0.9, true);
      for (let i = 0; i < 2; i++) await label(0.3, true);
      for (let i = 0; i < 10; i++) await label(0.1, false);
    } finally {
      await seeded.close();
    }
  });

  afterAll(async () => {
    await dropDatabase();
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
    await new Promise((resolve) => judge.server.close(resolve));
    dir.remove();
  });

  const query = <T>(sql: string, ...params: unknown[]): Promise<T[]> => queryDatabase<T>(databasePath, sql, ...params);

  const isProposalCard = (call: FakeSlackCall) => call.body.channel === PROPOSALS && JSON.stringify(call.body.blocks ?? []).includes('calibration.apply');

  async function click(card: FakeSlackCall, actionId: string, user: string) {
    const { element, blockId } = findElement(card.body.blocks, actionId);
    const ts = tsByBody.get(card.body)!;
    const payload = {
      type: 'block_actions',
      user: { id: user, username: `user-${user.toLowerCase()}`, name: `user-${user.toLowerCase()}`, team_id: TEAM.id },
      api_app_id: 'A07CAL12345',
      token: 'verification-token',
      container: { type: 'message', message_ts: ts, channel_id: PROPOSALS, is_ephemeral: false },
      trigger_id: `7890123456789.5432109876543.trigger${++trigger}`,
      team: TEAM,
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: PROPOSALS, name: 'ai-guardrails' },
      message: { type: 'message', ts, bot_id: BOT.botId, text: card.body.text, blocks: card.body.blocks },
      state: { values: {} },
      response_url: fake.responseUrl(),
      actions: [{ type: 'button', action_id: actionId, block_id: blockId, text: element.text, value: element.value, action_ts: `${Math.floor(Date.now() / 1000)}.0001` }],
    };
    return sendSlackRequest(url, 'interaction', payload, SECRET);
  }

  async function submitDismiss(modal: FakeSlackCall, user: string, reason: string) {
    const view = modal.body.view;
    const payload = {
      type: 'view_submission',
      team: TEAM,
      user: { id: user, username: 'approver', name: 'approver', team_id: TEAM.id },
      api_app_id: 'A07CAL12345',
      token: 'verification-token',
      trigger_id: `7890123456789.5432109876543.trigger${++trigger}`,
      view: {
        id: 'V07DISMISS1',
        team_id: TEAM.id,
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        blocks: view.blocks,
        state: { values: { calibration_dismiss_reason: { reason_input: { type: 'plain_text_input', value: reason } } } },
        hash: '1730000300.Qw3rTy12',
        title: view.title,
        app_id: 'A07CAL12345',
        bot_id: BOT.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return sendSlackRequest(url, 'interaction', payload, SECRET);
  }

  const proposalStatus = async (id: string) => (await query<{ status: string }>('select status from calibration_proposals where id = ?', id))[0]?.status;
  const proposalIdOf = (card: FakeSlackCall) => String(findElement(card.body.blocks, 'calibration.apply').element.value).split('|')[1]!;
  const audit = async (action: string) => (await query<{ actor: string; details: string }>('select actor, details from audit_log where action = ? order by seq', action));

  async function gradedFlags(id: string, output: string): Promise<string[]> {
    expect((await postEvents(url, key, { events: [makeEvent({ id, output })] })).status).toBe(202);
    for (let waited = 0; waited < 8_000; waited += 25) {
      const response = await fetch(`${url}/v1/events/${id}?source=support-bot`, { headers: { authorization: `Bearer ${key}` } });
      const event = (await response.json()) as { checks: { status: string }; flags: { origin: string; check: string }[] };
      if (event.checks.status === 'complete') return event.flags.filter((flag) => flag.origin === 'grader').map((flag) => flag.check);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`checks of ${id} did not complete`);
  }

  it('posts the proposal card through the outbox, with its precision–recall chart in the thread', async () => {
    const text = await app.calibration.handleCalibrateCommand('support-bot', 'tone', APPROVER);
    expect(text).toBe(`:bar_chart: Proposal posted in <#${PROPOSALS}>: *tone* on *support-bot* 0.60 → 0.30.`);
    const card = await fake.waitFor('chat.postMessage', isProposalCard, 5000);
    expect(card.body.text).toBe('Threshold proposal for tone on support-bot: 0.60 → 0.30 (open)');
    const complete = await fake.waitFor('files.completeUploadExternal', () => true, 8000);
    expect(complete.body).toMatchObject({ channel_id: PROPOSALS, thread_ts: tsByBody.get(card.body) });
    expect(fake.lastCall('upload')!.body.bytes).toBeGreaterThan(1000);
    expect(await app.calibration.handleCalibrateCommand('support-bot', 'tone', APPROVER)).toMatch(/already open/);
  });

  let dismissedId = '';

  it('refuses Dismiss to a reviewer, then dismisses with the reason an approver gives in the modal', async () => {
    const card = await fake.waitFor('chat.postMessage', isProposalCard);
    const id = (dismissedId = proposalIdOf(card));
    expect((await click(card, 'calibration.dismiss', REVIEWER)).status).toBe(200);
    const refusal = await fake.waitFor('chat.postEphemeral', (call) => call.body.user === REVIEWER);
    expect(refusal.body.text).toMatch(/Only approvers of \*support-bot\* can dismiss threshold proposals/);
    expect((await audit('calibration.refused')).map((row) => row.actor)).toEqual([`slack:${REVIEWER}`]);

    expect((await click(card, 'calibration.dismiss', APPROVER)).status).toBe(200);
    const modal = await fake.waitFor('views.open');
    const empty = await submitDismiss(modal, APPROVER, '   ');
    expect(empty.body).toEqual({ response_action: 'errors', errors: { calibration_dismiss_reason: 'Give a reason.' } });
    expect(await proposalStatus(id)).toBe('open');
    expect((await submitDismiss(modal, APPROVER, 'Wait for the new rubric')).status).toBe(200);
    expect(await proposalStatus(id)).toBe('dismissed');
    const update = await fake.waitFor('chat.update', (call) => call.body.text?.includes('(dismissed)'), 5000);
    expect(JSON.stringify(update.body.blocks)).toContain('Dismissed by <@U04QAPPR001>*: Wait for the new rubric');
    expect(JSON.parse((await audit('calibration.dismissed'))[0]!.details)).toMatchObject({ reason: 'Wait for the new rubric', proposed: 0.3 });
  });

  it('applies a fresh proposal for an approver only: a new guardrail version that the very next grader flag uses', async () => {
    expect(await gradedFlags('before-apply', 'A curt reply, score=0.45')).toEqual([]);
    expect(await app.calibration.handleCalibrateCommand('support-bot', 'tone', APPROVER)).toMatch(/^:bar_chart: Proposal posted/);
    const card = await fake.waitFor('chat.postMessage', (call) => isProposalCard(call) && proposalIdOf(call) !== dismissedId, 5000);
    const id = proposalIdOf(card);

    expect((await click(card, 'calibration.apply', REVIEWER)).status).toBe(200);
    expect(await proposalStatus(id)).toBe('open');
    expect((await query('select version from guardrail_versions where source = ?', 'support-bot'))).toHaveLength(1);
    expect((await audit('calibration.refused')).map((row) => JSON.parse(row.details).attempted)).toEqual(['dismiss', 'apply']);

    expect((await click(card, 'calibration.apply', APPROVER)).status).toBe(200);
    expect(await proposalStatus(id)).toBe('applied');
    const versions = (await query<{ version: number; actor: string; spec: string }>('select version, actor, spec from guardrail_versions where source = ? order by version', 'support-bot'));
    expect(versions.map((v) => [v.version, v.actor])).toEqual([[1, 'system:config'], [2, `slack:${APPROVER}`]]);
    expect(JSON.parse(versions[1]!.spec).graders.tone).toEqual({ threshold: 0.3, action: 'flag' });
    expect(JSON.parse((await audit('calibration.applied'))[0]!.details)).toMatchObject({ from: 0.6, to: 0.3, guardrail_version: 2 });
    const update = await fake.waitFor('chat.update', (call) => call.body.text?.includes('(applied)'), 5000);
    expect(JSON.stringify(update.body.blocks)).toContain('Applied by <@U04QAPPR001>');

    expect(await gradedFlags('after-apply', 'A curt reply, score=0.45')).toEqual(['tone']);
    expect((await click(card, 'calibration.apply', APPROVER)).status).toBe(200);
    expect((await query('select version from guardrail_versions where source = ?', 'support-bot'))).toHaveLength(2);
    expect((await fake.waitFor('chat.postEphemeral', (call) => call.body.user === APPROVER)).body.text).toMatch(/already applied/);
  });
});
