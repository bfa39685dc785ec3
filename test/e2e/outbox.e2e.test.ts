import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMetricsRegistry } from '../../src/platform/metrics.ts';
import type { OutboxDeliveryError } from '../../src/modules/outbox/outbox-hooks.worker.ts';
import { outboxRef } from '../../src/modules/outbox/outbox-refs.models.ts';
import { OUTBOX_WEB_CLIENT_OPTIONS } from '../../src/modules/outbox/outbox-senders.worker.ts';
import { webhookOrderKey, type OutboxMessageInput, type RetryPolicy } from '../../src/modules/outbox/outbox.models.ts';
import { createOutboxMetrics } from '../../src/modules/outbox/outbox.metrics.ts';
import { createOutboxRepository } from '../../src/modules/outbox/outbox.repository.ts';
import type { OutboxRow } from '../../src/modules/outbox/outbox.table.ts';
import { createOutboxWorker, type OutboxWorker } from '../../src/modules/outbox/outbox.worker.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createSeededRandom } from '../../src/shared/random.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { startFakeSlackApi, type FakeSlackApi } from './fake-slack-api.ts';

// @store sqlite-only: child processes share one SQLite file; the PostgreSQL outbox claims are src/modules/outbox tests and postgres-instances

// The outbox against the fake Slack Web API and a real webhook receiver on loopback,
// with a real WebClient and a real SQLite file: rate limits, outages, permanent
// errors, placeholders, restarts and two processes on one database.

const PURPOSE = 'test.message';
// Milliseconds instead of seconds, so retries happen within the test; Retry-After is still honoured as sent.
const FAST_RETRIES: RetryPolicy = { baseMs: 20, capMs: 200, maxAttempts: 5, maxAgeMs: 60_000 };
const logger = createLogger({ level: 'silent' });
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const children = new Set<ChildProcess>();

const post = (channel: string, text: string): OutboxMessageInput => ({ kind: 'slack', method: 'chat.postMessage', payload: { channel, text }, purpose: PURPOSE, purposeRef: text });

