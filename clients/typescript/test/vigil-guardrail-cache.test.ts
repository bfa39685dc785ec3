import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../../../test/helpers/test-vigil.ts';
import { Vigil } from '../src/index.ts';

// check() with the live guardrail cached in the client: the kill switch answers without a
// round trip, and what the guardrail blocks stays blocked while Vigil cannot be asked.

describe('@vigil/client with cacheGuardrail', () => {
  let vigil: TestVigil;
  let apiKey: string;
  let adminKey: string;
  const clients: Vigil[] = [];
  beforeAll(async () => {
    vigil = await startTestVigil();
    apiKey = await vigil.createKey();
    adminKey = await vigil.createKey({ scopes: ['admin'] });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.shutdown({ timeoutMs: 1000 })));
    await vigil.stop();
  });

  const admin = (path: string, body: unknown) =>
    fetch(`${vigil.url}/v1/guardrails/support-bot/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  /** A client whose fetch counts the /v1/check calls and can be cut off from Vigil. */
  const createClient = (failMode: 'open' | 'closed') => {
    const calls = { check: 0, offline: false };
    const counting: typeof fetch = (input, init) => {
      const url = String(input);
      if (url.endsWith('/v1/check')) calls.check += 1;
      if (calls.offline && url.endsWith('/v1/check')) return Promise.reject(new TypeError('fetch failed'));
      return fetch(input, init);
    };
    const client = new Vigil({ url: vigil.url, apiKey, source: 'support-bot', failMode, checkTimeoutMs: 15_000, cacheGuardrail: true, fetch: counting });
    clients.push(client);
    return { client, calls };
  };

  it('follows a kill switch within a second and answers from the cache without asking Vigil', async () => {
    const { client, calls } = createClient('open');
    expect((await client.check({ output: 'Your order ships tomorrow.' })).action).toBe('allow');
    expect((await admin('kill-switch', { on: true, message: 'Back soon.', reason: 'incident' })).status).toBe(201);
    await expect.poll(async () => (await client.check({ output: 'Your order ships tomorrow.' })).cached, { timeout: 1000, interval: 25 }).toBe(true);
    const before = calls.check;
    expect(await client.check({ output: 'Anything at all.' })).toMatchObject({ action: 'block', message: 'Back soon.', cached: true });
    expect(calls.check).toBe(before);
    expect((await admin('kill-switch', { on: false, reason: 'resolved' })).status).toBe(201);
    await expect.poll(async () => (await client.check({ output: 'Your order ships tomorrow.' })).action, { timeout: 1000, interval: 25 }).toBe('allow');
  });

  it('keeps blocking blocklisted answers while Vigil cannot be asked, and fails open for the rest', async () => {
    const { client, calls } = createClient('open');
    const change = { blocklist: { add_words: ['acme rival'] } };
    expect((await admin('versions', { change, reason: 'competitor mentions' })).status).toBe(201);
    await expect.poll(async () => (await client.check({ output: 'Try ACME  Rival instead.' })).action, { timeout: 1000, interval: 25 }).toBe('block');
    calls.offline = true;
    expect(await client.check({ output: 'Try acme rival instead.' })).toMatchObject({ action: 'block', cached: true, failed: 'unavailable' });
    expect(await client.check({ output: 'Your order ships tomorrow.' })).toEqual({ action: 'allow', flags: [], guardrail_version: null, failed: 'unavailable' });
  });
});
