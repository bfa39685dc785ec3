import type { Clock } from '../../shared/clock.ts';
import { createErrorFactory } from '../../platform/errors.ts';
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

interface CachedKey {
  key: ApiKey | undefined;
  expiresAt: number;
}

/**
 * Resolves a presented key to its record. Answers are cached briefly so the ingest and check
 * hot paths do not query per request; a revocation in another process takes effect within the
 * TTL. Unknown keys are cached by hash only. A known key is also remembered by the exact
 * credential string it came in (the Authorization header), so the next request that presents
 * the same string is answered synchronously, without parsing the header or hashing the key.
 */
export function createApiKeyAuthenticator({ apiKeysRepository, clock }: ApiKeysDeps, options = { ttlMs: 5_000, maxEntries: 10_000 }) {
  const byHash = new Map<string, CachedKey>();
  const byCredential = new Map<string, CachedKey>();
  const remember = (cache: Map<string, CachedKey>, id: string, entry: CachedKey) => {
    if (cache.size >= options.maxEntries) cache.clear();
    cache.set(id, entry);
  };
  return {
    /** The key this exact credential string resolved to within the TTL, or undefined: no I/O, no hashing. */
    findRecent(credential: string): ApiKey | undefined {
      const hit = byCredential.get(credential);
      return hit && hit.expiresAt > clock.now() ? hit.key : undefined;
    },
    /** `credential` is the string the secret was presented in (by default the secret itself); findRecent looks it up. */
    async authenticate(secret: string, credential: string = secret): Promise<ApiKey | undefined> {
      const hash = hashApiKey(secret);
      const now = clock.now();
      let entry = byHash.get(hash);
      if (!entry || entry.expiresAt <= now) {
        entry = { key: await apiKeysRepository.findActiveByHash(hash), expiresAt: now + options.ttlMs };
        remember(byHash, hash, entry);
      }
      if (entry.key) remember(byCredential, credential, entry);
      return entry.key;
    },
    forget(): void {
      byHash.clear();
      byCredential.clear();
    },
  };
}

export type ApiKeyAuthenticator = ReturnType<typeof createApiKeyAuthenticator>;
