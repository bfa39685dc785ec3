import { parentPort, workerData } from 'node:worker_threads';
import { answerDetectorRequest, compileWorkerChecks, type DetectorRequest } from './detectors-sources.usecases.ts';

// Runs the detectors off the main thread, and for /v1/events the whole per-event path: the
// raw body arrives (moved, not copied), is parsed, validated and checked here, and goes back
// as rows ready to insert. One message = one batch; the pool sends the next when this answers.

const checks = compileWorkerChecks(workerData);

parentPort!.on('message', async (request: DetectorRequest) => {
  parentPort!.postMessage(await answerDetectorRequest(checks, request));
});
