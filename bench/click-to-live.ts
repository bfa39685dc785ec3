// npm run bench:click-to-live [-- --json] [--runs 20] [--database sqlite|postgres] [--instances 1]
// Click-to-live: from the signed Tighten submission (Slack's view_submission, "Block outputs
// like this") to the first POST /v1/check that answers with the new guardrail version.
// Vigil runs in its own process as `npm start` would, against a fake Slack Web API in this
// one; the submission goes through the real Bolt receiver with signature verification.
// Target: ≤ 1 s. The load average is reported because other work on the box skews it.
// With --instances N, N Vigil processes share the database: the Tighten goes to the first and
// /v1/check asks the last, as behind a load balancer (PostgreSQL: a fresh database, dropped after).
import { writeFileSync } from 'node:fs';
import type { KnownBlock, Overflow } from '@slack/types';
import os from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../src/platform/db.ts';
import { openSqlite as openDatabase } from '../src/platform/db-sqlite.ts';
import { startFakeSlackApi } from '../test/e2e/fake-slack-api.ts';
import { sendSlackRequest } from '../test/e2e/slack-signing.ts';
import { createTempDir } from '../test/helpers/temp-dir.ts';
import { createTestApiKey } from '../test/helpers/test-vigil.ts';
import { createBenchDatabase } from './ingest-postgres.ts';
import { percentile, readChoiceFlag, readNumberFlag, report, round, startVigilProcess } from './bench.utils.ts';

const RUNS = readNumberFlag('runs', 20);
const STORE = readChoiceFlag('database', ['sqlite', 'postgres'] as const, 'sqlite');
const INSTANCES = readNumberFlag('instances', 1);
const SOURCE = 'support-bot';
const SECRET = 'bench-click-to-live-signing-secret';
const CHANNEL = 'C07BENCHREV';
const APPROVER = 'U07BENCHAPR';
const TEAM = { id: 'T07BENCH001', domain: 'bench' };

const CONFIG = `
sources:
  ${SOURCE}:
    review:
      channel: ${CHANNEL}
      approvers: [${APPROVER}]
      sampling: { baseline_rate: 0, release_boost: { rate: 0 } }
    guardrails:
      log_channel: C07BENCHLOG
`;

const user = { id: APPROVER, username: 'approver', name: 'approver', team_id: TEAM.id };
let trigger = 0;

function interaction(payload: Record<string, unknown>) {
  return { user, team: TEAM, api_app_id: 'A07BENCH001', token: 'verification-token', trigger_id: `1.2.bench${++trigger}`, is_enterprise_install: false, enterprise: null, ...payload };
}

