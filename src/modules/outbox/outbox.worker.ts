import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { createOutboxHooks, type DeliveredHandler, type FailedHandler } from './outbox-hooks.worker.ts';
import { collectPayloadRefs, resolvePayloadRefs } from './outbox-refs.models.ts';
import { sendSlackCall, sendWebhook, type SendOutcome, type WebhookSigner } from './outbox-senders.worker.ts';
import { decideAfterFailure, DEFAULT_RETRY_POLICY, type OutboxKind, type RetryPolicy, type WebhookPayload } from './outbox.models.ts';
import type { OutboxMetrics } from './outbox.metrics.ts';
import type { OutboxRepository } from './outbox.repository.ts';
import type { OutboxRow } from './outbox.table.ts';

export interface OutboxWorkerDeps {
  repository: OutboxRepository;
  /** Null when Slack is off: Slack messages then stay pending, they are not failed. */
  slackClient: SlackClient | null;
  fetch?: typeof fetch;
  clock: Clock;
  logger: Logger;
  metrics: OutboxMetrics;
  /** Sends in flight at once, each for a different order key. */
  concurrency?: number;
  /** Fallback poll; `notify()` after an enqueue is what keeps latency low. */
  pollMs?: number;
  /** How long a claim is exclusive; must exceed the Slack and webhook timeouts. */
  leaseMs?: number;
  webhookTimeoutMs?: number;
  retryPolicy?: RetryPolicy;
  rng?: () => number;
  signWebhook?: WebhookSigner;
}

