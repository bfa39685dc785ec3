// npm run bench:otlp [-- --json] [--events 40000] [--batch 500] [--clients 2] [--rounds 2]
// One Vigil process on a temp database. The same support-bot traffic is sent twice: as /v1/events
// JSON batches, and as OTLP/protobuf ExportTraceServiceRequests of GenAI chat spans (what an
// OpenLLMetry-instrumented app exports) to /v1/traces. The two alternate in rounds, so that load
// from other processes on the machine falls on both alike. Bodies are encoded before timing.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { encodeTraceRequest } from '../src/modules/otlp/otlp.protobuf.ts';
import { runMigrations } from '../src/platform/db.ts';
import { openSqlite as openDatabase } from '../src/platform/db-sqlite.ts';
import { createTempDir } from '../test/helpers/temp-dir.ts';
import { createTestApiKey } from '../test/helpers/test-vigil.ts';
import { generateEvents, type BenchEvent } from './events.fixtures.ts';
import { percentile, readNumberFlag, readPeakRssMb, report, round, startVigilProcess } from './bench.utils.ts';

const TOTAL = readNumberFlag('events', 40_000);
const BATCH = readNumberFlag('batch', 500);
const CLIENTS = readNumberFlag('clients', 2);
const ROUNDS = readNumberFlag('rounds', 2);
const SOURCE = 'support-bot';
const START_NS = BigInt(Date.parse('2026-12-07T08:00:00Z')) * 1_000_000n;

const text = (value: string) => ({ stringValue: value });

function toSpan(event: BenchEvent, index: number) {
  const attributes = {
    'gen_ai.operation.name': text('chat'),
    'gen_ai.provider.name': text('openai'),
    'gen_ai.request.model': text(event.model),
    'gen_ai.response.model': text(`${event.model}-${event.model_version}`),
    'gen_ai.input.messages': text(JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: event.input }] }])),
    'gen_ai.output.messages': text(JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: event.output }], finish_reason: 'stop' }])),
    'gen_ai.usage.input_tokens': { intValue: 40 },
    'gen_ai.usage.output_tokens': { intValue: 160 },
    'session.id': text(event.session_id),
  };
  const id = Buffer.alloc(16);
  id.writeUInt32BE(index + 1, 12);
  return {
    traceId: id,
    spanId: id.subarray(8),
    name: `chat ${event.model}`,
    kind: 3,
    startTimeUnixNano: String(START_NS + BigInt(index) * 1_000_000n),
    endTimeUnixNano: String(START_NS + BigInt(index) * 1_000_000n + 900_000_000n),
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
  };
}

/** `offset` numbers the spans, so that no round repeats another's (trace id, span id). */
function encodeTraceBodies(events: BenchEvent[], offset: number): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < events.length; i += BATCH) {
    const spans = events.slice(i, i + BATCH).map((event, j) => toSpan(event, offset + i + j));
    const resource = { attributes: [{ key: 'service.name', value: text(SOURCE) }, { key: 'service.version', value: text('r-2026.11.20') }] };
    bodies.push(encodeTraceRequest({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: '@traceloop/instrumentation-openai' }, spans }] }] }));
  }
  return bodies;
}

interface Phase {
  path: string;
  contentType: string;
  bodies: (string | Uint8Array)[];
  count(response: Response): Promise<number>;
}

async function runPhase(url: string, key: string, phase: Phase) {
  const headers = { 'content-type': phase.contentType, authorization: `Bearer ${key}` };
  const latencies: number[] = [];
  let next = 0;
  let stored = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < phase.bodies.length) {
        const body = phase.bodies[next++]!;
        const t0 = performance.now();
        const response = await fetch(`${url}${phase.path}`, { method: 'POST', headers, body });
        stored += await phase.count(response);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, stored, latencies };
}

