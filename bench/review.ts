// npm run bench:review [-- --json] [--events 1000] [--rate 50] [--channels 4] [--paced-events 60] [--paced-channels 6]
// Vigil in its own process (npm start's code path, Slack on) against a fake Slack Web API in
// this process. Phase 1: flagged events arrive one per request at a fixed rate (open loop, so
// a slow Vigil cannot slow the arrivals down and hide its own latency); each card's
// chat.postMessage is matched to its event, and the time from the 202 to that call is reported.
// Phase 2: the fake enforces Slack's 1 message/s per channel (429 + Retry-After); every card
// must still arrive exactly once and in order per channel.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../src/platform/db.ts';
import { openSqlite as openDatabase } from '../src/platform/db-sqlite.ts';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackCall } from '../test/e2e/fake-slack-api.ts';
import { createTempDir } from '../test/helpers/temp-dir.ts';
import { createTestApiKey } from '../test/helpers/test-vigil.ts';
import { percentile, readCpuMs, readNumberFlag, report, round, startVigilProcess, type VigilChild } from './bench.utils.ts';

const EVENTS = readNumberFlag('events', 1000);
const RATE = readNumberFlag('rate', 50);
const CHANNELS = readNumberFlag('channels', 4);
const PACED_EVENTS = readNumberFlag('paced-events', 60);
const PACED_CHANNELS = readNumberFlag('paced-channels', 6);
const SOURCE = 'support-bot';
/** `--synchronous normal` trades the per-commit fsync (power-cut durability) for speed, as DATABASE_SYNCHRONOUS does. */
const SYNCHRONOUS = process.argv.includes('--synchronous') ? process.argv[process.argv.indexOf('--synchronous') + 1]! : 'full';
const now = () => performance.timeOrigin + performance.now();
const channelOf = (i: number) => `C0BENCH${String(i).padStart(3, '0')}`;

/** One source; each event carries flag `f<k>`, routed to channel k, so cards spread over `channels` channels. */
function buildConfig(channels: number): string {
  const routes = Array.from({ length: channels }, (_, k) => `          - { channel: ${channelOf(k)}, flags: [f${k}] }`).join('\n');
  return `sources:
  ${SOURCE}:
    review:
      channel: ${channelOf(0)}
      reviewers: [U0BENCH001]
      sampling:
        baseline_rate: 0
        release_boost: { rate: 0 }
        dedupe_window_minutes: 0
        hourly_budget: 1000
        routes:
${routes}
`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const markerOf = (call: FakeSlackCall) => JSON.stringify(call.body.blocks ?? []).match(/bench-event-(\d+)-/)?.[1];
const isCard = (call: FakeSlackCall) => call.ok && call.body.thread_ts === undefined && markerOf(call) !== undefined;

async function runPhase(options: { events: number; channels: number; rate: number; pacePerChannelMs?: number; timeoutMs: number }) {
  const dir = createTempDir('vigil-bench-review-');
  const fake: FakeSlackApi = await startFakeSlackApi({ pacePerChannelMs: options.pacePerChannelMs, now });
  let child: VigilChild | undefined;
  try {
    const databaseUrl = join(dir.path, 'vigil.db');
    const configPath = join(dir.path, 'vigil.config.yaml');
    writeFileSync(configPath, buildConfig(options.channels));
    const database = openDatabase({ url: databaseUrl });
    await runMigrations(database);
    await database.close();
    const key = await createTestApiKey(databaseUrl, { sources: [SOURCE] });
    child = await startVigilProcess({
      DATABASE_URL: databaseUrl,
      VIGIL_CONFIG: configPath,
      DATABASE_SYNCHRONOUS: SYNCHRONOUS,
      // info: startVigilProcess waits for the "vigil listening" line.
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-secret',
      SLACK_API_URL: fake.url,
    });
    const vigilUrl = child.url;
    const cpuAtStart = readCpuMs(child.process.pid!).total;
    const accepted = new Map<string, number>();
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    const started = now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < options.events; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      const output = `bench-event-${i}- Your order ${i} ships tomorrow; we are sorry for the delay.`;
      const body = JSON.stringify({ events: [{ id: `bench-${i}`, source: SOURCE, input: `Where is order ${i}?`, output, flags: [{ name: `f${i % options.channels}`, severity: 'warn' }] }] });
      sends.push(
        fetch(`${vigilUrl}/v1/events`, { method: 'POST', headers, body }).then(async (response) => {
          await response.arrayBuffer();
          if (response.status !== 202) throw new Error(`event ${i} refused: ${response.status}`);
          accepted.set(String(i), now());
        }),
      );
    }
    await Promise.all(sends);
    const ingestSeconds = (now() - started) / 1000;
    const cards = () => fake.calls('chat.postMessage').filter(isCard);
    // Counted as calls arrive: re-reading every call's blocks on each arrival would load the
    // fake (in this process) quadratically and show up as Vigil latency.
    const seen = new Set<string>(cards().map((call) => markerOf(call)!));
    const allPosted = (call: FakeSlackCall) => {
      if (isCard(call)) seen.add(markerOf(call)!);
      return seen.size >= options.events;
    };
    if (seen.size < options.events) await fake.waitFor('chat.postMessage', allPosted, options.timeoutMs).catch(() => undefined);
    const seconds = (now() - started) / 1000;
    const cpuMs = readCpuMs(child.process.pid!).total - cpuAtStart;
    await child.stop();

    const posted = cards();
    const latencies = posted.map((call) => call.at - (accepted.get(markerOf(call)!) ?? NaN)).filter(Number.isFinite).sort((a, b) => a - b);
    const distinct = new Set(posted.map(markerOf));
    // The expected order is the dispatch order the database recorded (requests overlap, so it
    // need not be the order they were sent in): each channel's cards must arrive in it.
    const recorded = openDatabase({ url: databaseUrl });
    const dispatched = recorded.sqlite.prepare('SELECT channel, event_id AS eventId FROM review_items ORDER BY dispatched_at, seq').all() as { channel: string; eventId: string }[];
    await recorded.close();
    const orderKept = [...new Set(dispatched.map((row) => row.channel))].every((channel) => {
      const expected = dispatched.filter((row) => row.channel === channel).map((row) => row.eventId.replace('bench-', ''));
      const actual = posted.filter((call) => call.body.channel === channel).map((call) => markerOf(call));
      return JSON.stringify(actual) === JSON.stringify(expected);
    });
    return {
      latencies,
      posted: posted.length,
      distinct: distinct.size,
      lost: options.events - distinct.size,
      duplicates: posted.length - distinct.size,
      rateLimited: fake.calls('chat.postMessage').filter((call) => call.status === 429).length,
      seconds,
      ingestSeconds,
      cpuMsPerEvent: cpuMs / options.events,
      orderKept,
    };
  } finally {
    await child?.stop();
    await fake.close();
    dir.remove();
  }
}

