import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { GradingConfig } from './checks.config.ts';
import { readContext } from './checks.usecases.ts';
import { classifyOpenAIError, gradeContent, generateGraderNonce, type GraderCallResult } from './graders/grader.client.ts';
import type { GraderPrompt } from './graders/grader-prompts.models.ts';
import { computeBackoffMs, createCallBudget, createCircuitBreaker } from './graders/grader-resilience.models.ts';
import type { Flag } from './checks.models.ts';
import type { GradingMetrics } from './grading.metrics.ts';
import type { ClaimedJob, GraderFlagPolicy, GradingRepository } from './grading.repository.ts';

// Drains the persisted grading queue: bounded concurrency, a per-minute call
// budget, a circuit breaker, retries with backoff that honour Retry-After, and a
// cache by (grader version, content hash). A grading that cannot be done marks the
// event grader_unavailable so it can be sampled for humans, never "passed".

const LEASE_MS = 5 * 60_000;
const POLL_MS = 1_000;

export interface GradingWorkerDeps {
  repository: GradingRepository;
  openai: OpenAI;
  prompts: ReadonlyMap<string, GraderPrompt>;
  config: GradingConfig;
  flagPolicy: GraderFlagPolicy;
  clock: Clock;
  rng: () => number;
  logger: Logger;
  metrics: GradingMetrics;
  /** Called with event row numbers whose checks just completed (wakes the review sampler). */
  onEventsChecked?(seqs: number[]): void;
  /** Called with an event whose grading just added flags (auto-incident rules, e.g. a hijacked judge). */
  onEventFlagged?(event: { source: string; id: string; flags: Flag[] }): void;
}

export function hashGradedContent(job: Pick<ClaimedJob, 'input' | 'output' | 'metadata'>): string {
  const context = readContext(job.metadata) ?? '';
  return createHash('sha256').update(`${job.input ?? ''}\u0000${job.output}\u0000${context}`).digest('hex');
}

