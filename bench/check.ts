// npm run bench:check [-- --json] [--seconds 10] [--rate 2000] [--connections 32] [--profile DIR]
// POST /v1/check with 1 KB outputs over loopback, Vigil in its own process (as `npm start`),
// load from autocannon in this process. Measures p50/p99 at a fixed 2,000 req/s, the maximum
// throughput, and change-to-live: from an API change to the first check answering with it.
// Targets: p99 ≤ 2 ms, ≥ 8,000 req/s. On a 2-core box the load generator takes one core;
// the load average is reported with the figures because other work skews them.
// --profile DIR records a CPU profile of the server's main thread during the maximum-throughput
// phase (bench/check-cpu-profile.mjs); summarise it with `npx tsx bench/check-profile.ts <file> --per <checks>`.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../src/platform/db.ts';
import { openSqlite as openDatabase } from '../src/platform/db-sqlite.ts';
import { createTempDir } from '../test/helpers/temp-dir.ts';
import { createTestApiKey } from '../test/helpers/test-vigil.ts';
import { generateEvents } from './events.fixtures.ts';
import { REPO_ROOT, autocannon, percentile, readCpuMs, readNumberFlag, report, round, startVigilProcess } from './bench.utils.ts';

const SECONDS = readNumberFlag('seconds', 10);
const RATE = readNumberFlag('rate', 2000);
const CONNECTIONS = readNumberFlag('connections', 32);
const SOURCE = 'support-bot';
const PROFILE_DIR = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;

/** 1 KB outputs from the ingest fixtures (about 2% carry PII or a secret, as live traffic would). */
function buildBodies(count: number): string[] {
  return generateEvents(count, { source: SOURCE, seed: 7 }).map((event) => {
    let output = event.output;
    while (output.length < 1024) output += ` ${event.output}`;
    return JSON.stringify({ source: SOURCE, input: event.input, output: output.slice(0, 1024), scores: { brand: 0.2, tone: 0.1 } });
  });
}

