import { createErrorFactory, type ErrorDetail } from '../../platform/errors.ts';

export const createInvalidErasureError = createErrorFactory({
  code: 'validation_failed',
  statusCode: 400,
  message: (details: ErrorDetail[]) => `Invalid erasure request: ${details.map((detail) => `${detail.path}: ${detail.message}`).join('; ')}`,
  details: (details: ErrorDetail[]) => details,
});

export const createUnknownErasureSourceError = createErrorFactory({
  code: 'source.not_found',
  statusCode: 404,
  message: (source: string) => `No source "${source}" is declared in the sources file.`,
});
