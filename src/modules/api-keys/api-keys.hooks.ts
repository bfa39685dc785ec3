import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { createMissingApiKeyError, createMissingScopeError, createSourceForbiddenError, createUnknownApiKeyError } from './api-keys.errors.ts';
import { canUseSource, hasScope, type ApiKey, type ApiKeyScope } from './api-keys.models.ts';
import type { ApiKeyAuthenticator } from './api-keys.usecases.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKey;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Authenticates in onRequest, before the body is read: an unknown caller never costs us a 10 MB parse.
 * A callback hook, so that a key seen within the cache TTL (nearly every request) is answered
 * without a promise; only a lookup the authenticator has to make waits for it.
 */
export function createApiKeyHook(authenticator: ApiKeyAuthenticator): onRequestHookHandler {
  return (request, _reply, done) => {
    const header = request.headers.authorization;
    const recent = header === undefined ? undefined : authenticator.findRecent(header);
    if (recent) {
      request.apiKey = recent;
      return done();
    }
    const match = header?.match(BEARER);
    if (!match) return done(createMissingApiKeyError());
    authenticator.authenticate(match[1]!, header).then((key) => {
      if (!key) return done(createUnknownApiKeyError());
      request.apiKey = key;
      done();
    }, done);
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
