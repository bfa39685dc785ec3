import { parentPort, workerData } from 'node:worker_threads';
import { prepareEventBatch, type PreparedBatch } from '../ingestion/ingestion-batch.usecases.ts';
import { checksConfigSchema, type ChecksConfig } from './checks.config.ts';
import type { Detection } from './checks.models.ts';
import type { EventTexts } from './checks.usecases.ts';
import { compileSourceChecks } from './detectors-sources.usecases.ts';

// Runs the detectors off the main thread, and for /v1/events the whole per-event path: the
// raw body arrives (moved, not copied), is parsed, validated and checked here, and goes back
// as rows ready to insert. One message = one batch; the pool sends the next when this answers.

export type DetectorRequest =
  | { id: number; kind: 'detect'; batch: EventTexts[] }
  | { id: number; kind: 'prepare'; body: ArrayBuffer; context: { keySources: string[]; now: number } };

export interface DetectorReply {
  id: number;
  results?: Detection[][];
  prepared?: PreparedBatch;
  /** A defect (not a refused batch): the request answers 500. */
  error?: string;
}

const configs = workerData as Record<string, ChecksConfig>;
const checks = compileSourceChecks(Object.fromEntries(Object.entries(configs).map(([source, config]) => [source, checksConfigSchema.parse(config)])));

parentPort!.on('message', async (request: DetectorRequest) => {
  let reply: DetectorReply;
  try {
    reply =
      request.kind === 'detect'
        ? { id: request.id, results: await checks.detectEach(request.batch) }
        : { id: request.id, prepared: await prepareEventBatch(new Uint8Array(request.body), request.context, checks) };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
