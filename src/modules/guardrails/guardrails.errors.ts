import { createErrorFactory, type ErrorDetail } from '../../platform/errors.ts';

export const createUnknownGuardrailSourceError = createErrorFactory({
  code: 'guardrail.unknown_source',
  statusCode: 404,
  message: (source: string) => `No guardrail for source "${source}": it is not declared in the config file.`,
});

export const createGuardrailVersionNotFoundError = createErrorFactory({
  code: 'guardrail.version_not_found',
  statusCode: 404,
  message: (source: string, version: number) => `Source "${source}" has no guardrail version ${version}.`,
});

export const createInvalidGuardrailError = createErrorFactory({
  code: 'guardrail.invalid',
  statusCode: 400,
  message: (summary: string, _details: ErrorDetail[]) => `The guardrail change was refused: ${summary}`,
  details: (_summary: string, details: ErrorDetail[]) => details,
});

export const createInvalidGuardrailRequestError = createErrorFactory({
  code: 'guardrail.invalid_request',
  statusCode: 400,
  message: 'The request is invalid; see details.',
  details: (details: ErrorDetail[]) => details,
});

export const createMissingCheckScopeError = createErrorFactory({
  code: 'auth.missing_scope',
  statusCode: 403,
  message: 'This API key lacks the "ingest" or "read" scope needed to call /v1/check.',
});