async function main() {
  const dir = createTempDir('vigil-bench-click-');
  const fake = await startFakeSlackApi();
  const posted = new WeakMap<object, string>();
  let counter = 0;
  fake.respondTo('chat.postMessage', (body) => {
    const ts = `${1_750_000_000 + ++counter}.000100`;
    posted.set(body, ts);
    return { ok: true, channel: body.channel, ts, message: { type: 'message', ts, text: body.text ?? '' } };
  });
  try {
    const postgres = STORE === 'postgres' ? await createBenchDatabase('click') : undefined;
    const databaseUrl = postgres?.url ?? join(dir.path, 'vigil.db');
    const configPath = join(dir.path, 'vigil.config.yaml');
    writeFileSync(configPath, CONFIG);
    if (!postgres) {
      const migrated = openDatabase({ url: databaseUrl });
      await runMigrations(migrated);
      await migrated.close();
    }
    const env = { DATABASE_URL: databaseUrl, VIGIL_CONFIG: configPath, LOG_LEVEL: 'info', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url };
    const instances = [];
    for (let i = 0; i < INSTANCES; i++) instances.push(await startVigilProcess(env));
    const child = instances[0]!;
    const checker = instances[instances.length - 1]!;
    try {
      const key = await createTestApiKey(databaseUrl, { sources: [SOURCE], scopes: ['ingest', 'read'] });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
      const events = await fetch(`${child.url}/v1/events`, {
        method: 'POST', headers,
        body: JSON.stringify({ events: [{ source: SOURCE, output: 'We never give refunds, deal with it.', flags: [{ name: 'tone', severity: 'warn' }] }] }),
      });
      if (events.status !== 202) throw new Error(`event refused: ${events.status}`);
      const card = await fake.waitFor('chat.postMessage', (call) => call.body.channel === CHANNEL, 15_000);
      const elements = (card.body.blocks as KnownBlock[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));
      const menu = elements.find((e): e is Overflow => e.type === 'overflow' && e.action_id === 'review.more');
      const option = menu?.options.find((o) => String(o.value).startsWith('tighten|'));
      if (!option) throw new Error('the card has no "Tighten guardrail…" option');
      const ts = posted.get(card.body) ?? '1.0';
      await sendSlackRequest(child.url, 'interaction', interaction({
        type: 'block_actions', container: { type: 'message', message_ts: ts, channel_id: CHANNEL }, channel: { id: CHANNEL, name: 'review' },
        message: { type: 'message', ts, text: card.body.text, blocks: card.body.blocks }, response_url: fake.responseUrl(),
        actions: [{ type: 'overflow', action_id: 'review.more', block_id: 'b', selected_option: option, action_ts: '1.1' }],
      }), SECRET);
      const modal = (await fake.waitFor('views.open', undefined, 10_000)).body.view;

      let version = 0;
      const check = async (output: string) => {
        const response = await fetch(`${checker.url}/v1/check`, { method: 'POST', headers, body: JSON.stringify({ source: SOURCE, output }) });
        return (await response.json()) as { action: string; guardrail_version: number };
      };
      version = (await check('warm up')).guardrail_version;
      const samples: number[] = [];
      for (let run = -2; run < RUNS; run++) {
        const phrase = `bench phrase number ${run + 2}`;
        const values = {
          guardrails_choice: { choice: { type: 'radio_buttons', selected_option: { value: 'block_pattern' } } },
          guardrails_pattern: { 'guardrails.pattern_preview': { type: 'plain_text_input', value: phrase } },
          guardrails_reason: { reason: { type: 'plain_text_input', value: 'bench' } },
        };
        const started = performance.now();
        const submitted = sendSlackRequest(child.url, 'interaction', interaction({ type: 'view_submission', view: { ...modal, id: 'V07BENCH', hash: `${run}.h`, state: { values } }, response_urls: [] }), SECRET);
        for (;;) {
          const answer = await check(`please note: ${phrase}`);
          if (answer.guardrail_version > version && answer.action === 'block') {
            version = answer.guardrail_version;
            break;
          }
        }
        const elapsed = performance.now() - started;
        const response = await submitted;
        if (response.status !== 200) throw new Error(`submission answered ${response.status}`);
        if (run >= 0) samples.push(elapsed);
      }
      samples.sort((a, b) => a - b);
      const [load1] = os.loadavg();
      const figures = {
        click_to_live_p50_ms: round(percentile(samples, 50), 1),
        click_to_live_p95_ms: round(percentile(samples, 95), 1),
        click_to_live_max_ms: round(samples[samples.length - 1] ?? NaN, 1),
        runs: samples.length,
        store: STORE,
        instances: INSTANCES,
        cores: os.cpus().length,
        load_average_1m: round(load1 ?? NaN, 2),
      };
      report(
        [
          `click to live (signed Tighten submission → first /v1/check with the new version), ${figures.runs} runs, ${INSTANCES} Vigil process(es) on ${STORE}${INSTANCES > 1 ? ', Tighten through the first, checks on the last' : ''} (${figures.cores} cores, load average ${figures.load_average_1m})`,
          `p50 ${figures.click_to_live_p50_ms} ms, p95 ${figures.click_to_live_p95_ms} ms, max ${figures.click_to_live_max_ms} ms (target ≤ 1000 ms)`,
        ],
        figures,
      );
    } finally {
      for (const instance of instances) await instance.stop();
      await postgres?.drop();
    }
  } finally {
    await fake.close();
    dir.remove();
  }
}

await main();