export function createOutboxWorker(deps: OutboxWorkerDeps) {
  const { repository, slackClient, clock, metrics } = deps;
  const logger = deps.logger.child({ component: 'outbox' });
  const concurrency = deps.concurrency ?? 8;
  const pollMs = deps.pollMs ?? 5000;
  const leaseMs = deps.leaseMs ?? 60_000;
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const rng = deps.rng ?? Math.random;
  const fetchFn = deps.fetch ?? fetch;
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const kinds: OutboxKind[] = slackClient ? ['slack', 'webhook'] : ['webhook'];
  const hooks = createOutboxHooks({ repository, logger, metrics });
  // chat.postMessage is limited per channel (its order key's retry time covers that);
  // other methods are limited per workspace, so a 429 pauses the method everywhere.
  const pausedMethods = new Map<string, number>();
  const inFlight = new Map<string, Promise<void>>();
  let running = false;
  let pumping: Promise<void> | null = null;
  let pumpAgain = false;
  let pumpQueued = false;
  let timer: NodeJS.Timeout | undefined;
  let lastSweepAt = 0;

  const activePauses = () => {
    const now = clock.now();
    for (const [method, until] of pausedMethods) if (until <= now) pausedMethods.delete(method);
    return [...pausedMethods.keys()];
  };

  function schedulePump() {
    if (pumpQueued || !running) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      void pump();
    });
  }

  async function pump(): Promise<void> {
    if (!running) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = (async () => {
      try {
        do {
          pumpAgain = false;
          const free = concurrency - inFlight.size;
          const rows = free > 0 ? await repository.claim({ owner, limit: free, leaseMs, kinds, excludeMethods: activePauses() }) : [];
          for (const row of rows) track(row);
        } while (pumpAgain && running);
        await sweepUnhooked();
        await scheduleWake();
        if (pumpAgain) schedulePump();
      } catch (error) {
        logger.error({ err: error }, 'outbox claim failed; retrying at the next poll');
        armTimer(pollMs);
      }
    })();
    await pumping;
    pumping = null;
  }

  async function scheduleWake() {
    if (!running) return;
    const now = clock.now();
    let wakeAt = now + pollMs;
    if (inFlight.size < concurrency) {
      const dueAt = await repository.readNextDueAt({ kinds, excludeMethods: activePauses() });
      if (dueAt !== null) wakeAt = Math.min(wakeAt, dueAt);
    }
    for (const until of pausedMethods.values()) wakeAt = Math.min(wakeAt, until);
    armTimer(Math.max(0, wakeAt - now));
  }

  function armTimer(delayMs: number) {
    clearTimeout(timer);
    if (!running) return;
    // Not unref'd: a running worker keeps its process alive until stop(), like a server.
    timer = setTimeout(() => void pump(), delayMs);
  }

  // Hooks of rows another process finished but could not hook (it died in between).
  async function sweepUnhooked() {
    const now = clock.now();
    if (now - lastSweepAt < pollMs) return;
    lastSweepAt = now;
    for (const row of await repository.listUnhooked({ finishedBefore: now - leaseMs, limit: 100 })) await hooks.run(row);
  }

  function track(row: OutboxRow) {
    const work = deliver(row)
      .catch((error: unknown) => logger.error({ err: error, outboxId: row.id }, 'outbox delivery bookkeeping failed'))
      .finally(() => {
        inFlight.delete(row.id);
        schedulePump();
      });
    inFlight.set(row.id, work);
  }

  async function deliver(row: OutboxRow) {
    const startedAt = performance.now();
    const outcome = await send(row);
    metrics.sendDuration.observe({ kind: row.kind, method: row.method }, (performance.now() - startedAt) / 1000);
    if (outcome.ok) {
      if (!(await repository.complete(row.id, owner, outcome.response))) return warnLeaseLost(row);
      metrics.delivered.inc({ kind: row.kind, method: row.method });
      logger.debug({ outboxId: row.id, method: row.method, attempts: row.attempts }, 'outbox message delivered');
    } else {
      const { failure } = outcome;
      const error = 'detail' in failure && failure.detail ? `${failure.code}: ${failure.detail}` : failure.code;
      const decision = decideAfterFailure(row, failure, clock.now(), rng, policy);
      const log = { outboxId: row.id, kind: row.kind, method: row.method, orderKey: row.orderKey, attempts: row.attempts, code: failure.code };
      if (decision.action === 'retry') {
        if (failure.kind === 'rate_limited' && row.kind === 'slack' && row.method !== 'chat.postMessage') pausedMethods.set(row.method, decision.nextAttemptAt);
        if (!(await repository.reschedule(row.id, owner, { nextAttemptAt: decision.nextAttemptAt, error }))) return warnLeaseLost(row);
        metrics.retried.inc({ kind: row.kind, method: row.method, reason: failure.code === 'ref_pending' ? 'ref_pending' : failure.kind });
        logger.info({ ...log, retryInMs: decision.nextAttemptAt - clock.now() }, 'outbox send failed; will retry');
        return;
      }
      const finalError = decision.code === failure.code ? error : `${decision.code}: ${decision.reason}; last error ${error}`;
      if (!(await repository.fail(row.id, owner, finalError))) return warnLeaseLost(row);
      metrics.failed.inc({ kind: row.kind, method: row.method, code: decision.code });
      logger.warn({ ...log, code: decision.code }, 'outbox message failed for good');
    }
    const finished = await repository.findById(row.id);
    if (finished) await hooks.run(finished);
  }

  async function send(row: OutboxRow): Promise<SendOutcome> {
    try {
      const refIds = collectPayloadRefs(row.payload);
      let payload = row.payload;
      if (refIds.length > 0) {
        const targets = new Map((await repository.findByIds(refIds)).map((target) => [target.id, target]));
        const resolution = resolvePayloadRefs(row.payload, (id) => targets.get(id));
        if (!resolution.ok && resolution.reason === 'pending') {
          return { ok: false, failure: { kind: 'retryable', code: 'ref_pending', detail: `waiting for ${resolution.outboxId}` } };
        }
        if (!resolution.ok) return { ok: false, failure: { kind: 'permanent', code: `ref_${resolution.reason}`, detail: resolution.detail } };
        payload = resolution.payload;
      }
      if (row.kind === 'slack') {
        if (!slackClient) return { ok: false, failure: { kind: 'retryable', code: 'slack_off' } };
        return await sendSlackCall(slackClient, row.method, payload);
      }
      const webhook = payload as unknown as WebhookPayload;
      return await sendWebhook(fetchFn, { id: row.id, payload: webhook, timeoutMs: deps.webhookTimeoutMs ?? 10_000, now: clock.now(), sign: deps.signWebhook });
    } catch (error) {
      return { ok: false, failure: { kind: 'retryable', code: 'unexpected_error', detail: error instanceof Error ? error.message : String(error) } };
    }
  }

  function warnLeaseLost(row: OutboxRow) {
    logger.warn({ outboxId: row.id, method: row.method, leaseMs }, 'outbox lease expired before the send finished; another process may send it again');
  }

  return {
    onDelivered: (purpose: string, handler: DeliveredHandler) => hooks.onDelivered(purpose, handler),
    onFailed: (purpose: string, handler: FailedHandler) => hooks.onFailed(purpose, handler),
    /** Wakes the worker now; call it after the transaction that enqueued a message commits. */
    notify: schedulePump,
    start() {
      if (running) return;
      running = true;
      lastSweepAt = -Infinity;
      if (!slackClient) logger.info('Slack is off: Slack messages stay pending in the outbox until Slack is configured');
      schedulePump();
    },
    /** Stops claiming, then waits for the sends in flight (and their hooks) to finish. */
    async stop() {
      running = false;
      clearTimeout(timer);
      if (pumping) await pumping;
      while (inFlight.size > 0) await Promise.all(inFlight.values());
    },
    owner,
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
