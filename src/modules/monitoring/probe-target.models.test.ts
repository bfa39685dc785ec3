import { describe, expect, it } from 'vitest';
import { monitoringConfigSchema, probeTargetSchema, type ProbeTarget } from './monitoring.config.ts';
import { buildTargetRequest, fillTemplate, readResponsePath } from './probe-target.models.ts';
import { createPacer, runWithConcurrency } from './probe-pacing.models.ts';

const secrets: Record<string, string> = { KEY: 'sk-1', TOKEN: 't-2' };
const readSecret = (name: string) => secrets[name];
const probe = { messages: [{ role: 'user' as const, content: 'Say "hi" {{prompt}} }' }], context: 'A document.' };

describe('probe target requests', () => {
  it('send an OpenAI chat request with the system prompt, the context before the question, and the key', () => {
    const target = probeTargetSchema.parse({ kind: 'openai_chat', base_url: 'https://app.example.com/v1/', model: 'bot', api_key_env: 'KEY', system_prompt: 'Be nice.' });
    const request = buildTargetRequest(target, probe, readSecret);
    expect(request).toMatchObject({ url: 'https://app.example.com/v1/chat/completions', method: 'POST', headers: { authorization: 'Bearer sk-1' }, responsePath: 'choices.0.message.content' });
    expect(JSON.parse(request.body)).toEqual({
      model: 'bot',
      messages: [{ role: 'system', content: 'Be nice.' }, { role: 'user', content: 'A document.\n\nSay "hi" {{prompt}} }' }],
    });
  });

  it('fill a template inside its strings, so quotes and braces in a probe cannot change the JSON', () => {
    const target = probeTargetSchema.parse({
      kind: 'http_json', url: 'https://app.example.com/chat', response_path: 'reply', headers: { 'x-team': 'trust' }, headers_env: { 'x-token': 'TOKEN' },
      request_template: { q: 'Q: {{prompt}}', history: '{{messages}}', n: 1 },
    }) as Extract<ProbeTarget, { kind: 'http_json' }>;
    const request = buildTargetRequest(target, probe, readSecret);
    expect(request.headers).toMatchObject({ 'x-team': 'trust', 'x-token': 't-2' });
    expect(JSON.parse(request.body)).toEqual({
      q: 'Q: A document.\n\nSay "hi" {{prompt}} }',
      history: [{ role: 'user', content: 'A document.\n\nSay "hi" {{prompt}} }' }],
      n: 1,
    });
    expect(fillTemplate(['{{context}}', { a: '{{prompt}}!' }], { prompt: 'p', context: 'c', messages: [] })).toEqual(['c', { a: 'p!' }]);
  });

  it('read the answer at a dotted path, and explain where it is missing', () => {
    expect(readResponsePath({ choices: [{ message: { content: 'ok' } }] }, 'choices.0.message.content')).toBe('ok');
    expect(() => readResponsePath({ choices: [] }, 'choices.0.message.content')).toThrow('response has nothing at choices.0.message.content (stopped at "0")');
    expect(() => readResponsePath({ reply: { text: 1 } }, 'reply')).toThrow('response value at reply is object, not a string');
  });

  it('refuse a template without a placeholder, or one that is not JSON, at config time', () => {
    const base = { kind: 'http_json', url: 'https://x.example.com', response_path: 'a' };
    expect(probeTargetSchema.safeParse({ ...base, request_template: '{"q": "hello"}' }).error?.issues[0]?.message).toBe('must contain a "{{prompt}}" or "{{messages}}" placeholder');
    expect(probeTargetSchema.safeParse({ ...base, request_template: '{"q": ' }).error?.issues[0]?.message).toMatch(/^must be JSON/);
    expect(monitoringConfigSchema.safeParse({ probes: { schedule: 'every hour', target: { ...base, request_template: { q: '{{prompt}}' } } } }).error?.issues[0]).toMatchObject({
      path: ['probes', 'schedule'],
      message: 'must be a cron expression such as "0 * * * *"',
    });
  });
});

describe('probe pacing', () => {
  it('spaces call starts by 60 s / rate per minute', async () => {
    let now = 0;
    const slept: number[] = [];
    const pacer = createPacer({ perMinute: 30, now: () => now, sleep: async (ms) => void slept.push(ms) });
    for (let i = 0; i < 4; i += 1) await pacer.wait();
    expect(slept).toEqual([2000, 4000, 6000]);
    now = 60_000;
    await pacer.wait();
    expect(slept).toHaveLength(3);
  });

  it('keeps at most `limit` tasks in flight, runs them all even when some fail, then reports the failures', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    const run = runWithConcurrency([1, 2, 3, 4, 5], 2, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      done.push(n);
      if (n === 2) throw new Error('two');
      return n * 10;
    });
    await expect(run).rejects.toThrow('1 of 5 tasks failed');
    expect(most).toBe(2);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await runWithConcurrency([1, 2, 3], 2, async (n) => n * 10)).toEqual([10, 20, 30]);
  });
});