async function load(url: string, headers: Record<string, string>, bodies: string[], options: { seconds: number; rate?: number; connections: number }) {
  const latencies: number[] = [];
  let next = 0;
  const instance = autocannon({
    url: `${url}/v1/check`,
    method: 'POST',
    headers,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode === 200) latencies.push(responseTime);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return { result, latencies };
}

/** The /v1/check 200s in the server's own duration histogram (from request start to response): counts at or under 1 and 2 ms, and in all. */
async function readServerDurations(url: string): Promise<{ within1ms: number; within2ms: number; count: number }> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const labels = 'method="POST",route="/v1/check",status_code="200"';
  const read = (name: string, le?: string) => {
    const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${name}{${le ? `le="${le}",` : ''}${labels}}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  return {
    within1ms: read('vigil_http_request_duration_seconds_bucket', '0.001'),
    within2ms: read('vigil_http_request_duration_seconds_bucket', '0.002'),
    count: read('vigil_http_request_duration_seconds_count'),
  };
}

async function measureChangeToLive(url: string, adminHeaders: Record<string, string>, appHeaders: Record<string, string>) {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/v1/guardrails/${SOURCE}/versions`, {
      method: 'POST',
      headers: adminHeaders,
      body: JSON.stringify({ change: { blocklist: { add_words: [`bench word ${i}`] } }, reason: 'bench:check' }),
    });
    const { version } = (await response.json()) as { version: number };
    for (;;) {
      const check = await fetch(`${url}/v1/check`, { method: 'POST', headers: appHeaders, body: JSON.stringify({ source: SOURCE, output: `bench word ${i}` }) });
      const answer = (await check.json()) as { guardrail_version: number; action: string };
      if (answer.guardrail_version >= version && answer.action === 'block') break;
    }
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

async function main() {
  const dir = createTempDir('vigil-bench-check-');
  try {
    const databaseUrl = join(dir.path, 'vigil.db');
    const configPath = join(dir.path, 'vigil.config.yaml');
    writeFileSync(configPath, `sources:\n  ${SOURCE}:\n    graders:\n      thresholds: { brand: 0.6, tone: 0.7 }\n`);
    const migrated = openDatabase({ url: databaseUrl });
    await runMigrations(migrated);
    await migrated.close();
    const profileEnv: Record<string, string> = PROFILE_DIR
      ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${join(REPO_ROOT, 'bench/check-cpu-profile.mjs')}`.trim(), VIGIL_BENCH_PROFILE_DIR: PROFILE_DIR }
      : {};
    const child = await startVigilProcess({ DATABASE_URL: databaseUrl, VIGIL_CONFIG: configPath, LOG_LEVEL: 'info', ...profileEnv });
    try {
      const appKey = await createTestApiKey(databaseUrl, { sources: [SOURCE], scopes: ['ingest', 'read'] });
      const adminKey = await createTestApiKey(databaseUrl, { sources: [SOURCE], scopes: ['admin'] });
      const appHeaders = { 'content-type': 'application/json', authorization: `Bearer ${appKey}` };
      const adminHeaders = { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` };
      const bodies = buildBodies(2000);

      await load(child.url, appHeaders, bodies, { seconds: 2, connections: 8 });
      const serverBefore = await readServerDurations(child.url);
      const fixed = await load(child.url, appHeaders, bodies, { seconds: SECONDS, rate: RATE, connections: 16 });
      // What the server itself measured at the fixed rate: the rest of the client's latency is
      // the sockets, the scheduler and the load generator sharing the two cores.
      const serverAfter = await readServerDurations(child.url);
      const serverShare = (key: 'within1ms' | 'within2ms') =>
        round((100 * (serverAfter[key] - serverBefore[key])) / Math.max(1, serverAfter.count - serverBefore.count), 2);
      // Server CPU per answered check: what the figures would be on cores of its own, whatever else runs.
      if (PROFILE_DIR) child.process.kill('SIGUSR2');
      const cpuBefore = readCpuMs(child.process.pid!);
      const max = await load(child.url, appHeaders, bodies, { seconds: SECONDS, connections: CONNECTIONS });
      const cpuAfter = readCpuMs(child.process.pid!);
      const perCheckUs = (ms: number) => round((ms * 1000) / Math.max(1, max.latencies.length), 1);
      if (PROFILE_DIR) {
        child.process.kill('SIGUSR2');
        console.log(`profile of the maximum phase (${max.latencies.length} checks) written to ${PROFILE_DIR}`);
      }
      const live = await measureChangeToLive(child.url, adminHeaders, appHeaders);
      const [load1] = os.loadavg();

      const figures = {
        check_p50_ms: round(percentile(fixed.latencies, 50), 3),
        check_p99_ms: round(percentile(fixed.latencies, 99), 3),
        check_rate_achieved_per_s: round(fixed.latencies.length / SECONDS, 0),
        server_within_1ms_pct: serverShare('within1ms'),
        server_within_2ms_pct: serverShare('within2ms'),
        max_req_per_s: round(max.result.requests.average, 0),
        max_p99_ms: round(percentile(max.latencies, 99), 3),
        server_cpu_us_per_check: perCheckUs(cpuAfter.total - cpuBefore.total),
        server_user_us_per_check: perCheckUs(cpuAfter.user - cpuBefore.user),
        server_system_us_per_check: perCheckUs(cpuAfter.system - cpuBefore.system),
        change_to_live_p50_ms: round(percentile(live, 50), 2),
        change_to_live_max_ms: round(live[live.length - 1] ?? NaN, 2),
        errors: fixed.result.non2xx + fixed.result.errors + max.result.non2xx + max.result.errors,
        cores: os.cpus().length,
        load_average_1m: round(load1 ?? NaN, 2),
      };
      report(
        [
          `POST /v1/check, 1 KB outputs, ${SECONDS} s per phase, Vigil in its own process, autocannon in this one (${figures.cores} cores, load average ${figures.load_average_1m})`,
          `at ${RATE} req/s: p50 ${figures.check_p50_ms} ms, p99 ${figures.check_p99_ms} ms (target p99 ≤ 2 ms), ${figures.check_rate_achieved_per_s} req/s achieved`,
          `  timed by the server itself: ${figures.server_within_1ms_pct}% within 1 ms, ${figures.server_within_2ms_pct}% within 2 ms`,
          `maximum: ${figures.max_req_per_s} req/s with ${CONNECTIONS} connections (target ≥ 8,000), p99 ${figures.max_p99_ms} ms`,
          `server CPU per check (all its threads): ${figures.server_cpu_us_per_check} µs (user ${figures.server_user_us_per_check}, kernel ${figures.server_system_us_per_check})`,
          `change to live (API change → first /v1/check with it): p50 ${figures.change_to_live_p50_ms} ms, max ${figures.change_to_live_max_ms} ms`,
          `errors: ${figures.errors}`,
        ],
        figures,
      );
    } finally {
      await child.stop();
    }
  } finally {
    dir.remove();
  }
}

await main();