export function createGradingWorker(deps: GradingWorkerDeps) {
  const { repository, config, clock, logger } = deps;
  const breaker = createCircuitBreaker({ failureThreshold: config.breaker_failures, openMs: config.breaker_open_ms, now: () => clock.now() });
  const budget = createCallBudget({ perMinute: config.calls_per_minute, now: () => clock.now() });
  const abort = new AbortController();
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const active = new Set<Promise<void>>();

  const completed = (job: ClaimedJob, flags: Flag[] | null) => {
    if (flags === null) return;
    deps.metrics.countFlags(job.source, flags);
    deps.onEventsChecked?.([job.eventSeq]);
    if (flags.length > 0) deps.onEventFlagged?.({ source: job.source, id: job.eventId, flags });
  };

  async function giveUp(job: ClaimedJob, status: 'failed' | 'skipped', reason: string) {
    deps.metrics.calls.inc({ grader: job.grader, outcome: status });
    completed(job, await repository.giveUp(job, status, reason, clock.now(), deps.flagPolicy));
  }

  async function process(job: ClaimedJob): Promise<void> {
    const prompt = deps.prompts.get(job.grader);
    if (!prompt || prompt.version !== job.graderVersion) return giveUp(job, 'failed', `grader version ${job.graderVersion} is no longer loaded`);
    const contentHash = hashGradedContent(job);
    const cached = await repository.findCached(job.graderVersion, contentHash);
    const now = clock.now();
    if (cached) {
      deps.metrics.calls.inc({ grader: job.grader, outcome: 'cached' });
      const { score, label, reason, hijacked } = cached;
      const result = { contentHash, score, label, reason, hijacked, cached: true, createdAt: now };
      return completed(job, await repository.complete(job, result, now, deps.flagPolicy));
    }
    // Budget first: asking the breaker may take its one half-open probe, which must not be wasted.
    const blocked = budget.remaining() === 0 ? 'call budget exhausted' : breaker.canRequest() ? null : 'circuit open';
    if (blocked) {
      const deadline = job.createdAt + config.max_wait_ms;
      if (now >= deadline) return giveUp(job, 'skipped', blocked);
      // Never sleep past the deadline: the event must become reviewable on time, not when the budget refills.
      const wait = Math.max(budget.msUntilAvailable(), breaker.msUntilProbe(), 250);
      return repository.retryLater(job, Math.min(now + wait, deadline), `waiting: ${blocked}`, now, false);
    }
    budget.tryTake();
    let answer: GraderCallResult;
    try {
      answer = await gradeContent(
        { openai: deps.openai, now: () => clock.now() },
        prompt,
        { input: job.input ?? undefined, output: job.output, context: readContext(job.metadata) ?? undefined },
        { nonce: generateGraderNonce(), timeoutMs: config.timeout_ms, signal: abort.signal },
      );
    } catch (caught) {
      // Anything unexpected (say, an OpenAI-compatible server answering in an odd shape) is
      // retried as transient and ends as grader_unavailable, never as a job stuck in flight.
      const error = classifyOpenAIError(caught, 0);
      if (error.kind === 'aborted') return repository.retryLater(job, clock.now(), 'stopped', clock.now(), false);
      if (error.countsAgainstService) breaker.recordFailure();
      if (error.usage) deps.metrics.recordUsage(job.grader, error.model ?? prompt.model, error.usage, error.costUsd ?? null);
      const message = `${error.kind}: ${error.message}`.slice(0, 300);
      if (!error.isRetryable || job.attempts >= config.max_attempts) return giveUp(job, 'failed', message);
      deps.metrics.calls.inc({ grader: job.grader, outcome: 'retried' });
      const delay = computeBackoffMs(job.attempts, { baseMs: 1_000, maxMs: 60_000, retryAfterMs: error.retryAfterMs, rng: deps.rng });
      return repository.retryLater(job, clock.now() + delay, message, clock.now());
    }
    breaker.recordSuccess();
    deps.metrics.calls.inc({ grader: job.grader, outcome: answer.hijacked ? 'hijacked' : 'ok' });
    deps.metrics.recordUsage(job.grader, answer.model, answer.usage, answer.costUsd);
    const result = {
      contentHash,
      score: answer.score,
      label: answer.label,
      reason: answer.reason,
      hijacked: answer.hijacked,
      cached: false,
      model: answer.model,
      promptTokens: answer.usage.promptTokens,
      completionTokens: answer.usage.completionTokens,
      costUsd: answer.costUsd,
      latencyMs: Math.round(answer.latencyMs),
      createdAt: clock.now(),
    };
    completed(job, await repository.complete(job, result, clock.now(), deps.flagPolicy));
  }

  async function tick(): Promise<void> {
    if (!running) return;
    const free = config.concurrency - inFlight;
    if (free <= 0) return;
    const jobs = await repository.claimDue(clock.now(), free, LEASE_MS);
    for (const job of jobs) {
      inFlight++;
      const work = process(job)
        .catch((error: unknown) => logger.error({ err: error, jobId: job.id }, 'grading job crashed'))
        .finally(() => {
          inFlight--;
          active.delete(work);
          schedule(0);
        });
      active.add(work);
    }
    deps.metrics.queueDepth.set(await repository.countPending());
  }

  function schedule(delay: number) {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const run: Promise<void> = tick()
        .catch((error: unknown) => logger.error({ err: error }, 'grading tick failed'))
        .finally(() => {
          active.delete(run);
          schedule(POLL_MS);
        });
      active.add(run);
    }, delay);
  }

  return {
    start() {
      running = true;
      schedule(0);
    },
    notify() {
      schedule(0);
    },
    health(): 'ok' | 'degraded' | 'open' {
      return breaker.health();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      abort.abort();
      // A tick may be claiming jobs right now; its work joins `active` after this starts waiting.
      while (active.size > 0) await Promise.allSettled([...active]);
    },
  };
}

export type GradingWorker = ReturnType<typeof createGradingWorker>;
