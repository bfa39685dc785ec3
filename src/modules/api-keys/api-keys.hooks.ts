import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { createMissingApiKeyError, createMissingScopeError, createSourceForbiddenError, createUnknownApiKeyError } from './api-keys.errors.ts';
import { canUseSource, hasScope, type ApiKey, type ApiKeyScope } from './api-keys.models.ts';
import type { ApiKeyAuthenticator } from './api-keys.usecases.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKey;
  }
}

/** Authenticates in onRequest, before the body is read: an unknown caller never costs us a 10 MB parse. */
export function createApiKeyHook(authenticator: ApiKeyAuthenticator): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match) throw createMissingApiKeyError();
    const key = await authenticator.authenticate(match[1]!);
    if (!key) throw createUnknownApiKeyError();
    request.apiKey = key;
  };
}

export function checkScope(request: FastifyRequest, scope: ApiKeyScope): ApiKey {
  const key = request.apiKey;
  if (!key) throw createMissingApiKeyError();
  if (!hasScope(key, scope)) throw createMissingScopeError(scope);
  return key;
}

export function checkSourceAllowed(key: ApiKey, source: string, path?: string): void {
  if (!canUseSource(key, source)) throw createSourceForbiddenError(source, path);
}
