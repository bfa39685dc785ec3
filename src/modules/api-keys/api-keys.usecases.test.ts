import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createApiKeysRepository, type ApiKeysRepository } from './api-keys.repository.ts';
import { createApiKey, createApiKeyAuthenticator, revokeApiKey } from './api-keys.usecases.ts';

// The authenticator's cache on a real (in-memory) key table: what it answers from memory,
// when it asks the database again, and that a revocation still lands within the TTL.

const TTL_MS = 5_000;

describe('API key authenticator', () => {
  let database: TestDb;
  let repository: ApiKeysRepository;
  let lookups: number;
  const clock = createFakeClock(Date.parse('2026-11-25T09:00:00Z'));

  beforeEach(async () => {
    database = await createTestDb();
    const real = createApiKeysRepository({ db: database.db });
    lookups = 0;
    repository = {
      ...real,
      findActiveByHash: (hash) => {
        lookups++;
        return real.findActiveByHash(hash);
      },
    };
  });
  afterEach(() => database.close());

  const newKey = () => createApiKey({ apiKeysRepository: repository, clock }, { sources: ['support-bot'], scopes: ['read'], actor: 'test', knownSources: ['support-bot'] });
  const newAuthenticator = (options = { ttlMs: TTL_MS, maxEntries: 100 }) => createApiKeyAuthenticator({ apiKeysRepository: repository, clock }, options);

  it('remembers a known key by the credential it came in, and answers it without a lookup until the TTL ends', async () => {
    const { key, secret } = await newKey();
    const authenticator = newAuthenticator();
    const header = `Bearer ${secret}`;
    expect(authenticator.findRecent(header)).toBeUndefined();
    expect(await authenticator.authenticate(secret, header)).toEqual(key);
    expect(authenticator.findRecent(header)).toEqual(key);
    expect(authenticator.findRecent(`bearer ${secret}`)).toBeUndefined();
    clock.advance(TTL_MS - 1);
    expect(authenticator.findRecent(header)).toEqual(key);
    clock.advance(1);
    expect(authenticator.findRecent(header)).toBeUndefined();
    expect(lookups).toBe(1);
  });

  it('asks the database again once the TTL is over, so a revocation takes effect', async () => {
    const { key, secret } = await newKey();
    const authenticator = newAuthenticator();
    expect(await authenticator.authenticate(secret, `Bearer ${secret}`)).toEqual(key);
    await revokeApiKey({ apiKeysRepository: repository, clock }, { id: key.id, actor: 'test' });
    expect(await authenticator.authenticate(secret)).toEqual(key);
    expect(lookups).toBe(1);
    clock.advance(TTL_MS);
    expect(await authenticator.authenticate(secret, `Bearer ${secret}`)).toBeUndefined();
    expect(authenticator.findRecent(`Bearer ${secret}`)).toBeUndefined();
    expect(lookups).toBe(2);
  });

  it('caches an unknown key by its hash only: never answered from memory by its credential', async () => {
    const authenticator = newAuthenticator();
    expect(await authenticator.authenticate('vgl_unknown', 'Bearer vgl_unknown')).toBeUndefined();
    expect(await authenticator.authenticate('vgl_unknown', 'Bearer vgl_unknown')).toBeUndefined();
    expect(authenticator.findRecent('Bearer vgl_unknown')).toBeUndefined();
    expect(lookups).toBe(1);
  });

  it('forgets everything on demand, and starts over when a cache is full', async () => {
    const first = await newKey();
    const second = await newKey();
    const authenticator = newAuthenticator({ ttlMs: TTL_MS, maxEntries: 1 });
    await authenticator.authenticate(first.secret, 'first');
    await authenticator.authenticate(second.secret, 'second');
    expect(authenticator.findRecent('first')).toBeUndefined();
    expect(authenticator.findRecent('second')).toEqual(second.key);
    authenticator.forget();
    expect(authenticator.findRecent('second')).toBeUndefined();
    await authenticator.authenticate(second.secret);
    expect(lookups).toBe(3);
  });
});
