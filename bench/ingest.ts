// npm run bench:ingest [-- --json] [--events 200000] [--batch 500] [--clients 2] [--database sqlite|postgres]
// Vigil in its own process on a temp database; two clients send pre-serialised
// batches over loopback. Then the same rows go straight into a fresh database of the same
// store (better-sqlite3 in 500-row transactions, or `pg` with one multi-row INSERT per
// batch): the ceiling Vigil is compared with. PostgreSQL: VIGIL_BENCH_POSTGRES_URL (default
// postgres://postgres@127.0.0.1:5432/postgres) names the server; each run uses fresh databases.
// The server's CPU per event is read per thread from /proc; BENCH_PROFILE=1 also records
// V8 CPU profiles of every server thread and prints, per thread, where the measured phase went.
import os from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { runMigrations } from '../src/platform/db.ts';
import { openSqlite as openDatabase } from '../src/platform/db-sqlite.ts';
import { createTempDir } from '../test/helpers/temp-dir.ts';
import { createTestApiKey } from '../test/helpers/test-vigil.ts';
import { generateEvents, type BenchEvent } from './events.fixtures.ts';
import { createBenchDatabase, measureRawPostgres } from './ingest-postgres.ts';
import { percentile, readChoiceFlag, readNumberFlag, readPeakRssMb, readThreadCpuMs, report, round, startVigilProcess } from './bench.utils.ts';
import { printProfileTable, readCpuProfile, summariseProfile } from './cpu-profile.utils.ts';

const TOTAL = readNumberFlag('events', 200_000);
const BATCH = readNumberFlag('batch', 500);
const CLIENTS = readNumberFlag('clients', 2);
const STORE = readChoiceFlag('database', ['sqlite', 'postgres'] as const, 'sqlite');
const SOURCE = 'support-bot';
const PROFILE_DIR = process.env.BENCH_PROFILE === '1' ? mkdtempSync(join(os.tmpdir(), 'vigil-ingest-profile-')) : undefined;
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function measureVigil(dir: string, bodies: string[], databaseUrl: string) {
  const configPath = join(dir, 'vigil.config.yaml');
  writeFileSync(configPath, `sources:\n  ${SOURCE}: {}\n`);
  const env = { DATABASE_URL: databaseUrl, VIGIL_CONFIG: configPath, LOG_LEVEL: 'info' };
  // Migrate and create the key before the server starts, as an operator would (a PostgreSQL bench database is migrated when created).
  if (STORE === 'sqlite') {
    const migrated = openDatabase({ url: databaseUrl });
    await runMigrations(migrated);
    await migrated.close();
  }
  const child = await startVigilProcess(env, PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : []);
  const key = await createTestApiKey(databaseUrl, { sources: [SOURCE] });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };

  const send = (body: string) => fetch(`${child.url}/v1/events`, { method: 'POST', headers, body });
  for (const body of bodies.slice(0, 4)) await (await send(body)).arrayBuffer(); // warm-up, stored as duplicates later

  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  const cpuBefore = readThreadCpuMs(child.process.pid!);
  const fromUs = monotonicUs();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const response = await send(body);
        const answer = (await response.json()) as { accepted: number };
        latencies.push(performance.now() - t0);
        if (response.status !== 202) throw new Error(`batch refused: ${response.status} ${JSON.stringify(answer)}`);
        accepted += answer.accepted;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const window = { fromUs, toUs: monotonicUs() };
  const cpuAfter = readThreadCpuMs(child.process.pid!);
  const peakRssMb = readPeakRssMb(child.process.pid!);
  await child.stop();
  latencies.sort((a, b) => a - b);
  const cpuMs = { main: cpuAfter.main - cpuBefore.main, others: cpuAfter.others - cpuBefore.others };
  return { seconds, accepted, latencies, peakRssMb, cpuMs, window };
}

async function measureRawSqlite(dir: string, events: BenchEvent[]) {
  const database = openDatabase({ url: join(dir, 'raw.db') });
  await runMigrations(database);
  database.sqlite.prepare("INSERT INTO sources (name, created_at, updated_at) VALUES (?, 0, 0)").run(SOURCE);
  const insert = database.sqlite.prepare(
    `INSERT INTO events (id, source, input, output, model, model_version, prompt_version, release, session_id, user_id, occurred_at, received_at, metadata, app_flags)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL) ON CONFLICT DO NOTHING`,
  );
  const insertBatch = database.sqlite.transaction((batch: BenchEvent[]) => {
    const now = Date.now();
    for (const e of batch) {
      insert.run(e.id, e.source, e.input, e.output, e.model, e.model_version, e.prompt_version, e.release, e.session_id, now, now, JSON.stringify(e.metadata));
    }
  });
  const started = performance.now();
  for (let i = 0; i < events.length; i += BATCH) insertBatch.immediate(events.slice(i, i + BATCH));
  const seconds = (performance.now() - started) / 1000;
  await database.close();
  return { seconds };
}

