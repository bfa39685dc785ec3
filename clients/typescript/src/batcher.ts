import { backoffDelay, sleep } from './backoff.js';
import type { VigilEvent, VigilStats } from './types.js';

export interface BatcherOptions {
  /** Sends one batch; resolves with Vigil's answer, throws on network failure or timeout. */
  send(events: VigilEvent[], signal: AbortSignal): Promise<{ status: number; body: unknown }>;
  maxBatchSize: number;
  flushIntervalMs: number;
  maxQueueSize: number;
  retryBaseMs: number;
  retryMaxMs: number;
  onError(error: Error): void;
}

// One sender at a time: a failed batch is retried as is (same ids, so Vigil stores each event
// once) while new events wait in a bounded queue that drops its oldest when full.
export class Batcher {
  private queue: VigilEvent[] = [];
  private inFlight = 0;
  private sending: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly stopping = new AbortController();
  readonly stats: Omit<VigilStats, 'queued'> = { accepted: 0, duplicates: 0, dropped: 0, rejected: 0, retries: 0 };

  constructor(private readonly options: BatcherOptions) {}

  get queued(): number {
    return this.queue.length + this.inFlight;
  }

  add(event: VigilEvent): void {
    if (this.stopping.signal.aborted) {
      this.stats.dropped += 1;
      return;
    }
    this.queue.push(event);
    if (this.queue.length > this.options.maxQueueSize) {
      this.queue.shift();
      this.stats.dropped += 1;
    }
    if (this.queue.length >= this.options.maxBatchSize) this.kick();
    else this.timer ??= unref(setTimeout(() => this.kick(), this.options.flushIntervalMs));
  }

  /** Resolves once everything logged so far is sent (or refused, or dropped). */
  async flush(): Promise<void> {
    while ((this.queue.length > 0 && !this.stopping.signal.aborted) || this.sending) {
      this.kick();
      await this.sending;
    }
  }

  /** Like flush(), for at most `timeoutMs`: true when everything was sent. */
  async flushWithin(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const done = await Promise.race([this.flush().then(() => true as const), expired]);
    clearTimeout(timer);
    return done;
  }

  /** Flushes for at most `timeoutMs`, then stops: what is still queued counts as dropped. */
  async shutdown(timeoutMs: number): Promise<void> {
    await this.flushWithin(timeoutMs);
    this.stopping.abort();
    await this.sending;
    this.stats.dropped += this.queue.length;
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.sending || this.queue.length === 0) return;
    this.sending = this.drain().finally(() => {
      this.sending = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopping.signal.aborted) {
      const batch = this.queue.splice(0, this.options.maxBatchSize);
      this.inFlight = batch.length;
      const sent = await this.sendWithRetry(batch);
      this.inFlight = 0;
      if (!sent) this.queue.unshift(...batch);
    }
  }

  /** false when shutdown interrupted the retries (the batch goes back to the queue). */
  private async sendWithRetry(batch: VigilEvent[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopping.signal.aborted) return false;
      try {
        const { status, body } = await this.options.send(batch, this.stopping.signal);
        if (status === 202) {
          const result = body as { accepted?: number; duplicates?: number };
          this.stats.accepted += result.accepted ?? 0;
          this.stats.duplicates += result.duplicates ?? 0;
          return true;
        }
        if (status < 500 && status !== 408 && status !== 429) {
          this.stats.rejected += batch.length;
          this.options.onError(new Error(`Vigil refused ${batch.length} events (HTTP ${status}): ${JSON.stringify(body)}`));
          return true;
        }
      } catch (error) {
        if (attempt === 0) this.options.onError(error instanceof Error ? error : new Error(String(error)));
      }
      this.stats.retries += 1;
      await sleep(backoffDelay(attempt, this.options.retryBaseMs, this.options.retryMaxMs), this.stopping.signal);
    }
  }
}

function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