/** Resolves once `count` messages of PURPOSE finished, across every worker it watches. */
function watchOutcomes() {
  const delivered: OutboxRow[] = [];
  const failed: Array<{ row: OutboxRow; error: OutboxDeliveryError }> = [];
  let waiters: Array<{ count: number; resolve(): void }> = [];
  const check = () => {
    waiters = waiters.filter((waiter) => (delivered.length + failed.length >= waiter.count ? (waiter.resolve(), false) : true));
  };
  return {
    delivered,
    failed,
    watch(worker: OutboxWorker) {
      worker.onDelivered(PURPOSE, (row) => void (delivered.push(row), check()));
      worker.onFailed(PURPOSE, (row, error) => void (failed.push({ row, error }), check()));
    },
    settled(count: number, timeoutMs = 8000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${delivered.length + failed.length} of ${count} messages finished`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
        check();
      });
    },
  };
}

describe('outbox delivery', () => {
  let fake: FakeSlackApi;
  let dir: ReturnType<typeof createTempDir>;
  let dbPath: string;
  const opened: Array<{ worker: OutboxWorker; close(): Promise<void> }> = [];

  async function openOutbox(options: { concurrency?: number; slack?: boolean; leaseMs?: number } = {}) {
    const database = openDatabase({ url: dbPath, synchronous: 'normal' });
    await runMigrations(database);
    const registry = createMetricsRegistry({ collectDefaults: false });
    const repository = createOutboxRepository({ db: database.db, clock: systemClock });
    const metrics = createOutboxMetrics(registry, { repository, clock: systemClock });
    const slackClient = options.slack === false ? null : new WebClient('xoxb-test', { ...OUTBOX_WEB_CLIENT_OPTIONS, slackApiUrl: fake.url, timeout: 2000, logLevel: LogLevel.ERROR });
    const worker = createOutboxWorker({
      repository,
      slackClient,
      clock: systemClock,
      logger,
      metrics,
      concurrency: options.concurrency ?? 4,
      pollMs: 10_000,
      leaseMs: options.leaseMs ?? 5000,
      retryPolicy: FAST_RETRIES,
      rng: createSeededRandom(42),
      webhookTimeoutMs: 1000,
    });
    const handle = { database, repository, metrics, registry, worker, close: () => database.close() };
    opened.push(handle);
    return handle;
  }

  async function enqueueAll(outbox: Awaited<ReturnType<typeof openOutbox>>, messages: OutboxMessageInput[]) {
    const ids: string[] = [];
    for (const message of messages) ids.push((await outbox.repository.enqueue(message)).id);
    outbox.worker.notify();
    return ids;
  }

  const deliveredTexts = (channel: string) =>
    fake
      .calls('chat.postMessage')
      .filter((call) => call.ok && call.body.channel === channel)
      .map((call) => call.body.text);

  beforeAll(async () => {
    fake = await startFakeSlackApi();
  });
  beforeEach(() => {
    dir = createTempDir('vigil-outbox-');
    dbPath = join(dir.path, 'vigil.db');
  });
  afterEach(async () => {
    for (const handle of opened.splice(0)) {
      await handle.worker.stop();
      await handle.close();
    }
    fake.reset();
    dir.remove();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await fake.close();
  });

  it('delivers every message exactly once and in order per channel through a 429 storm', async () => {
    const outbox = await openOutbox();
    const outcomes = watchOutcomes();
    outcomes.watch(outbox.worker);
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 3);
    const channels = ['C1', 'C2', 'C3'];
    const expected = Object.fromEntries(channels.map((channel) => [channel, [1, 2, 3, 4].map((n) => `${channel}-${n}`)]));
    outbox.worker.start();
    await enqueueAll(outbox, [1, 2, 3, 4].flatMap((n) => channels.map((channel) => post(channel, `${channel}-${n}`))));

    await outcomes.settled(12);
    expect(outcomes.failed).toEqual([]);
    for (const channel of channels) expect(deliveredTexts(channel)).toEqual(expected[channel]);
    expect(fake.calls('chat.postMessage').filter((call) => call.status === 429)).toHaveLength(3);
    const retried = (await outbox.metrics.retried.get()).values;
    expect(retried).toContainEqual(expect.objectContaining({ labels: { kind: 'slack', method: 'chat.postMessage', reason: 'rate_limited' }, value: 3 }));
    // A rate-limited channel waited its full Retry-After before its next call.
    const limited = fake.calls('chat.postMessage').find((call) => call.status === 429)!;
    const nextOnChannel = fake.calls('chat.postMessage').find((call) => call.at > limited.at && call.body.channel === limited.body.channel)!;
    expect(nextOnChannel.at - limited.at).toBeGreaterThanOrEqual(990);
  });

  it('retries server errors with backoff until the message goes through', async () => {
    const outbox = await openOutbox();
    const outcomes = watchOutcomes();
    outcomes.watch(outbox.worker);
    fake.failNext('chat.postMessage', { status: 500 }, 2);
    outbox.worker.start();
    const [id] = await enqueueAll(outbox, [post('C1', 'after the outage')]);

    await outcomes.settled(1);
    expect(fake.calls('chat.postMessage').map((call) => call.status)).toEqual([500, 500, 200]);
    expect(await outbox.repository.findById(id!)).toMatchObject({ status: 'delivered', attempts: 3, response: { channel: 'C1' } });
    expect(outcomes.delivered.map((row) => row.id)).toEqual([id]);
  });

  it('fails a message to a missing channel once, reports it, and leaves other channels alone', async () => {
    let ts = 0;
    fake.respondTo('chat.postMessage', (body) =>
      body.channel === 'CGONE' ? { ok: false, error: 'channel_not_found' } : { ok: true, channel: body.channel, ts: `1730000000.${String(++ts).padStart(6, '0')}` },
    );
    const outbox = await openOutbox();
    const outcomes = watchOutcomes();
    outcomes.watch(outbox.worker);
    outbox.worker.start();
    const [goneId] = await enqueueAll(outbox, [post('CGONE', 'lost card'), post('C1', 'card 1'), post('C2', 'card 2'), post('C1', 'card 3')]);

    await outcomes.settled(4);
    expect(outcomes.failed).toEqual([{ row: expect.objectContaining({ id: goneId, status: 'failed', attempts: 1 }), error: { code: 'channel_not_found', message: 'channel_not_found' } }]);
    expect(fake.calls('chat.postMessage').filter((call) => call.body.channel === 'CGONE')).toHaveLength(1);
    expect(deliveredTexts('C1')).toEqual(['card 1', 'card 3']);
    expect(deliveredTexts('C2')).toEqual(['card 2']);
    const failed = (await outbox.metrics.failed.get()).values;
    expect(failed).toEqual([{ labels: { kind: 'slack', method: 'chat.postMessage', code: 'channel_not_found' }, value: 1 }]);
  });

  it('sends an update with the ts of the post it follows, resolved once the post is delivered', async () => {
    const outbox = await openOutbox();
    const outcomes = watchOutcomes();
    outcomes.watch(outbox.worker);
    const release = fake.holdNext('chat.postMessage');
    outbox.worker.start();
    const postId = (await outbox.repository.enqueue(post('C1', 'card'))).id;
    await enqueueAll(outbox, [{ kind: 'slack', method: 'chat.update', payload: { channel: 'C1', ts: outboxRef(postId), text: 'card (approved)' }, purpose: PURPOSE }]);
    setTimeout(release, 100);

    const update = await fake.waitFor('chat.update');
    const posted = fake.lastCall('chat.postMessage')!;
    const { response } = (await outbox.repository.findById(postId))!;
    expect(update.body).toMatchObject({ channel: 'C1', ts: response!.ts, text: 'card (approved)' });
    expect(update.at).toBeGreaterThanOrEqual(posted.at);
    await outcomes.settled(2);
    expect(outcomes.delivered.map((row) => row.method)).toEqual(['chat.postMessage', 'chat.update']);
  });

  it('fails an update whose post failed for good, naming the reason', async () => {
    const outbox = await openOutbox();
    const outcomes = watchOutcomes();
    outcomes.watch(outbox.worker);
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    outbox.worker.start();
    const postId = (await outbox.repository.enqueue(post('C1', 'card'))).id;
    await enqueueAll(outbox, [{ kind: 'slack', method: 'chat.update', payload: { channel: 'C1', ts: outboxRef(postId), text: 'x' }, purpose: PURPOSE }]);

    await outcomes.settled(2);
    expect(outcomes.failed.map(({ error }) => error)).toEqual([
      { code: 'not_in_channel', message: 'not_in_channel' },
      { code: 'ref_failed', message: `ref_failed: referenced message ${postId} failed: not_in_channel` },
    ]);
    expect(fake.calls('chat.update')).toEqual([]);
  });

  it('delivers the rest of a pending outbox after a restart, nothing twice', async () => {
    const first = await openOutbox({ concurrency: 1 });
    const outcomes = watchOutcomes();
    outcomes.watch(first.worker);
    const texts = Array.from({ length: 12 }, (_, n) => `msg-${n}`);
    first.worker.start();
    await enqueueAll(first, texts.map((text, n) => post(n % 2 ? 'C1' : 'C2', text)));
    await outcomes.settled(3);
    await first.worker.stop();
    await first.close();
    const sentBefore = fake.calls('chat.postMessage').length;
    expect(sentBefore).toBeLessThan(12);

    const second = await openOutbox();
    outcomes.watch(second.worker);
    second.worker.start();
    await outcomes.settled(12);
    const sent = fake.calls('chat.postMessage').map((call) => call.body.text);
    expect([...sent].sort()).toEqual([...texts].sort());
    expect(deliveredTexts('C1')).toEqual(texts.filter((_, n) => n % 2));
    expect(deliveredTexts('C2')).toEqual(texts.filter((_, n) => n % 2 === 0));
  });

  it('sends a message a crashed process held once its lease expires', async () => {
    const crashed = await openOutbox();
    const { id } = await crashed.repository.enqueue(post('C1', 'held by a dead process'));
    const claimedAt = Date.now();
    expect(await crashed.repository.claim({ owner: 'dead-process', limit: 1, leaseMs: 300, kinds: ['slack'] })).toHaveLength(1);

    const survivor = await openOutbox();
    const outcomes = watchOutcomes();
    outcomes.watch(survivor.worker);
    survivor.worker.start();
    await outcomes.settled(1);
    // Not before the dead process's 300 ms lease ran out.
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(300);
    expect(await survivor.repository.findById(id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(deliveredTexts('C1')).toEqual(['held by a dead process']);
  });

  it('never sends a message twice with a second process working the same database file', async () => {
    const local = await openOutbox({ concurrency: 3 });
    const outcomes = watchOutcomes();
    outcomes.watch(local.worker);
    const other = await startOutboxProcess(dbPath, fake.url);
    local.worker.start();
    const channels = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
    const texts = Array.from({ length: 48 }, (_, n) => `${channels[n % channels.length]}-${n}`);
    // Enqueued after both workers run, so they compete for every claim.
    await enqueueAll(local, texts.map((text) => post(text.split('-')[0]!, text)));

    await fake.waitFor('chat.postMessage', () => fake.calls('chat.postMessage').filter((call) => call.ok).length >= texts.length, 10_000);
    const deliveredByOther = await other.stop();
    const sent = fake.calls('chat.postMessage').map((call) => call.body.text);
    expect(sent).toHaveLength(texts.length);
    expect(new Set(sent).size).toBe(texts.length);
    for (const channel of channels) expect(deliveredTexts(channel)).toEqual(texts.filter((text) => text.startsWith(`${channel}-`)));
    // Both processes took part, and between them sent each message once.
    expect(deliveredByOther.length).toBeGreaterThan(0);
    expect(outcomes.delivered.length).toBeGreaterThan(0);
    expect(outcomes.delivered.length + deliveredByOther.length).toBe(texts.length);
  });

  it('posts a card to Slack well under a second after the enqueue, without waiting for a poll', async () => {
    const outbox = await openOutbox();
    outbox.worker.start();
    const startedAt = Date.now();
    await enqueueAll(outbox, [post('C1', 'fast card')]);
    await fake.waitFor('chat.postMessage', (call) => call.ok);
    expect(Date.now() - startedAt).toBeLessThan(500);
  });

  it('keeps Slack messages pending while Slack is off, and still sends webhooks', async () => {
    const receiver = await startReceiver(() => 200);
    const outbox = await openOutbox({ slack: false });
    const outcomes = watchOutcomes();
    outcomes.watch(outbox.worker);
    outbox.worker.start();
    const [slackId, hookId] = await enqueueAll(outbox, [
      post('C1', 'waits for Slack'),
      { kind: 'webhook', orderKey: webhookOrderKey('support-bot'), payload: { url: receiver.url, body: { n: 1 } }, purpose: PURPOSE },
    ]);

    await outcomes.settled(1);
    expect(outcomes.delivered.map((row) => row.id)).toEqual([hookId]);
    expect(await outbox.repository.findById(slackId!)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(fake.calls()).toEqual([]);
    expect(await outbox.registry.getSingleMetricAsString('vigil_outbox_queue_depth')).toContain('vigil_outbox_queue_depth{kind="slack"} 1');
    const ages = (await outbox.metrics.oldestAge.get()).values;
    expect(ages.find((sample) => sample.labels.kind === 'slack')!.value).toBeGreaterThan(0);
    expect(ages.find((sample) => sample.labels.kind === 'webhook')!.value).toBe(0);
    await receiver.close();
  });

  it('retries a webhook the receiver failed with a 500 and shows it delivered', async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 500 : 200));
    const outbox = await openOutbox();
    const outcomes = watchOutcomes();
    outcomes.watch(outbox.worker);
    outbox.worker.start();
    const body = { type: 'guardrail.tightened', source: 'support-bot', version: 7 };
    const [id] = await enqueueAll(outbox, [{ kind: 'webhook', orderKey: webhookOrderKey('support-bot'), payload: { url: receiver.url, headers: { 'x-source': 'support-bot' }, body }, purpose: PURPOSE, purposeRef: 'grv_7' }]);

    await outcomes.settled(1);
    expect(receiver.requests.map((request) => request.status)).toEqual([500, 200]);
    for (const request of receiver.requests) {
      expect(JSON.parse(request.body)).toEqual(body);
      expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'x-vigil-delivery': id, 'x-source': 'support-bot' });
    }
    const [row] = await outbox.repository.listByPurpose(PURPOSE, 'grv_7');
    expect(row).toMatchObject({ id, status: 'delivered', attempts: 2, response: { status: 200 }, lastError: null });
    await receiver.close();
  });
});

/**
 * A second outbox process on the same database file (`node --import tsx`), polling every
 * 20 ms. It prints the id of each message it delivered; `stop()` ends it with SIGTERM,
 * which stops its worker cleanly, and returns those ids.
 */
async function startOutboxProcess(dbPath: string, slackApiUrl: string) {
  const src = (path: string) => pathToFileURL(join(REPO_ROOT, path)).href;
  const script = `
    import { WebClient, LogLevel } from '@slack/web-api';
    import { openDatabase, runMigrations } from '${src('src/platform/db.ts')}';
    import { createLogger } from '${src('src/platform/logger.ts')}';
    import { createMetricsRegistry } from '${src('src/platform/metrics.ts')}';
    import { OUTBOX_WEB_CLIENT_OPTIONS } from '${src('src/modules/outbox/outbox-senders.worker.ts')}';
    import { createOutboxMetrics } from '${src('src/modules/outbox/outbox.metrics.ts')}';
    import { createOutboxRepository } from '${src('src/modules/outbox/outbox.repository.ts')}';
    import { createOutboxWorker } from '${src('src/modules/outbox/outbox.worker.ts')}';
    import { systemClock } from '${src('src/shared/clock.ts')}';
    const database = openDatabase({ url: process.env.DB_PATH, synchronous: 'normal' });
    await runMigrations(database);
    const repository = createOutboxRepository({ db: database.db, clock: systemClock });
    const metrics = createOutboxMetrics(createMetricsRegistry({ collectDefaults: false }), { repository, clock: systemClock });
    const slackClient = new WebClient('xoxb-test', { ...OUTBOX_WEB_CLIENT_OPTIONS, slackApiUrl: process.env.SLACK_API_URL, logLevel: LogLevel.ERROR });
    const worker = createOutboxWorker({ repository, slackClient, clock: systemClock, logger: createLogger({ level: 'silent' }), metrics, concurrency: 3, pollMs: 20, leaseMs: 5000 });
    worker.onDelivered('${PURPOSE}', (row) => void process.stdout.write('delivered ' + row.id + '\\n'));
    process.once('SIGTERM', async () => { await worker.stop(); await database.close(); process.exit(0); });
    worker.start();
    process.stdout.write('ready\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', DB_PATH: dbPath, SLACK_API_URL: slackApiUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => (children.delete(child), resolve(code))));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('ready\n')) resolve();
    });
    void exited.then((code) => reject(new Error(`outbox child exited with ${code}: ${stderr}`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      return stdout.split('\n').flatMap((line) => (line.startsWith('delivered ') ? [line.slice('delivered '.length)] : []));
    },
  };
}

async function startReceiver(statusFor: (n: number) => number) {
  const requests: Array<{ status: number; body: string; headers: IncomingMessage['headers'] }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = statusFor(requests.length + 1);
      requests.push({ status, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/vigil`,
    requests,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
