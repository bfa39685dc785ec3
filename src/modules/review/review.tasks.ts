import type { ReviewContext } from './review-card.usecases.ts';
import { countDispatched, dispatchWithin, recordCardOutcomes } from './review-dispatch.usecases.ts';
import { countSampled, SAMPLER_BATCH, sampleWithin } from './review-sampler.usecases.ts';
import { sendSlaReminders } from './review-sla.usecases.ts';

// The review loop: record where sent cards landed, sample what ingestion and grading finished,
// send what the budgets allow, expire what waited too long, remind what is late. It is woken right after each commit
// (`notify`), so a flagged event reaches Slack in milliseconds, and polls as a fallback.
// It works from database state only, so a restart resumes exactly where it stopped.

export interface ReviewWorkerOptions {
  /** Fallback poll (events from another process, budget slots, TTLs). */
  pollMs?: number;
  /** How often the SLA sweep runs. */
  slaEveryMs?: number;
  /** How soon to read back the outcome of cards still in the outbox. */
  outcomeEveryMs?: number;
  /** False when Slack is off: items are sampled and expire, but no card is sent. */
  sendCards?: boolean;
}

export interface ReviewTickResult {
  sampled: number;
  created: number;
  sent: number;
  expired: number;
  reminded: number;
  nextSlotAt: number | null;
  /** Cards the outbox has not finished yet; their outcome is recorded by a later pass. */
  cardsInFlight: number;
}

/**
 * One full pass; exported for tests. Sampling and sending share one transaction per batch:
 * with a commit (and its fsync) per event, the review loop would be the database's busiest writer.
 */
export async function runReviewTasks(ctx: ReviewContext, options: { sla: boolean; sendCards?: boolean; outcomes?: boolean }): Promise<ReviewTickResult> {
  const result: ReviewTickResult = { sampled: 0, created: 0, sent: 0, expired: 0, reminded: 0, nextSlotAt: null, cardsInFlight: 0 };
  if (options.outcomes ?? true) result.cardsInFlight = (await recordCardOutcomes(ctx)).inFlight;
  const send = { send: options.sendCards ?? true };
  let queued = await ctx.repository.hasQueuedItems();
  for (;;) {
    const pending = await ctx.repository.hasPendingEvents();
    if (!pending && !queued) break;
    const now = ctx.clock.now();
    const pass = await ctx.repository.transaction(async (tx) => {
      const sampled = pending ? await sampleWithin(ctx, tx, now) : { processed: 0, created: [] };
      const dispatch = queued || sampled.created.length > 0 ? await dispatchWithin(ctx, tx, now, send) : null;
      return { sampled, dispatch };
    });
    countSampled(ctx, pass.sampled);
    result.sampled += pass.sampled.processed;
    result.created += pass.sampled.created.length;
    if (pass.dispatch) {
      countDispatched(ctx, pass.dispatch);
      result.sent += pass.dispatch.sent;
      result.expired += pass.dispatch.expired.length;
      result.nextSlotAt = pass.dispatch.nextSlotAt;
      if (pass.dispatch.sent > 0) ctx.notifyOutbox();
    }
    queued = pass.dispatch?.more ?? false;
    if (pass.sampled.processed < SAMPLER_BATCH && !queued) break;
  }
  if (options.sla) result.reminded = await sendSlaReminders(ctx);
  if (result.sent > 0) result.cardsInFlight += result.sent;
  return result;
}

export function createReviewWorker(ctx: ReviewContext, options: ReviewWorkerOptions = {}) {
  const pollMs = options.pollMs ?? 5_000;
  const slaEveryMs = options.slaEveryMs ?? 30_000;
  const outcomeEveryMs = options.outcomeEveryMs ?? 500;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let queued = false;
  let active: Promise<void> | null = null;
  let again = false;
  let lastSlaAt = -Infinity;
  let lastOutcomesAt = -Infinity;

  async function runPasses(): Promise<void> {
    let nextSlotAt: number | null = null;
    let cardsInFlight = 0;
    try {
      do {
        again = false;
        // Cadences are process time, not the domain clock: a paused fake clock must not stop them.
        const now = performance.now();
        const sla = now - lastSlaAt >= slaEveryMs;
        if (sla) lastSlaAt = now;
        // Throttled: during a Slack outage thousands of cards can wait, and ingest wakes this loop often.
        const outcomes = now - lastOutcomesAt >= outcomeEveryMs;
        if (outcomes) lastOutcomesAt = now;
        ({ nextSlotAt, cardsInFlight } = await runReviewTasks(ctx, { sla, sendCards: options.sendCards, outcomes }));
        if (!outcomes) cardsInFlight = Math.max(cardsInFlight, 1);
        // Let HTTP requests and Slack clicks in between passes of a long backlog.
        if (again) await new Promise((resolve) => setImmediate(resolve));
      } while (again && running);
    } catch (error) {
      ctx.logger.error({ err: error }, 'review tasks failed; retrying at the next poll');
    }
    arm(nextSlotAt, cardsInFlight > 0);
  }

  /** One pass at a time; a wake-up during a pass runs another pass right after it. */
  function tick(): Promise<void> {
    if (active) {
      again = true;
      return active;
    }
    // `finally` runs after this assignment even when the pass never awaits.
    active = runPasses().finally(() => {
      active = null;
    });
    return active;
  }

  function arm(nextSlotAt: number | null, cardsInFlight: boolean) {
    clearTimeout(timer);
    if (!running) return;
    const untilSlot = nextSlotAt === null ? pollMs : Math.max(0, nextSlotAt - ctx.clock.now());
    // While cards are on their way, look again soon: where they landed (or why not) is read back in batches.
    timer = setTimeout(() => void tick(), Math.min(pollMs, untilSlot, cardsInFlight ? outcomeEveryMs : Infinity));
    timer.unref();
  }

  return {
    start() {
      running = true;
      void tick();
    },
    /** Wakes the loop after a commit; calls within the same turn coalesce into one pass. */
    notify() {
      if (!running || queued) return;
      queued = true;
      setImmediate(() => {
        queued = false;
        if (running) void tick();
      });
    },
    /** Runs every task now, the SLA sweep included; resolves when the pass is done. */
    async runNow(): Promise<void> {
      lastSlaAt = -Infinity;
      lastOutcomesAt = -Infinity;
      await tick();
      if (active) await active;
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      if (active) await active;
    },
  };
}

export type ReviewWorker = ReturnType<typeof createReviewWorker>;
