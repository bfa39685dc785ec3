import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { buildServer } from '../../platform/server.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createApiKeyHook } from './api-keys.hooks.ts';
import { createApiKeysRepository } from './api-keys.repository.ts';
import { createApiKey, createApiKeyAuthenticator, revokeApiKey } from './api-keys.usecases.ts';

// The onRequest hook through Fastify: a key answered from the authenticator's memory and
// one it has to look up reach the route the same way, and every refusal keeps its 401.

describe('API key hook', () => {
  let database: TestDb;
  let http: FastifyInstance;
  let secret: string;
  let keyId: string;
  const clock = createFakeClock(Date.parse('2026-11-25T09:00:00Z'));

  beforeEach(async () => {
    database = await createTestDb();
    const apiKeysRepository = createApiKeysRepository({ db: database.db });
    ({ secret, key: { id: keyId } } = await createApiKey({ apiKeysRepository, clock }, { sources: ['support-bot'], scopes: ['read'], actor: 'test', knownSources: ['support-bot'] }));
    http = buildServer({ logger: createLogger({ level: 'silent' }), registry: createMetricsRegistry({ collectDefaults: false }) });
    http.addHook('onRequest', createApiKeyHook(createApiKeyAuthenticator({ apiKeysRepository, clock })));
    http.get('/whoami', async (request) => ({ id: request.apiKey?.id }));
    await http.ready();
  });
  afterEach(async () => {
    await http.close();
    await database.close();
  });

  const call = async (authorization?: string) => {
    const response = await http.inject({ url: '/whoami', headers: authorization === undefined ? {} : { authorization } });
    return { status: response.statusCode, body: response.json() as { id?: string; error?: { code: string } } };
  };

  it('passes the key to the route on the first request (looked up) and the next ones (from memory)', async () => {
    expect(await call(`Bearer ${secret}`)).toEqual({ status: 200, body: { id: keyId } });
    expect(await call(`Bearer ${secret}`)).toEqual({ status: 200, body: { id: keyId } });
    expect(await call(`bearer   ${secret}  `)).toEqual({ status: 200, body: { id: keyId } });
  });

  it('refuses a missing or malformed header and an unknown key with 401', async () => {
    expect(await call()).toMatchObject({ status: 401, body: { error: { code: 'auth.missing_api_key' } } });
    expect(await call(secret)).toMatchObject({ status: 401, body: { error: { code: 'auth.missing_api_key' } } });
    expect(await call('Bearer')).toMatchObject({ status: 401, body: { error: { code: 'auth.missing_api_key' } } });
    expect(await call('Bearer vgl_not_a_key')).toMatchObject({ status: 401, body: { error: { code: 'auth.invalid_api_key' } } });
  });

  it('refuses a revoked key once the cache entry is older than the TTL', async () => {
    expect((await call(`Bearer ${secret}`)).status).toBe(200);
    await revokeApiKey({ apiKeysRepository: createApiKeysRepository({ db: database.db }), clock }, { id: keyId, actor: 'test' });
    clock.advance(5_000);
    expect(await call(`Bearer ${secret}`)).toMatchObject({ status: 401, body: { error: { code: 'auth.invalid_api_key' } } });
  });
});
