// npm run bench:check [-- --json] [--seconds 10] [--rate 2000] [--connections 32]
// POST /v1/check with 1 KB outputs over loopback, Vigil in its own process (as `npm start`),
// load from autocannon in this process. Measures p50/p99 at a fixed 2,000 req/s, the maximum
// throughput, and change-to-live: from an API change to the first check answering with it.
// Targets: p99 ≤ 2 ms, ≥ 8,000 req/s. On a 2-core box the load generator takes one core;
// the load average is reported with the figures because other work skews them.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import { openDatabase, runMigrations } from '../src/app/db.ts';
import { createTempDir } from '../test/helpers/temp-dir.ts';
import { createTestApiKey } from '../test/helpers/test-vigil.ts';
import { generateEvents } from './events.fixtures.ts';
import { percentile, readNumberFlag, report, round, startVigilProcess } from './bench.utils.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => EventEmitter & PromiseLike<AutocannonResult>;
// autocannon ships no types; only the part used here is declared.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SECONDS = readNumberFlag('seconds', 10);
const RATE = readNumberFlag('rate', 2000);
const CONNECTIONS = readNumberFlag('connections', 32);
const SOURCE = 'support-bot';

/** 1 KB outputs from the ingest fixtures (about 2% carry PII or a secret, as live traffic would). */
function buildBodies(count: number): string[] {
  return generateEvents(count, { source: SOURCE, seed: 7 }).map((event) => {
    let output = event.output;
    while (output.length < 1024) output += ` ${event.output}`;
    return JSON.stringify({ source: SOURCE, input: event.input, output: output.slice(0, 1024), scores: { brand: 0.2, tone: 0.1 } });
  });
}

/** CPU time (user + system) a process has used, in ms, from /proc (Linux; clock ticks are 1/100 s). */
function readCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
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
    runMigrations(migrated.sqlite);
    migrated.close();
    const child = await startVigilProcess({ DATABASE_URL: databaseUrl, VIGIL_CONFIG: configPath, LOG_LEVEL: 'info' });
    try {
      const appKey = await createTestApiKey(databaseUrl, { sources: [SOURCE], scopes: ['ingest', 'read'] });
      const adminKey = await createTestApiKey(databaseUrl, { sources: [SOURCE], scopes: ['admin'] });
      const appHeaders = { 'content-type': 'application/json', authorization: `Bearer ${appKey}` };
      const adminHeaders = { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` };
      const bodies = buildBodies(2000);

      await load(child.url, appHeaders, bodies, { seconds: 2, connections: 8 });
      const fixed = await load(child.url, appHeaders, bodies, { seconds: SECONDS, rate: RATE, connections: 16 });
      // Server CPU per answered check: what the figures would be on cores of its own, whatever else runs.
      const cpuBefore = readCpuMs(child.process.pid!);
      const max = await load(child.url, appHeaders, bodies, { seconds: SECONDS, connections: CONNECTIONS });
      const serverCpuMs = readCpuMs(child.process.pid!) - cpuBefore;
      const live = await measureChangeToLive(child.url, adminHeaders, appHeaders);
      const [load1] = os.loadavg();

      const figures = {
        check_p50_ms: round(percentile(fixed.latencies, 50), 3),
        check_p99_ms: round(percentile(fixed.latencies, 99), 3),
        check_rate_achieved_per_s: round(fixed.latencies.length / SECONDS, 0),
        max_req_per_s: round(max.result.requests.average, 0),
        max_p99_ms: round(percentile(max.latencies, 99), 3),
        server_cpu_us_per_check: round((serverCpuMs * 1000) / Math.max(1, max.latencies.length), 1),
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
          `maximum: ${figures.max_req_per_s} req/s with ${CONNECTIONS} connections (target ≥ 8,000), p99 ${figures.max_p99_ms} ms`,
          `server CPU per check (all its threads): ${figures.server_cpu_us_per_check} µs`,
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
