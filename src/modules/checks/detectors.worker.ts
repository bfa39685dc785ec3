import { parentPort, workerData } from 'node:worker_threads';
import { checksConfigSchema, type ChecksConfig } from './checks.config.ts';
import { compileChecks, type EventTexts } from './checks.usecases.ts';

// Runs the detectors on the second core, so parsing and storing batches on the
// main thread overlaps with checking them. One message = one batch.

const configs = workerData as Record<string, ChecksConfig>;
const compiled = new Map(Object.entries(configs).map(([source, config]) => [source, compileChecks(checksConfigSchema.parse(config))]));

parentPort!.on('message', async (message: { id: number; batch: EventTexts[] }) => {
  try {
    const results = [];
    for (const texts of message.batch) {
      const checks = compiled.get(texts.source);
      results.push(checks ? await checks.detect(texts) : []);
    }
    parentPort!.postMessage({ id: message.id, results });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
