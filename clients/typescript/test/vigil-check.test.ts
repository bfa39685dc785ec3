import nock from 'nock';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../../../test/helpers/test-vigil.ts';
import { Vigil, VigilError, wrapOpenAI } from '../src/index.ts';
import { readStoredEvents, unreachableUrl } from './client-helpers.ts';

describe('@vigil/client check() and the openai wrapper', () => {
  let vigil: TestVigil;
  let apiKey: string;
  beforeAll(async () => {
    vigil = await startTestVigil();
    apiKey = await vigil.createKey();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await vigil.stop();
  });

  it('answers with the live guardrail decision', async () => {
    // A generous timeout: a loaded test machine must not turn this into the fail mode's answer.
    const client = new Vigil({ url: vigil.url, apiKey, source: 'support-bot', failMode: 'closed', checkTimeoutMs: 15_000 });
    const clean = await client.check({ input: 'hi', output: 'Your order ships tomorrow.' });
    expect(clean).toMatchObject({ action: 'allow', flags: [] });
    expect(clean.guardrail_version).toBeGreaterThanOrEqual(1);
    expect(clean.failed).toBeUndefined();
  });

  it('passes on a redaction with the text to show instead', async () => {
    const client = new Vigil({ url: vigil.url, apiKey, source: 'support-bot', failMode: 'open', checkTimeoutMs: 15_000 });
    const answer = await client.check({ input: 'my email?', output: 'It is jane.doe@example.com, as on file.' });
    expect(answer).toMatchObject({ action: 'redact', redacted_output: 'It is [redacted email], as on file.' });
  });

  it('follows the fail mode when Vigil is unreachable', async () => {
    const url = await unreachableUrl();
    const open = await new Vigil({ url, apiKey, source: 'support-bot', failMode: 'open' }).check({ output: 'x' });
    const closed = await new Vigil({ url, apiKey, source: 'support-bot', failMode: 'closed' }).check({ output: 'x' });
    expect(open).toEqual({ action: 'allow', flags: [], guardrail_version: null, failed: 'unavailable' });
    expect(closed).toEqual({ action: 'block', flags: [], guardrail_version: null, failed: 'unavailable' });
  });

  it('follows the fail mode when Vigil does not answer within checkTimeoutMs', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const client = new Vigil({ url: vigil.url, apiKey, source: 'support-bot', failMode: 'closed', checkTimeoutMs: 20, fetch: hanging });
    expect(await client.check({ output: 'x' })).toMatchObject({ action: 'block', failed: 'timeout' });
  });

  it('throws on a 4xx: a wrong key or source is a bug to fix, not an outage to ride out', async () => {
    const client = new Vigil({ url: vigil.url, apiKey, failMode: 'open', checkTimeoutMs: 15_000 });
    await expect(client.check({ source: 'billing-bot', output: 'x' })).rejects.toThrow(VigilError);
    const wrongKey = new Vigil({ url: vigil.url, apiKey: 'vgl_wrong', failMode: 'open', checkTimeoutMs: 15_000 });
    await expect(wrongKey.check({ source: 'support-bot', output: 'x' })).rejects.toMatchObject({ status: 401 });
  });

  it('logs each chat completion of a wrapped openai client', async () => {
    nock('https://api.openai.com')
      .post('/v1/chat/completions')
      .reply(200, { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Paris.' } }] });
    const client = new Vigil({ url: vigil.url, apiKey, failMode: 'open' });
    const openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', maxRetries: 0 }), client, { source: 'support-bot', event: { release: 'r42' } });
    const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France?' }] });
    expect(completion.choices[0]?.message.content).toBe('Paris.');
    await client.shutdown();
    expect(client.stats()).toMatchObject({ accepted: 1 });
    expect(await readStoredEvents(vigil.databasePath)).toEqual([{ source: 'support-bot', input: 'Capital of France?', output: 'Paris.', model: 'gpt-4o-mini-2024-07-18', release: 'r42' }]);
  });
});
