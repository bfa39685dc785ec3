import { backoffDelay, sleep } from './backoff.js';

// The live guardrail of one source, kept current by a long poll on `GET /v1/guardrails/:source`
// (ETag + `?wait=`), so `check()` can answer from it: at once when the kill switch is on, and
// when Vigil cannot be asked, the kill switch and blocklist still apply before the fail policy.

interface GuardrailSpec {
  detectors?: Record<string, { action?: string }>;
  blocklist?: { words?: string[]; patterns?: string[] };
  kill_switch?: { on?: boolean; message?: string };
}

export interface CachedGuardrail {
  version: number;
  killSwitch: { on: boolean; message?: string };
  /** Compiled like the server's: words whole and case-insensitive, patterns with `giu`. */
  blocklist: RegExp[];
  blocklistBlocks: boolean;
}

export interface CachedVerdict {
  action: 'block';
  message?: string;
  reason: 'kill_switch' | 'blocklist';
  version: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileGuardrail(version: number, spec: GuardrailSpec): CachedGuardrail {
  const words = (spec.blocklist?.words ?? []).map((word) => new RegExp(`(?<![\\p{L}\\p{N}])${word.trim().split(/\s+/).map(escapeRegExp).join('\\s+')}(?![\\p{L}\\p{N}])`, 'iu'));
  const patterns: RegExp[] = [];
  for (const pattern of spec.blocklist?.patterns ?? []) {
    try {
      patterns.push(new RegExp(pattern, 'iu'));
    } catch {
      // A pattern this runtime cannot compile is left to the server's check.
    }
  }
  return {
    version,
    killSwitch: { on: spec.kill_switch?.on === true, ...(spec.kill_switch?.message ? { message: spec.kill_switch.message } : {}) },
    blocklist: [...words, ...patterns],
    blocklistBlocks: spec.detectors?.blocklist?.action === 'block',
  };
}

/** What the cached guardrail alone says about an output: block, or nothing to say. */
export function judgeFromCache(guardrail: CachedGuardrail | null, output: string): CachedVerdict | null {
  if (!guardrail) return null;
  if (guardrail.killSwitch.on) return { action: 'block', reason: 'kill_switch', version: guardrail.version, ...(guardrail.killSwitch.message ? { message: guardrail.killSwitch.message } : {}) };
  if (guardrail.blocklistBlocks && guardrail.blocklist.some((pattern) => pattern.test(output.normalize('NFKC')))) {
    return { action: 'block', reason: 'blocklist', version: guardrail.version };
  }
  return null;
}

export interface GuardrailCacheOptions {
  url: string;
  apiKey: string;
  source: string;
  fetch: typeof fetch;
  waitSeconds: number;
  retryBaseMs: number;
  retryMaxMs: number;
  onError: (error: Error) => void;
}

export class GuardrailCache {
  current: CachedGuardrail | null = null;
  private etag: string | null = null;
  private readonly stopping = new AbortController();
  private readonly loop: Promise<void>;

  constructor(private readonly options: GuardrailCacheOptions) {
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        await this.pollOnce();
        failures = 0;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        failures += 1;
        if (failures === 1) this.options.onError(error instanceof Error ? error : new Error(String(error)));
        await sleep(backoffDelay(failures, this.options.retryBaseMs, this.options.retryMaxMs), this.stopping.signal);
      }
    }
  }

  private async pollOnce(): Promise<void> {
    const wait = this.etag ? `?wait=${this.options.waitSeconds}` : '';
    const response = await this.options.fetch(`${this.options.url}/v1/guardrails/${encodeURIComponent(this.options.source)}${wait}`, {
      headers: { authorization: `Bearer ${this.options.apiKey}`, ...(this.etag ? { 'if-none-match': this.etag } : {}) },
      signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout((this.options.waitSeconds + 10) * 1000)]),
    });
    if (response.status === 304) return;
    if (!response.ok) throw new Error(`guardrail poll answered HTTP ${response.status}`);
    const body = (await response.json()) as { version: number; guardrail: GuardrailSpec };
    this.current = compileGuardrail(body.version, body.guardrail);
    this.etag = response.headers.get('etag');
  }
}
