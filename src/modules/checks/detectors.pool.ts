import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { prepareEventBatch, type PreparedBatch } from '../ingestion/ingestion-batch.usecases.ts';
import type { ChecksConfig } from './checks.config.ts';
import { createDetectorsBusyError } from './checks.errors.ts';
import type { Detection } from './checks.models.ts';
import type { EventTexts } from './checks.usecases.ts';
import { compileSourceChecks, type DetectorReply, type DetectorRequest } from './detectors-sources.usecases.ts';

const DEFAULT_WORKER_ENTRY = new URL('./detectors.worker.ts', import.meta.url);
export const WORKER_YOUNG_GENERATION_MB = 16;

// tsx is a runtime dependency: the worker registers it, then loads the TypeScript
// entry (passing `--import tsx` in execArgv does not reach a worker's entry on Node 20).
const bootstrapFor = (entry: URL) =>
  new URL(
    `data:text/javascript,${encodeURIComponent(
      `import { register } from ${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href)}; register(); ` +
        `await import(${JSON.stringify(entry.href)});`,
    )}`,
  );

export interface BatchContext {
  keySources: string[];
  now: number;
}

export interface DetectorRunner {
  detectBatch(batch: EventTexts[]): Promise<Detection[][]>;
  /** Reads, validates and checks a raw /v1/events body (see prepareEventBatch). */
  prepareBatch(body: Uint8Array, context: BatchContext): Promise<PreparedBatch>;
  close(): Promise<void>;
}

/** In the calling thread: for the CLI, tests and single-core hosts. */
export function createInlineDetectorRunner(configs: Record<string, ChecksConfig>): DetectorRunner {
  const checks = compileSourceChecks(configs);
  return {
    detectBatch: (batch) => checks.detectEach(batch),
    prepareBatch: (body, context) => prepareEventBatch(body, context, checks),
    async close() {},
  };
}

export interface DetectorPoolOptions {
  /** Worker threads, each with its own compiled detectors. */
  size: number;
  /** Bytes of batches that may wait for a free worker; a batch that would pass it is refused with 503 + Retry-After. */
  queueBytes: number;
  /** Cap of each worker's old-generation heap, in MB: a worker over it dies, its batch answers 500, a new one starts. */
  heapMb?: number;
  /** The worker's module (tests swap in one that crashes). */
  entry?: URL;
}

/** What a batch of texts holds in memory, about: two bytes a character. */
const sizeOfTexts = (batch: EventTexts[]) => batch.reduce((sum, texts) => sum + 2 * (texts.output.length + (texts.input?.length ?? 0) + (texts.context?.length ?? 0)), 0);

interface Job {
  request: DetectorRequest;
  transfer: ArrayBuffer[];
  bytes: number;
  resolve(reply: DetectorReply): void;
  reject(error: Error): void;
}

/**
 * The bytes of a body as an ArrayBuffer of their own, moved to the worker rather than copied. A
 * body that shares its memory (a small Buffer lives in Node's 8 KiB pool) is copied first:
 * moving the pool would detach every other Buffer in it.
 */
function toTransferable(body: Uint8Array): ArrayBuffer {
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer) return body.buffer;
  const copy = new Uint8Array(body.byteLength);
  copy.set(body);
  return copy.buffer;
}

/**
 * Worker threads that run the detectors, and read /v1/events bodies. A batch goes to a free
 * worker, or waits in a bounded queue; one that would take the queue past `queueBytes` is refused
 * at once (503), so waiting bodies never hold more than that. A crashed worker fails the
 * batch it held (the request gets a 500 and the client retries: nothing was stored) and is
 * replaced.
 */
export function createWorkerDetectorRunner(configs: Record<string, ChecksConfig>, options: DetectorPoolOptions): DetectorRunner {
  const bootstrap = bootstrapFor(options.entry ?? DEFAULT_WORKER_ENTRY);
  // A worker's garbage is short-lived (one batch); a 16 MiB young generation instead of V8's 32+
  // keeps each worker's resident memory down at the cost of more, cheaper scavenges.
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, ...(options.heapMb ? { maxOldGenerationSizeMb: options.heapMb } : {}) };
  const queue: Job[] = [];
  let queuedBytes = 0;
  const slots: { worker: Worker; job: Job | null }[] = [];
  let nextId = 0;
  let closing = false;

  const dispatch = (slot: (typeof slots)[number], job: Job) => {
    slot.job = job;
    slot.worker.postMessage(job.request, job.transfer);
  };
  const finish = (slot: (typeof slots)[number]) => {
    slot.job = null;
    const waiting = queue.shift();
    if (!waiting) return;
    queuedBytes -= waiting.bytes;
    dispatch(slot, waiting);
  };
  const spawn = (): (typeof slots)[number] => {
    const slot = { worker: new Worker(bootstrap, { workerData: configs, resourceLimits }), job: null as Job | null };
    slot.worker.on('message', (reply: DetectorReply) => {
      const job = slot.job;
      if (!job || reply.id !== job.request.id) return;
      finish(slot);
      job.resolve(reply);
    });
    let failure: Error | undefined;
    slot.worker.on('error', (error) => (failure = error));
    // A worker that dies is replaced, so one poisoned batch cannot stop ingestion.
    slot.worker.on('exit', (code) => {
      const job = slot.job;
      slot.job = null;
      job?.reject(failure ?? new Error(`detector worker exited with code ${code}`));
      if (closing) return;
      const replacement = spawn();
      slots[slots.indexOf(slot)] = replacement;
      finish(replacement);
    });
    slot.worker.unref();
    return slot;
  };
  for (let i = 0; i < options.size; i++) slots.push(spawn());

  const submit = (request: DetectorRequest, bytes: number, transfer: ArrayBuffer[] = []) =>
    new Promise<DetectorReply>((resolve, reject) => {
      const job: Job = { request, transfer, bytes, resolve, reject };
      const free = slots.find((slot) => slot.job === null);
      if (free) return dispatch(free, job);
      // An empty queue takes any batch, so a body under the size limit is never refused for its size alone.
      if (queue.length > 0 && queuedBytes + bytes > options.queueBytes) return reject(createDetectorsBusyError(slots.length + queue.length));
      queue.push(job);
      queuedBytes += bytes;
    });
  const unwrap = <T>(reply: DetectorReply, read: (reply: DetectorReply) => T | undefined): T => {
    if (reply.error !== undefined) throw new Error(`detectors failed: ${reply.error}`);
    return read(reply)!;
  };

  return {
    async detectBatch(batch) {
      return unwrap(await submit({ id: nextId++, kind: 'detect', batch }, sizeOfTexts(batch)), (reply) => reply.results);
    },
    async prepareBatch(body, context) {
      const buffer = toTransferable(body);
      return unwrap(await submit({ id: nextId++, kind: 'prepare', body: buffer, context }, buffer.byteLength, [buffer]), (reply) => reply.prepared);
    },
    async close() {
      closing = true;
      queuedBytes = 0;
      for (const job of queue.splice(0)) job.reject(new Error('detector workers are shutting down'));
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