const dir = createTempDir('vigil-bench-otlp-');
try {
  const databaseUrl = join(dir.path, 'vigil.db');
  const configPath = join(dir.path, 'vigil.config.yaml');
  writeFileSync(configPath, `sources:\n  ${SOURCE}: {}\n`);
  await runMigrations(openDatabase({ url: databaseUrl }));
  const child = await startVigilProcess({ DATABASE_URL: databaseUrl, VIGIL_CONFIG: configPath });
  const key = await createTestApiKey(databaseUrl, { sources: [SOURCE] });

  const perRound = Math.ceil(TOTAL / ROUNDS);
  const rounds = Array.from({ length: ROUNDS }, (_, round) => {
    const events = generateEvents(perRound, { source: SOURCE, seed: 42 + round, idPrefix: `bench-${round}` });
    const eventBodies: string[] = [];
    for (let i = 0; i < events.length; i += BATCH) eventBodies.push(JSON.stringify({ events: events.slice(i, i + BATCH) }));
    return { eventBodies, traceBodies: encodeTraceBodies(events, round * perRound) };
  });

  const eventsPhase = (bodies: string[]): Phase => ({
    path: '/v1/events',
    contentType: 'application/json',
    bodies,
    count: async (response) => {
      const answer = (await response.json()) as { accepted?: number };
      if (response.status !== 202) throw new Error(`events refused: ${response.status} ${JSON.stringify(answer)}`);
      return answer.accepted ?? 0;
    },
  });
  const tracesPhase = (bodies: Uint8Array[]): Phase => ({
    path: '/v1/traces',
    contentType: 'application/x-protobuf',
    bodies,
    count: async (response) => {
      const answer = new Uint8Array(await response.arrayBuffer());
      // An empty ExportTraceServiceResponse (no partial_success) means every span was taken.
      if (response.status !== 200 || answer.length !== 0) throw new Error(`traces refused or partly rejected: ${response.status}`);
      return BATCH;
    },
  });

  // Warm-up (untimed): both paths JIT-compiled and the detector worker threads up before timing.
  const warmEvents = generateEvents(2 * BATCH, { source: SOURCE, seed: 7, idPrefix: 'bench-warm' });
  const warmSpans = encodeTraceBodies(warmEvents, perRound * ROUNDS);
  await runPhase(child.url, key, eventsPhase([JSON.stringify({ events: warmEvents })]));
  await runPhase(child.url, key, tracesPhase(warmSpans));

  const totals = { events: { seconds: 0, stored: 0, latencies: [] as number[] }, traces: { seconds: 0, stored: 0, latencies: [] as number[] } };
  const loadBefore = os.loadavg()[0]!;
  for (const { eventBodies, traceBodies } of rounds) {
    for (const [name, phase] of [['events', eventsPhase(eventBodies)], ['traces', tracesPhase(traceBodies)]] as const) {
      const result = await runPhase(child.url, key, phase);
      totals[name].seconds += result.seconds;
      totals[name].stored += result.stored;
      totals[name].latencies.push(...result.latencies);
    }
  }
  const loadAfter = os.loadavg()[0]!;
  const peakRssMb = readPeakRssMb(child.process.pid!);
  await child.stop();

  const stored = openDatabase({ url: databaseUrl });
  const spanRows = (stored.sqlite.prepare("SELECT count(*) AS n FROM events WHERE id NOT LIKE 'bench-%'").get() as { n: number }).n;
  await stored.close();
  if (spanRows !== perRound * ROUNDS + warmEvents.length) throw new Error(`stored ${spanRows} span events, expected ${perRound * ROUNDS + warmEvents.length}`);

  for (const phase of Object.values(totals)) phase.latencies.sort((a, b) => a - b);
  const eventsRate = totals.events.stored / totals.events.seconds;
  const spansRate = totals.traces.stored / totals.traces.seconds;
  const figures = {
    events: perRound * ROUNDS,
    spans: totals.traces.stored,
    batch_size: BATCH,
    clients: CLIENTS,
    rounds: ROUNDS,
    events_per_s: round(eventsRate, 0),
    spans_per_s: round(spansRate, 0),
    ratio_spans_to_events: round(spansRate / eventsRate, 3),
    events_batch_p50_ms: round(percentile(totals.events.latencies, 50)),
    spans_batch_p50_ms: round(percentile(totals.traces.latencies, 50)),
    events_batch_p99_ms: round(percentile(totals.events.latencies, 99)),
    spans_batch_p99_ms: round(percentile(totals.traces.latencies, 99)),
    peak_rss_mb: round(peakRssMb, 1),
    cores: os.cpus().length,
    load_average_1m_before: round(loadBefore),
    load_average_1m_after: round(loadAfter),
  };
  report(
    [
      `otlp: ${figures.events} events and ${figures.spans} GenAI spans (same texts), batches of ${BATCH}, ${CLIENTS} clients, ${ROUNDS} alternating rounds`,
      `  /v1/events (JSON):       ${figures.events_per_s} events/s, batch p50 ${figures.events_batch_p50_ms} ms, p99 ${figures.events_batch_p99_ms} ms`,
      `  /v1/traces (protobuf):   ${figures.spans_per_s} spans/s, batch p50 ${figures.spans_batch_p50_ms} ms, p99 ${figures.spans_batch_p99_ms} ms`,
      `  ratio spans/events:      ${figures.ratio_spans_to_events} (goal ≥ 0.7); peak RSS ${figures.peak_rss_mb} MB`,
      `  machine: ${figures.cores} cores, load average (1 min) ${figures.load_average_1m_before} before, ${figures.load_average_1m_after} after`,
    ],
    figures,
  );
} finally {
  dir.remove();
}
