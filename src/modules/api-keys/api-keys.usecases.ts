import type { Clock } from '../../shared/clock.ts';
import { createErrorFactory } from '../../app/errors.ts';
import { generateId } from '../../shared/ids.ts';
import { createApiKeyNotFoundError } from './api-keys.errors.ts';
import type { ApiKeysRepository } from './api-keys.repository.ts';
import {
  ALL_SOURCES,
  displayPrefix,
  generateApiKeySecret,
  hashApiKey,
  type ApiKey,
  type ApiKeyScope,
} from './api-keys.models.ts';

export const createUnknownKeySourceError = createErrorFactory({
  code: 'api_key.unknown_source',
  statusCode: 400,
  message: (source: string, known: string[]) =>
    `Unknown source "${source}"; declared sources: ${known.length ? known.join(', ') : '(none — add one to the config file)'}.`,
});

interface ApiKeysDeps {
  apiKeysRepository: ApiKeysRepository;
  clock: Clock;
}

export async function createApiKey(
  { apiKeysRepository, clock }: ApiKeysDeps,
  request: { name?: string; sources: string[]; scopes: ApiKeyScope[]; actor: string; knownSources: string[] },
): Promise<{ key: ApiKey; secret: string }> {
  for (const source of request.sources) {
    if (source !== ALL_SOURCES && !request.knownSources.includes(source)) {
      throw createUnknownKeySourceError(source, request.knownSources);
    }
  }
  const now = clock.now();
  const secret = generateApiKeySecret();
  const key: ApiKey = {
    id: generateId('apiKey', now),
    name: request.name ?? request.sources.join(','),
    prefix: displayPrefix(secret),
    scopes: [...new Set(request.scopes)],
    sources: [...new Set(request.sources)],
    createdBy: request.actor,
    createdAt: now,
    revokedAt: null,
  };
  await apiKeysRepository.insert(
    { ...key, hash: hashApiKey(secret) },
    {
      actor: request.actor,
      action: 'api_key.created',
      subjectType: 'api_key',
      subjectId: key.id,
      details: { name: key.name, prefix: key.prefix, scopes: key.scopes, sources: key.sources },
    },
  );
  return { key, secret };
}

export async function revokeApiKey({ apiKeysRepository, clock }: ApiKeysDeps, request: { id: string; actor: string }) {
  const key = await apiKeysRepository.findById(request.id);
  if (!key) throw createApiKeyNotFoundError(request.id);
  const revoked = await apiKeysRepository.revoke(request.id, clock.now(), {
    actor: request.actor,
    action: 'api_key.revoked',
    subjectType: 'api_key',
    subjectId: key.id,
    details: { name: key.name, prefix: key.prefix },
  });
  return { key, alreadyRevoked: !revoked };
}

/**
 * Resolves a presented key to its record. Hits are cached briefly so the ingest
 * hot path does not query per request; a revocation in another process takes
 * effect within the TTL.
 */
export function createApiKeyAuthenticator({ apiKeysRepository, clock }: ApiKeysDeps, options = { ttlMs: 5_000, maxEntries: 10_000 }) {
  const cache = new Map<string, { key: ApiKey | undefined; expiresAt: number }>();
  return {
    async authenticate(secret: string): Promise<ApiKey | undefined> {
      const hash = hashApiKey(secret);
      const now = clock.now();
      const hit = cache.get(hash);
      if (hit && hit.expiresAt > now) return hit.key;
      const key = await apiKeysRepository.findActiveByHash(hash);
      if (cache.size >= options.maxEntries) cache.clear();
      cache.set(hash, { key, expiresAt: now + options.ttlMs });
      return key;
    },
    forget(): void {
      cache.clear();
    },
  };
}

export type ApiKeyAuthenticator = ReturnType<typeof createApiKeyAuthenticator>;
