import { createErrorFactory, type ErrorDetail } from '../../platform/errors.ts';

export const createInvalidBatchError = createErrorFactory({
  code: 'validation_failed',
  statusCode: 400,
  message: (details: ErrorDetail[]) =>
    details.length === 1 ? `Invalid request body: ${details[0]!.path}: ${details[0]!.message}` : `Invalid request body: ${details.length} problems`,
  details: (details: ErrorDetail[]) => details,
});

export const createUnknownSourceError = createErrorFactory({
  code: 'source.not_found',
  statusCode: 404,
  message: (source: string, _path: string) => `Unknown source "${source}": declare it under "sources:" in the config file.`,
  details: (source: string, path: string) => [{ path, message: `unknown source "${source}"` }],
});

export const createEventNotFoundError = createErrorFactory({
  code: 'event.not_found',
  statusCode: 404,
  message: (id: string) => `No event with id "${id}" in the sources this key can read.`,
});

export const createAmbiguousEventError = createErrorFactory({
  code: 'event.ambiguous',
  statusCode: 409,
  message: (id: string, sources: string[]) =>
    `Event id "${id}" exists in several sources (${sources.join(', ')}); add ?source=<name>.`,
});
