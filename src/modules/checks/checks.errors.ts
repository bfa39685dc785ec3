import { createErrorFactory } from '../../platform/errors.ts';

/** Seconds a refused client is asked to wait: a queued batch takes tens of milliseconds. */
export const DETECTORS_BUSY_RETRY_AFTER_SECONDS = 1;

export const createDetectorsBusyError = createErrorFactory({
  code: 'ingest.overloaded',
  statusCode: 503,
  message: (queued: number) =>
    `Vigil is already checking and holding ${queued} batches; nothing of this one was stored. Retry after ${DETECTORS_BUSY_RETRY_AFTER_SECONDS} s.`,
  retryAfterSeconds: DETECTORS_BUSY_RETRY_AFTER_SECONDS,
});
