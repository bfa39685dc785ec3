import { WebAPIRateLimitedError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { systemClock } from '../../shared/clock.ts';
import { createSeededRandom } from '../../shared/random.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import type { OutboxDeliveryError } from './outbox-hooks.worker.ts';
import { createOutboxMetrics } from './outbox.metrics.ts';
import { webhookOrderKey, type OutboxMessageInput } from './outbox.models.ts';
import { createOutboxRepository } from './outbox.repository.ts';
import type { OutboxRow } from './outbox.table.ts';
import { createOutboxWorker, type OutboxWorkerDeps } from './outbox.worker.ts';

// The worker on an in-memory database with a recording SlackClient and fetch: the
// behaviours the fake Slack server cannot show (log lines, hooks, pauses, shutdown).

const PURPOSE = 'test.message';
type Call = { method: string; args: Record<string, unknown>; at: number };

function createRecordingSlack(answer: (call: Call) => Promise<Record<string, unknown>> = async () => ({ ok: true, ts: '1.1' })) {
  const calls: Call[] = [];
  const method = (name: string) => async (args: Record<string, unknown>) => {
    const call = { method: name, args, at: Date.now() };
    calls.push(call);
    return answer(call);
  };
  const client = { chat: { postMessage: method('chat.postMessage'), update: method('chat.update') } } as unknown as SlackClient;
  return { calls, client };
}

describe('createOutboxWorker', () => {
  let database: TestDb;
  let logLines: Array<Record<string, any>>;
  let stops: Array<() => Promise<void>>;

  beforeEach(async () => {
    database = await createTestDb();
    logLines = [];
    stops = [];
  });
  afterEach(async () => {
    for (const stop of stops) await stop();
    await database.close();
  });

  function startWorker(overrides: Partial<OutboxWorkerDeps> & { slackClient: SlackClient | null }) {
    const repository = createOutboxRepository({ db: database.db, clock: systemClock });
    const registry = createMetricsRegistry({ collectDefaults: false });
    const metrics = createOutboxMetrics(registry, { repository, clock: systemClock });
    const readMetric = async (name: string) => (await registry.getMetricsAsJSON()).find((metric) => metric.name === name)?.values;
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => logLines.push(JSON.parse(line)) } });
    const worker = createOutboxWorker({
      repository,
      clock: systemClock,
      logger,
      metrics,
      pollMs: 10_000,
      retryPolicy: { baseMs: 10, capMs: 50, maxAttempts: 5, maxAgeMs: 60_000 },
      rng: createSeededRandom(3),
      ...overrides,
    });
    const finished: Array<{ row: OutboxRow; error?: OutboxDeliveryError }> = [];
    let waiters: Array<{ count: number; resolve(): void }> = [];
    const check = () => (waiters = waiters.filter((w) => (finished.length >= w.count ? (w.resolve(), false) : true)));
    worker.onDelivered(PURPOSE, (row) => void (finished.push({ row }), check()));
    worker.onFailed(PURPOSE, (row, error) => void (finished.push({ row, error }), check()));
    const settled = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${finished.length} of ${count} finished`)), 4000);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
        check();
      });
    stops.push(() => worker.stop());
    const enqueue = async (...messages: OutboxMessageInput[]) => {
      const ids = [];
      for (const message of messages) ids.push((await repository.enqueue({ purpose: PURPOSE, ...message })).id);
      worker.notify();
      return ids;
    };
    worker.start();
    return { worker, repository, readMetric, finished, settled, enqueue };
  }

  it('says once that Slack is off and leaves Slack messages pending while webhooks go out', async () => {
    const fakeFetch = (async () => new Response(null, { status: 200 })) as unknown as typeof fetch;
    const { repository, enqueue, worker, settled, finished } = startWorker({ slackClient: null, fetch: fakeFetch });
    const [slackId, hookId] = await enqueue(
      { kind: 'slack', method: 'chat.postMessage', payload: { channel: 'C1', text: 'card' } },
      { kind: 'webhook', orderKey: webhookOrderKey('support-bot'), payload: { url: 'https://app.example/hook', body: {} } },
    );
    await settled(1);
    worker.notify();
    await worker.stop();
    expect(finished.map(({ row }) => row.id)).toEqual([hookId]);
    expect(await repository.findById(slackId!)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(logLines.filter((line) => /Slack is off/.test(line.msg))).toHaveLength(1);
  });

  it('logs and counts a hook that throws, and does not run it again', async () => {
    const slack = createRecordingSlack();
    const { worker, readMetric, enqueue, settled, repository } = startWorker({ slackClient: slack.client });
    worker.onDelivered(PURPOSE, () => {
      throw new Error('card store unavailable');
    });
    const [id] = await enqueue({ kind: 'slack', method: 'chat.postMessage', payload: { channel: 'C1', text: 'card' } });
    await settled(1);
    await worker.stop();
    expect(logLines.find((line) => line.msg === 'outbox hook failed')).toMatchObject({ outboxId: id, purpose: PURPOSE, err: { message: 'card store unavailable' } });
    expect(await readMetric('vigil_outbox_hook_errors_total')).toEqual([{ labels: { purpose: PURPOSE, outcome: 'delivered' }, value: 1 }]);
    expect((await repository.findById(id!))!.hookedAt).not.toBeNull();
  });

  it('runs the hooks of a message another process delivered but died before hooking', async () => {
    const repository = createOutboxRepository({ db: database.db, clock: { now: () => Date.now() - 120_000 } });
    const { id } = await repository.enqueue({ kind: 'slack', method: 'chat.postMessage', payload: { channel: 'C1', text: 'card' }, purpose: PURPOSE });
    await repository.claim({ owner: 'dead-process', limit: 1, leaseMs: 1000, kinds: ['slack'] });
    await repository.complete(id, 'dead-process', { channel: 'C1', ts: '9.9' });

    const slack = createRecordingSlack();
    const { finished, settled } = startWorker({ slackClient: slack.client });
    await settled(1);
    expect(finished).toEqual([{ row: expect.objectContaining({ id, status: 'delivered', response: { channel: 'C1', ts: '9.9' } }) }]);
    expect(slack.calls).toEqual([]);
  });

  it('pauses a rate-limited method in every channel while other methods go on', async () => {
    let limited = false;
    const slack = createRecordingSlack(async (call) => {
      if (call.method === 'chat.update' && !limited) {
        limited = true;
        throw new WebAPIRateLimitedError(0.3);
      }
      return { ok: true, ts: '1.1' };
    });
    const { settled, readMetric, enqueue } = startWorker({ slackClient: slack.client, concurrency: 1 });
    await enqueue(
      { kind: 'slack', method: 'chat.update', payload: { channel: 'C1', ts: '1.1', text: 'a' } },
      { kind: 'slack', method: 'chat.update', payload: { channel: 'C2', ts: '2.2', text: 'b' } },
      { kind: 'slack', method: 'chat.postMessage', payload: { channel: 'C3', text: 'c' } },
    );
    await settled(3);
    const [first, ...rest] = slack.calls;
    expect(first).toMatchObject({ method: 'chat.update', args: { channel: 'C1' } });
    expect(rest.map((call) => call.method)).toEqual(['chat.postMessage', 'chat.update', 'chat.update']);
    const updatesAfter = rest.filter((call) => call.method === 'chat.update');
    for (const call of updatesAfter) expect(call.at - first!.at).toBeGreaterThanOrEqual(290);
    expect(await readMetric('vigil_outbox_retried_total')).toEqual([{ labels: { kind: 'slack', method: 'chat.update', reason: 'rate_limited' }, value: 1 }]);
  });

  it('finishes a send in flight before stop() resolves', async () => {
    let answer!: () => void;
    let called!: () => void;
    const arrived = new Promise<void>((resolve) => (called = resolve));
    const slack = createRecordingSlack(() => {
      called();
      return new Promise((resolve) => (answer = () => resolve({ ok: true, channel: 'C1', ts: '5.5' })));
    });
    const { worker, repository, enqueue } = startWorker({ slackClient: slack.client });
    const [id] = await enqueue({ kind: 'slack', method: 'chat.postMessage', payload: { channel: 'C1', text: 'card' } });
    await arrived;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    answer();
    await stopping;
    expect(await repository.findById(id!)).toMatchObject({ status: 'delivered', response: { channel: 'C1', ts: '5.5' } });
  });

  it('fails a method the Slack client does not offer', async () => {
    const slack = createRecordingSlack();
    const { finished, settled, enqueue } = startWorker({ slackClient: slack.client });
    await enqueue({ kind: 'slack', method: 'chat.scheduleMessage', payload: { channel: 'C1', text: 'later' } });
    await settled(1);
    expect(finished[0]!.error).toEqual({ code: 'unknown_method', message: 'unknown_method: chat.scheduleMessage' });
  });

  it('signs every webhook attempt at send time and retries a network failure', async () => {
    const attempts: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      attempts.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
      if (attempts.length === 1) throw new TypeError('fetch failed');
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch;
    let signed = 0;
    const signWebhook: OutboxWorkerDeps['signWebhook'] = ({ id, body }) => ({ 'x-signature': `sig-${++signed}-${id}-${body.length}` });
    const { settled, enqueue, repository } = startWorker({ slackClient: null, fetch: fakeFetch, signWebhook });
    const [id] = await enqueue({ kind: 'webhook', orderKey: webhookOrderKey('support-bot'), payload: { url: 'https://app.example/hook', body: { n: 1 } } });
    await settled(1);
    expect(attempts.map((a) => a.headers['x-signature'])).toEqual([`sig-1-${id}-7`, `sig-2-${id}-7`]);
    expect(await repository.findById(id!)).toMatchObject({ status: 'delivered', attempts: 2, response: { status: 204 } });
  });
});