/** Each server thread's profile (main first, then the workers), cropped to the measured phase, in µs per event. */
function printProfiles(profileDir: string, window: { fromUs: number; toUs: number }) {
  // --cpu-prof names files CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
  const files = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
  const threadOf = (name: string) => Number(name.split('.')[4]);
  for (const name of files.sort((a, b) => threadOf(a) - threadOf(b))) {
    const summary = summariseProfile(readCpuProfile(join(profileDir, name)), window);
    if (summary.busyUs === 0) continue;
    const thread = threadOf(name) === 0 ? 'main thread' : `worker thread ${threadOf(name)}`;
    const per = { count: TOTAL, unit: 'event' };
    console.log(`\n== ${thread} (${name}): busy ${round(summary.busyUs / TOTAL, 1)} µs/event, idle ${round((100 * summary.idleUs) / summary.spanUs, 0)}%`);
    printProfileTable('self time by package / folder', summary.groups, { busyUs: summary.busyUs, limit: 15, per });
    printProfileTable('self time by function', summary.selfByName, { busyUs: summary.busyUs, limit: 25, per });
    printProfileTable('total time by function (callees included)', summary.inclusiveByName, { busyUs: summary.busyUs, limit: 25, per });
  }
  console.log(`\nprofiles kept in ${profileDir}`);
}

const dir = createTempDir('vigil-bench-');
try {
  const events = generateEvents(TOTAL, { source: SOURCE });
  const bytes = events.reduce((sum, e) => sum + e.input.length + e.output.length, 0) / events.length;
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += BATCH) bodies.push(JSON.stringify({ events: events.slice(i, i + BATCH) }));

  const postgres = STORE === 'postgres' ? await createBenchDatabase('vigil') : undefined;
  const vigil = await measureVigil(dir.path, bodies, postgres?.url ?? join(dir.path, 'vigil.db'));
  await postgres?.drop();
  const raw = STORE === 'postgres' ? await measureRawPostgres(events, BATCH, SOURCE) : await measureRawSqlite(dir.path, events);
  const vigilRate = TOTAL / vigil.seconds;
  const rawRate = TOTAL / raw.seconds;
  const figures = {
    events: TOTAL,
    batch_size: BATCH,
    clients: CLIENTS,
    avg_text_bytes: round(bytes, 0),
    events_per_s: round(vigilRate, 0),
    batch_p50_ms: round(percentile(vigil.latencies, 50)),
    batch_p99_ms: round(percentile(vigil.latencies, 99)),
    peak_rss_mb: round(vigil.peakRssMb, 1),
    store: STORE,
    [`raw_${STORE}_events_per_s`]: round(rawRate, 0),
    ratio_to_raw: round(vigilRate / rawRate, 3),
    main_thread_cpu_us_per_event: round((vigil.cpuMs.main * 1000) / TOTAL, 1),
    other_threads_cpu_us_per_event: round((vigil.cpuMs.others * 1000) / TOTAL, 1),
    load_avg_1m: round(os.loadavg()[0]!, 2),
  };
  if (PROFILE_DIR) printProfiles(PROFILE_DIR, vigil.window);
  if (vigil.accepted !== TOTAL - 4 * BATCH && vigil.accepted !== TOTAL) throw new Error(`accepted ${vigil.accepted} of ${TOTAL}`);
  report(
    [
      `ingest: ${TOTAL} events (~${figures.avg_text_bytes} B of text each) in batches of ${BATCH} from ${CLIENTS} clients`,
      `  Vigil:       ${figures.events_per_s} events/s, batch p50 ${figures.batch_p50_ms} ms, p99 ${figures.batch_p99_ms} ms, peak RSS ${figures.peak_rss_mb} MB`,
      `  raw ${STORE}: ${round(rawRate, 0)} events/s (${STORE === 'sqlite' ? `better-sqlite3, ${BATCH}-row transactions` : `pg, one ${BATCH}-row INSERT per transaction`})`,
      `  ratio:       ${figures.ratio_to_raw}`,
      `  server CPU:  ${figures.main_thread_cpu_us_per_event} µs/event on the main thread, ${figures.other_threads_cpu_us_per_event} µs/event on the others (detector workers, GC helpers)`,
    ],
    figures,
  );
} finally {
  dir.remove();
}
