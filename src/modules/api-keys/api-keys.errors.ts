import { createErrorFactory } from '../../platform/errors.ts';
import type { ApiKeyScope } from './api-keys.models.ts';

export const createMissingApiKeyError = createErrorFactory({
  code: 'auth.missing_api_key',
  statusCode: 401,
  message: 'Missing API key: send the header "Authorization: Bearer <key>" (create a key with `vigil keys create`).',
});

export const createUnknownApiKeyError = createErrorFactory({
  code: 'auth.invalid_api_key',
  statusCode: 401,
  message: 'Unknown or revoked API key.',
});

export const createMissingScopeError = createErrorFactory({
  code: 'auth.missing_scope',
  statusCode: 403,
  message: (scope: ApiKeyScope) => `This API key lacks the "${scope}" scope.`,
});

export const createSourceForbiddenError = createErrorFactory({
  code: 'auth.source_forbidden',
  statusCode: 403,
  message: (source: string, _path?: string) => `This API key is not allowed to use source "${source}".`,
  details: (source: string, path?: string) => (path ? [{ path, message: `not allowed for this key: "${source}"` }] : []),
});

export const createApiKeyNotFoundError = createErrorFactory({
  code: 'api_key.not_found',
  statusCode: 404,
  message: (id: string) => `No API key with id "${id}".`,
});
