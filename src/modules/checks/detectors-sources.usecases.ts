import { prepareEventBatch, type BatchChecks, type PreparedBatch } from '../ingestion/ingestion-batch.usecases.ts';
import { checksConfigSchema, type ChecksConfig } from './checks.config.ts';
import type { Detection } from './checks.models.ts';
import { compileChecks, type EventTexts } from './checks.usecases.ts';

// Every source's compiled detectors, as a detector worker (or, with no workers, the main
// thread) holds them: what a batch of texts or a raw /v1/events body is checked with, and the
// worker's answer to one message.

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

export interface SourceChecks extends BatchChecks {
  detectEach(batch: EventTexts[]): Promise<Detection[][]>;
}

export function compileSourceChecks(configs: Record<string, ChecksConfig>): SourceChecks {
  const compiled = new Map(Object.entries(configs).map(([source, config]) => [source, compileChecks(config)]));
  const detect = async (texts: EventTexts) => (await compiled.get(texts.source)?.detect(texts)) ?? [];
  return {
    isKnownSource: (name) => compiled.has(name),
    flagMinSeverity: (source) => configs[source]?.flag_min_severity ?? 'warn',
    detect,
    async detectEach(batch) {
      const results: Detection[][] = [];
      for (const texts of batch) results.push(await detect(texts));
      return results;
    },
  };
}

/** The configs as the pool sends them (workerData), validated again in the worker. */
export const compileWorkerChecks = (workerData: unknown) =>
  compileSourceChecks(
    Object.fromEntries(Object.entries(workerData as Record<string, ChecksConfig>).map(([source, config]) => [source, checksConfigSchema.parse(config)])),
  );

/** One message of the pool, answered: detections for texts, or rows (or the 4xx answer) for a raw body. */
export async function answerDetectorRequest(checks: SourceChecks, request: DetectorRequest): Promise<DetectorReply> {
  try {
    return request.kind === 'detect'
      ? { id: request.id, results: await checks.detectEach(request.batch) }
      : { id: request.id, prepared: await prepareEventBatch(new Uint8Array(request.body), request.context, checks) };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}
