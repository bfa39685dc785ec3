import { afterEach, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../../../test/helpers/test-vigil.ts';
import { Vigil } from '../src/index.ts';
import { countStoredEvents, restartVigil, unreachableUrl } from './client-helpers.ts';

describe('@vigil/client log()', () => {
  const started: TestVigil[] = [];
  const clients: Vigil[] = [];
  const newClient = (options: Partial<ConstructorParameters<typeof Vigil>[0]> & { url: string; apiKey: string }) => {
    const client = new Vigil({ source: 'support-bot', failMode: 'open', retryBaseMs: 10, retryMaxMs: 100, ...options });
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.shutdown({ timeoutMs: 0 })));
    await Promise.all(started.splice(0).map((vigil) => vigil.stop()));
  });

  it('sends logged events in batches and Vigil stores them under the ids log() returned', async () => {
    const vigil = await startTestVigil();
    started.push(vigil);
    const apiKey = await vigil.createKey();
    const client = newClient({ url: vigil.url, apiKey, maxBatchSize: 3, flushIntervalMs: 10 });
    const ids = Array.from({ length: 7 }, (_, n) => client.log({ input: `question ${n}`, output: `answer ${n}`, model: 'gpt-4o-mini' }));
    await client.flush();
    expect(client.stats()).toMatchObject({ queued: 0, accepted: 7, duplicates: 0, dropped: 0, rejected: 0 });
    const response = await fetch(`${vigil.url}/v1/events/${ids[4]}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: ids[4], source: 'support-bot', input: 'question 4', output: 'answer 4', model: 'gpt-4o-mini' });
  });

  it('loses nothing and doubles nothing when Vigil restarts mid-stream', async () => {
    let vigil = await startTestVigil();
    const apiKey = await vigil.createKey();
    const client = newClient({ url: vigil.url, apiKey, maxBatchSize: 10, flushIntervalMs: 5 });
    for (let n = 0; n < 50; n++) client.log({ output: `before ${n}` });
    await client.flush();
    const down = restartVigil(vigil);
    for (let n = 0; n < 50; n++) client.log({ output: `during ${n}` });
    vigil = await down;
    started.push(vigil);
    for (let n = 0; n < 50; n++) client.log({ output: `after ${n}` });
    await client.flush();
    expect(await countStoredEvents(vigil.databasePath)).toEqual({ rows: 150, ids: 150 });
    expect(client.stats()).toMatchObject({ queued: 0, accepted: 150, dropped: 0, rejected: 0 });
  });

  it('retries a batch whose answer was lost with the same ids: Vigil counts duplicates, stores each event once', async () => {
    const vigil = await startTestVigil();
    started.push(vigil);
    let answersLost = 0;
    const losingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (answersLost < 2) {
        answersLost += 1;
        throw new TypeError('fetch failed: socket hang up');
      }
      return response;
    };
    const client = newClient({ url: vigil.url, apiKey: await vigil.createKey(), fetch: losingFetch, maxBatchSize: 5 });
    for (let n = 0; n < 5; n++) client.log({ output: `answer ${n}` });
    await client.flush();
    expect(await countStoredEvents(vigil.databasePath)).toEqual({ rows: 5, ids: 5 });
    // The two stored answers were lost; the third attempt finds all five already there.
    expect(client.stats()).toMatchObject({ accepted: 0, duplicates: 5, retries: 2 });
  });

  it('keeps at most maxQueueSize events while Vigil is away, dropping the oldest and counting them', async () => {
    const errors: Error[] = [];
    const client = newClient({ url: await unreachableUrl(), apiKey: 'vgl_unused', maxQueueSize: 5, maxBatchSize: 100, flushIntervalMs: 60_000, onError: (error) => errors.push(error) });
    for (let n = 0; n < 12; n++) client.log({ output: `answer ${n}` });
    expect(client.stats()).toMatchObject({ queued: 5, dropped: 7 });
    expect(await client.flush({ timeoutMs: 50 })).toBe(false);
    const stats = await client.shutdown({ timeoutMs: 50 });
    expect(stats).toMatchObject({ queued: 0, accepted: 0, dropped: 12 });
    expect(errors.length).toBeGreaterThan(0);
  });

  it('counts a batch Vigil refuses as rejected and does not retry it', async () => {
    const vigil = await startTestVigil();
    started.push(vigil);
    const errors: Error[] = [];
    const client = newClient({ url: vigil.url, apiKey: await vigil.createKey(), onError: (error) => errors.push(error) });
    client.log({ source: 'no-such-source', output: 'hello' });
    await client.flush();
    expect(client.stats()).toMatchObject({ rejected: 1, retries: 0, accepted: 0 });
    expect(errors[0]?.message).toMatch(/HTTP 4\d\d/);
  });

  it('refuses bad calls at once with a clear message', () => {
    expect(() => new Vigil({ url: 'http://x', apiKey: 'k', failMode: 'maybe' as 'open' })).toThrow(/failMode must be 'open' or 'closed'/);
    const client = newClient({ url: 'http://127.0.0.1:9', apiKey: 'k', source: undefined });
    expect(() => client.log({ output: 'x' })).toThrow(/needs a source/);
    expect(() => client.log({ source: 'support-bot', output: 42 as unknown as string })).toThrow(/output must be a string/);
  });
});