const loadBefore = loadavg()[0]!;
const fast = await runPhase({ events: EVENTS, channels: CHANNELS, rate: RATE, timeoutMs: 60_000 });
const paced = await runPhase({ events: PACED_EVENTS, channels: PACED_CHANNELS, rate: 50, pacePerChannelMs: 1000, timeoutMs: 120_000 });
const loadAfter = loadavg()[0]!;

const figures = {
  events: EVENTS,
  rate_per_s: RATE,
  channels: CHANNELS,
  p50_ms: round(percentile(fast.latencies, 50)),
  p95_ms: round(percentile(fast.latencies, 95)),
  p99_ms: round(percentile(fast.latencies, 99)),
  max_ms: round(fast.latencies.at(-1) ?? NaN),
  vigil_cpu_ms_per_event: round(fast.cpuMsPerEvent),
  cards_posted: fast.posted,
  cards_lost: fast.lost,
  cards_duplicated: fast.duplicates,
  order_kept: fast.orderKept,
  paced_events: PACED_EVENTS,
  paced_channels: PACED_CHANNELS,
  paced_cards_posted: paced.posted,
  paced_cards_lost: paced.lost,
  paced_cards_duplicated: paced.duplicates,
  paced_429s: paced.rateLimited,
  paced_seconds: round(paced.seconds, 1),
  paced_order_kept: paced.orderKept,
  load_avg_1m_before: round(loadBefore),
  load_avg_1m_after: round(loadAfter),
};
report(
  [
    `review: ${EVENTS} flagged events, one per request at ${RATE}/s, cards over ${CHANNELS} channels, fake Slack answering at once`,
    `  202 → chat.postMessage: p50 ${figures.p50_ms} ms, p95 ${figures.p95_ms} ms, p99 ${figures.p99_ms} ms, max ${figures.max_ms} ms (target p95 ≤ 1000 ms)`,
    `  cards posted ${fast.posted}, lost ${fast.lost}, duplicated ${fast.duplicates}, order per channel kept: ${fast.orderKept}`,
    `  Vigil used ${figures.vigil_cpu_ms_per_event} ms of CPU per event (ingest, checks, sampling, card, outbox, Slack call)`,
    `paced: ${PACED_EVENTS} events over ${PACED_CHANNELS} channels, Slack pacing 1 message/s/channel (429 + Retry-After)`,
    `  cards posted ${paced.posted}, lost ${paced.lost}, duplicated ${paced.duplicates}, 429s ${paced.rateLimited}, ${figures.paced_seconds} s, order kept: ${paced.orderKept}`,
    `  load average (1 min): ${figures.load_avg_1m_before} before, ${figures.load_avg_1m_after} after`,
  ],
  figures,
);
if (fast.lost > 0 || paced.lost > 0) process.exitCode = 1;
