import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChecksConfig } from './checks.config.ts';
import type { Detection } from './checks.models.ts';
import { compileChecks, type EventTexts } from './checks.usecases.ts';

// tsx is a runtime dependency: the worker registers it, then loads the TypeScript
// entry (passing `--import tsx` in execArgv does not reach a worker's entry on Node 20).
const WORKER_BOOTSTRAP = new URL(
  `data:text/javascript,${encodeURIComponent(
    `import { register } from ${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href)}; register(); ` +
      `await import(${JSON.stringify(new URL('./detectors.worker.ts', import.meta.url).href)});`,
  )}`,
);

export interface DetectorRunner {
  detectBatch(batch: EventTexts[]): Promise<Detection[][]>;
  close(): Promise<void>;
}

/** In the calling thread: for the CLI, tests and single-core hosts. */
export function createInlineDetectorRunner(configs: Record<string, ChecksConfig>): DetectorRunner {
  const compiled = new Map(Object.entries(configs).map(([source, config]) => [source, compileChecks(config)]));
  return {
    async detectBatch(batch) {
      const results: Detection[][] = [];
      for (const texts of batch) results.push((await compiled.get(texts.source)?.detect(texts)) ?? []);
      return results;
    },
    async close() {},
  };
}

/**
 * Worker threads that run the detectors. Batches go round-robin; each worker keeps
 * its own compiled detectors. A crashed worker fails its pending batches (the
 * request gets a 500 and the client retries: nothing was stored).
 */
export function createWorkerDetectorRunner(configs: Record<string, ChecksConfig>, size: number): DetectorRunner {
  const pending = new Map<number, { resolve(results: Detection[][]): void; reject(error: Error): void; worker: Worker }>();
  let nextId = 0;
  let closing = false;
  const failPending = (worker: Worker, error: Error) => {
    for (const [id, waiting] of pending) {
      if (waiting.worker !== worker) continue;
      pending.delete(id);
      waiting.reject(error);
    }
  };
  const spawnWorker = (slot: number): Worker => {
    const worker = new Worker(WORKER_BOOTSTRAP, { workerData: configs });
    worker.on('message', (message: { id: number; results?: Detection[][]; error?: string }) => {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(`detectors failed: ${message.error}`));
      else waiting.resolve(message.results!);
    });
    worker.on('error', (error) => failPending(worker, error));
    // A worker that dies is replaced, so one poisoned batch cannot stop ingestion.
    worker.on('exit', (code) => {
      failPending(worker, new Error(`detector worker exited with code ${code}`));
      if (!closing) workers[slot] = spawnWorker(slot);
    });
    worker.unref();
    return worker;
  };
  const workers: Worker[] = [];
  for (let slot = 0; slot < size; slot++) workers.push(spawnWorker(slot));
  let turn = 0;
  return {
    detectBatch(batch) {
      const worker = workers[turn++ % workers.length]!;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, worker });
        worker.postMessage({ id, batch });
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
