import type { Logger } from '../../platform/logger.ts';
import type { Severity } from '../checks/checks.models.ts';
import { compileBlocklist, type CompiledBlocklist } from '../checks/detectors/blocklist.detector.ts';
import { buildFieldViews } from '../checks/views.models.ts';
import type { GuardrailPolicy } from './guardrail-evaluation.models.ts';
import { formatGuardrailEtag, toGuardrailJson, type GuardrailVersion } from './guardrails.models.ts';
import type { GuardrailsRepository } from './guardrails.repository.ts';

// The current guardrail of every source, compiled once per version and held in memory so
// the check path never reads the database or compiles a regex. A version written in this
// process is installed at once; one written by another process (the CLI, a second
// instance) is noticed by a poll of max(version), an index probe per source.

/**
 * The blocklist's time budget on the check path: a pattern that is slow on hostile text costs
 * at most this, then the check fails closed. The budget is wall-clock time, so it leaves room
 * for a GC pause or a busy core: a budget of a few milliseconds blocked harmless outputs.
 */
export const CHECK_BLOCKLIST_TIMEOUT_MS = 50;
export const MAX_WAIT_MS = 60_000;

export interface CompiledGuardrail {
  version: GuardrailVersion;
  policy: GuardrailPolicy;
  blocklist: CompiledBlocklist | null;
  etag: string;
  /** GET /v1/guardrails/:source's body, serialised once per version. */
  json: string;
}

interface Waiter {
  after: number;
  resolve(guardrail: CompiledGuardrail | undefined): void;
}

export function createLiveGuardrails(options: {
  repository: GuardrailsRepository;
  sources: readonly string[];
  minSeverityOf(source: string): Severity;
  logger: Logger;
  pollMs?: number;
}) {
  const { repository, logger } = options;
  const current = new Map<string, CompiledGuardrail>();
  const blocklists = new Map<string, CompiledBlocklist | null>();
  const waiters = new Map<string, Set<Waiter>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  // A threshold change keeps the compiled blocklist: 500 patterns compile in tens of milliseconds.
  function compileBlocklistOf(version: GuardrailVersion): CompiledBlocklist | null {
    const { words, patterns } = version.spec.blocklist;
    if (words.length === 0 && patterns.length === 0) return null;
    const key = `${version.source}\u0000${JSON.stringify([words, patterns])}`;
    if (!blocklists.has(key)) {
      for (const old of blocklists.keys()) if (old.startsWith(`${version.source}\u0000`)) blocklists.delete(old);
      const compiled = compileBlocklist({ words, patterns, fields: ['output'], timeoutMs: CHECK_BLOCKLIST_TIMEOUT_MS });
      // The first run compiles the vm script and the regexes' native code: not on a real check.
      compiled.detect([buildFieldViews('output', 'warm up the blocklist before the first check')]);
      blocklists.set(key, compiled);
    }
    return blocklists.get(key) ?? null;
  }

  function install(version: GuardrailVersion): CompiledGuardrail {
    const installed = current.get(version.source);
    if (installed && installed.version.version >= version.version) return installed;
    const compiled: CompiledGuardrail = {
      version,
      policy: { version: version.version, spec: version.spec, minSeverity: options.minSeverityOf(version.source) },
      blocklist: compileBlocklistOf(version),
      etag: formatGuardrailEtag(version.source, version.version),
      json: JSON.stringify(toGuardrailJson(version)),
    };
    current.set(version.source, compiled);
    const waiting = waiters.get(version.source);
    for (const waiter of waiting ?? []) {
      if (waiter.after < version.version) {
        waiting!.delete(waiter);
        waiter.resolve(compiled);
      }
    }
    return compiled;
  }

  async function refresh(source: string): Promise<void> {
    const known = current.get(source)?.version.version ?? 0;
    if ((await repository.readMaxVersion(source)) <= known) return;
    const latest = await repository.findLatest(source);
    if (latest) install(latest);
  }

  let polling = false;
  async function poll() {
    // A slow store must not stack polls up: the next tick is skipped while one is running.
    if (polling) return;
    polling = true;
    try {
      for (const source of options.sources) {
        try {
          await refresh(source);
        } catch (error) {
          logger.error({ err: error, source }, 'guardrail refresh failed; the previous version stays live');
        }
      }
    } finally {
      polling = false;
    }
  }

  return {
    get: (source: string): CompiledGuardrail | undefined => current.get(source),
    install,
    refresh,
    /** Reloads every source now (a change announced by another instance), as the poll would. */
    refreshAll: () => poll(),
    /** Loads every source's latest version, then polls for versions written elsewhere. */
    async start(pollMs = options.pollMs ?? 300) {
      stopped = false;
      for (const source of options.sources) await refresh(source);
      clearInterval(timer);
      timer = setInterval(() => void poll(), pollMs);
      timer.unref();
    },
    /** Resolves with the first version newer than `after`, or undefined after `timeoutMs` (or on stop / abort). */
    waitForNewer(source: string, after: number, timeoutMs: number, signal?: AbortSignal): Promise<CompiledGuardrail | undefined> {
      const now = current.get(source);
      if (now && now.version.version > after) return Promise.resolve(now);
      if (stopped) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const set = waiters.get(source) ?? new Set<Waiter>();
        waiters.set(source, set);
        const finish = (value: CompiledGuardrail | undefined) => {
          clearTimeout(timeout);
          signal?.removeEventListener('abort', onAbort);
          set.delete(waiter);
          resolve(value);
        };
        const waiter: Waiter = { after, resolve: finish };
        const onAbort = () => finish(undefined);
        const timeout = setTimeout(() => finish(undefined), Math.min(timeoutMs, MAX_WAIT_MS));
        set.add(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    waitingCount: () => [...waiters.values()].reduce((sum, set) => sum + set.size, 0),
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const set of waiters.values()) for (const waiter of [...set]) waiter.resolve(undefined);
    },
  };
}

export type LiveGuardrails = ReturnType<typeof createLiveGuardrails>;
