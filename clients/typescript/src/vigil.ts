import { Batcher } from './batcher.js';
import { GuardrailCache, judgeFromCache, type CachedVerdict } from './guardrail-cache.js';
import { VigilError, type CheckRequest, type CheckResult, type VigilEvent, type VigilStats } from './types.js';

export interface VigilOptions {
  /** Vigil's base URL, e.g. http://vigil.internal:3000 */
  url: string;
  apiKey: string;
  /** Default `source` for events and checks that name none. */
  source?: string;
  /**
   * What `check()` answers when Vigil cannot (timeout, network error, 5xx): `open` allows the
   * output, `closed` blocks it. No default on purpose: it is the app's risk decision.
   */
  failMode: 'open' | 'closed';
  checkTimeoutMs?: number;
  maxBatchSize?: number;
  flushIntervalMs?: number;
  /** Events kept while Vigil is away; beyond it the oldest are dropped and counted. */
  maxQueueSize?: number;
  requestTimeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * Keep the default source's live guardrail in memory (a long poll on /v1/guardrails): `check()`
   * then blocks at once while the kill switch is on, and applies the kill switch and blocklist
   * before `failMode` when Vigil cannot be asked. Off by default: the poll keeps the process alive
   * until `shutdown()`, which a short script may not call.
   */
  cacheGuardrail?: boolean;
  /** Told about failed sends (first failure of a batch) and refused batches; defaults to silence. */
  onError?: (error: Error) => void;
  fetch?: typeof fetch;
}

export class Vigil {
  private readonly batcher: Batcher;
  private readonly fetch: typeof fetch;
  private readonly base: string;
  private readonly guardrail: GuardrailCache | null;

  constructor(private readonly options: VigilOptions) {
    if (options.failMode !== 'open' && options.failMode !== 'closed') throw new TypeError("Vigil: failMode must be 'open' or 'closed'");
    this.base = options.url.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.batcher = new Batcher({
      send: async (events, stopping) => {
        const response = await this.post('/v1/events', { events }, AbortSignal.any([stopping, AbortSignal.timeout(requestTimeoutMs)]));
        return { status: response.status, body: await response.json().catch(() => null) };
      },
      maxBatchSize: Math.min(options.maxBatchSize ?? 100, 1000),
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      maxQueueSize: options.maxQueueSize ?? 10_000,
      retryBaseMs: options.retryBaseMs ?? 200,
      retryMaxMs: options.retryMaxMs ?? 30_000,
      onError: options.onError ?? (() => {}),
    });
    this.guardrail =
      options.source && options.cacheGuardrail === true
        ? new GuardrailCache({
            url: this.base, apiKey: options.apiKey, source: options.source, fetch: this.fetch, waitSeconds: 30,
            retryBaseMs: options.retryBaseMs ?? 200, retryMaxMs: options.retryMaxMs ?? 30_000, onError: options.onError ?? (() => {}),
          })
        : null;
  }

  /** Queues the event and returns its id at once; it is sent in the background. */
  log(event: VigilEvent): string {
    const source = event.source ?? this.options.source;
    if (!source) throw new TypeError('Vigil.log: the event needs a source (or pass `source` to new Vigil)');
    if (typeof event.output !== 'string') throw new TypeError('Vigil.log: output must be a string');
    const id = event.id ?? globalThis.crypto.randomUUID(); // Web Crypto: Node ≥ 19 and browsers alike
    this.batcher.add({ ...event, id, source, occurred_at: event.occurred_at ?? new Date().toISOString() });
    return id;
  }

  /** Waits until everything logged so far is sent; with `timeoutMs`, false if that ran out first. */
  async flush(options: { timeoutMs?: number } = {}): Promise<boolean> {
    if (options.timeoutMs === undefined) {
      await this.batcher.flush();
      return true;
    }
    return this.batcher.flushWithin(options.timeoutMs);
  }

  /** Sends what is queued (for at most `timeoutMs`), then stops; call it before the process exits. */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<VigilStats> {
    await Promise.all([this.batcher.shutdown(options.timeoutMs ?? 5000), this.guardrail?.stop()]);
    return this.stats();
  }

  stats(): VigilStats {
    return { queued: this.batcher.queued, ...this.batcher.stats };
  }

  /**
   * Asks Vigil whether the output may be shown. Timeouts, network errors and 5xx answers follow
   * `failMode`; a 4xx (bad key, unknown source, invalid body) throws: it is a bug, not an outage.
   */
  async check(request: CheckRequest): Promise<CheckResult> {
    const source = request.source ?? this.options.source;
    if (!source) throw new TypeError('Vigil.check: the request needs a source (or pass `source` to new Vigil)');
    const cached = source === this.options.source ? (this.guardrail?.current ?? null) : null;
    // The kill switch blocks everything: no need to ask.
    if (cached?.killSwitch.on) return this.fromCache(judgeFromCache(cached, request.output)!);
    let response: Response;
    try {
      response = await this.post('/v1/check', { ...request, source }, AbortSignal.timeout(this.options.checkTimeoutMs ?? 1000));
    } catch (error) {
      return this.failed(error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'unavailable', cached === null ? null : judgeFromCache(cached, request.output));
    }
    if (response.status >= 500) return this.failed('unavailable', cached === null ? null : judgeFromCache(cached, request.output));
    const body = (await response.json().catch(() => null)) as (CheckResult & { error?: { code: string; message: string } }) | null;
    if (!response.ok || !body) throw new VigilError(`Vigil check failed (HTTP ${response.status}): ${body?.error?.message ?? 'no body'}`, response.status, body?.error?.code);
    return body;
  }

  /** Vigil gave no answer: what the cached guardrail blocks stays blocked, the rest follows `failMode`. */
  private failed(reason: 'timeout' | 'unavailable', cachedVerdict: CachedVerdict | null): CheckResult {
    if (cachedVerdict) return { ...this.fromCache(cachedVerdict), failed: reason };
    return { action: this.options.failMode === 'open' ? 'allow' : 'block', flags: [], guardrail_version: null, failed: reason };
  }

  private fromCache(verdict: CachedVerdict): CheckResult {
    return {
      action: 'block',
      flags: [{ check: verdict.reason, severity: 'critical', origin: 'cached_guardrail' }],
      ...(verdict.message ? { message: verdict.message } : {}),
      guardrail_version: verdict.version,
      cached: true,
    };
  }

  private post(path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    return this.fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  }
}
