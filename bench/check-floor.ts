// npx tsx bench/check-floor.ts [--json] [--seconds 10] [--rate 2000] [--connections 32]
// The floor under bench:check's figures on this machine: the same autocannon phases against a
// bare node:http server (its own process) that reads the body and answers a fixed 60-byte JSON.
// Whatever latency this shows is the sockets, the scheduler and the load generator, not Vigil.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { autocannon, percentile, readCpuMs, readNumberFlag, report, round } from './bench.utils.ts';

const SECONDS = readNumberFlag('seconds', 10);
const RATE = readNumberFlag('rate', 2000);
const CONNECTIONS = readNumberFlag('connections', 32);

const SERVER = `
const http = require('node:http');
const answer = JSON.stringify({ action: 'allow', flags: [], guardrail_version: 1 });
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length }).end(answer));
});
server.listen(0, '127.0.0.1', () => process.stdout.write('http://127.0.0.1:' + server.address().port + '\\n'));
`;

async function load(url: string, options: Record<string, unknown>) {
  const latencies: number[] = [];
  const body = JSON.stringify({ source: 'support-bot', input: 'Where is my order?', output: 'x'.repeat(1024), scores: { brand: 0.2 } });
  const instance = autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, ...options });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const result = await instance;
  return { latencies: latencies.sort((a, b) => a - b), perSecond: result.requests.average };
}

const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const url = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  await load(url, { connections: 8, duration: 2 });
  const fixed = await load(url, { connections: 16, duration: SECONDS, overallRate: RATE });
  const cpuBefore = readCpuMs(child.pid!).total;
  const max = await load(url, { connections: CONNECTIONS, duration: SECONDS });
  const figures = {
    floor_p50_ms: round(percentile(fixed.latencies, 50), 3),
    floor_p99_ms: round(percentile(fixed.latencies, 99), 3),
    floor_max_req_per_s: round(max.perSecond, 0),
    floor_server_cpu_us_per_request: round(((readCpuMs(child.pid!).total - cpuBefore) * 1000) / Math.max(1, max.latencies.length), 1),
    load_average_1m: round(os.loadavg()[0] ?? NaN, 2),
  };
  report(
    [
      `bare node:http server, same client phases (load average ${figures.load_average_1m})`,
      `at ${RATE} req/s: p50 ${figures.floor_p50_ms} ms, p99 ${figures.floor_p99_ms} ms`,
      `maximum: ${figures.floor_max_req_per_s} req/s with ${CONNECTIONS} connections, ${figures.floor_server_cpu_us_per_request} µs of server CPU per request`,
    ],
    figures,
  );
} finally {
  child.kill();
}
