import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// The production app's side of live guardrails, in-process over real HTTP and SQLite:
// a change through the API is what the very next /v1/check answers with.

const CONFIG = `
sources:
  support-bot:
    graders:
      thresholds: { brand: 0.6 }
    guardrails:
      graders: { brand: block }
      kill_switch_message: Support chat is paused.
  billing-bot: {}
`;

describe('live guardrails over the API', () => {
  let vigil: TestVigil;
  let appKey: string;
  let adminKey: string;

  beforeAll(async () => {
    vigil = await startTestVigil({ configYaml: CONFIG });
    appKey = await vigil.createKey({ scopes: ['ingest', 'read'] });
    adminKey = await vigil.createKey({ scopes: ['admin'], sources: ['*'] });
  });
  afterAll(() => vigil.stop());

  const call = async (method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${vigil.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.key ?? appKey}`, ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  const check = (body: Record<string, unknown>) => call('POST', '/v1/check', { body: { source: 'support-bot', ...body } });
  const change = (change: unknown, reason = 'e2e') => call('POST', '/v1/guardrails/support-bot/versions', { key: adminKey, body: { change, reason } });
  const currentVersion = async () => (await call('GET', '/v1/guardrails/support-bot')).body.version as number;

  it('serves the seeded version 1 with an ETag, and 304 for If-None-Match', async () => {
    const first = await call('GET', '/v1/guardrails/support-bot');
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"support-bot-v1"');
    expect(first.body).toMatchObject({
      source: 'support-bot',
      version: 1,
      kind: 'seed',
      actor: 'system:config',
      guardrail: { graders: { brand: { threshold: 0.6, action: 'block' } }, detectors: { pii: { action: 'redact' }, prompt_leak: { action: 'block' } }, kill_switch: { on: false, message: 'Support chat is paused.' } },
    });
    const again = await call('GET', '/v1/guardrails/support-bot', { headers: { 'if-none-match': '"support-bot-v1"' } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe('"support-bot-v1"');
  });

  it('answers the very next /v1/check with a pattern added through the API', async () => {
    const output = 'Good news: your refund is guaranteed within 24 hours!';
    expect((await check({ output })).body).toEqual({ action: 'allow', flags: [], guardrail_version: await currentVersion() });
    const created = await change({ blocklist: { add_patterns: ['refund\\s+is\\s+guaranteed'] } }, 'promised refunds');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ created: true, actor: expect.stringMatching(/^api:key_/), reason: 'promised refunds' });
    const after = (await check({ output })).body;
    expect(after).toMatchObject({ action: 'block', guardrail_version: created.body.version, flags: [{ check: 'blocklist', kind: 'pattern', action: 'block' }] });
  });

  it('flags the next stored event with the pattern too: ingest reads the live blocklist, not the config file', async () => {
    const posted = await call('POST', '/v1/events', { body: { events: [{ id: 'refund-1', source: 'support-bot', output: 'Your refund is guaranteed, promise.' }] } });
    expect(posted.status).toBe(202);
    const stored = (await call('GET', '/v1/events/refund-1?source=support-bot')).body;
    expect(stored.flags).toEqual([expect.objectContaining({ check: 'blocklist', kind: 'pattern' })]);
  });

  it('blocks the same grader scores once the threshold is lowered', async () => {
    const scores = { brand: 0.45 };
    expect((await check({ output: 'Hello!', scores })).body.action).toBe('allow');
    const lowered = await change({ graders: { brand: { threshold: 0.4 } } }, 'missed off-brand replies');
    const after = await check({ output: 'Hello!', scores });
    expect(after.body).toMatchObject({ action: 'block', guardrail_version: lowered.body.version, flags: [{ check: 'brand', origin: 'grader', threshold: 0.4, score: 0.45 }] });
  });

  it('redacts PII spans of the output', async () => {
    const outcome = await check({ input: 'my email?', output: 'It is jane.doe@example.com, as on file.' });
    expect(outcome.body).toMatchObject({ action: 'redact', redacted_output: 'It is [redacted email], as on file.' });
  });

  it('keeps both of two changes sent at the same moment, in two consecutive versions', async () => {
    const before = await currentVersion();
    const [a, b] = await Promise.all([
      change({ blocklist: { add_words: ['acme rival'] } }, 'approver A'),
      change({ blocklist: { add_patterns: ['wire\\s+the\\s+money'] } }, 'approver B'),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.version, b.body.version].sort()).toEqual([before + 1, before + 2]);
    const latest = (await call('GET', '/v1/guardrails/support-bot')).body;
    expect(latest.version).toBe(before + 2);
    expect(latest.guardrail.blocklist.words).toContain('acme rival');
    expect(latest.guardrail.blocklist.patterns).toContain('wire\\s+the\\s+money');
  });

  it('long-polls: answers as soon as a newer version exists, and 304 when the wait runs out', async () => {
    const version = await currentVersion();
    const etag = `"support-bot-v${version}"`;
    const started = Date.now();
    const waiting = call('GET', '/v1/guardrails/support-bot?wait=30', { headers: { 'if-none-match': etag } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await change({ detectors: { injection: { action: 'block' } } }, 'injections got through');
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(answered.body.version).toBe(version + 1);
    expect(answered.headers.get('etag')).toBe(`"support-bot-v${version + 1}"`);
    expect(Date.now() - started).toBeLessThan(5_000);

    const timedOutAt = Date.now();
    const timedOut = await call('GET', '/v1/guardrails/support-bot?wait=1', { headers: { 'if-none-match': `"support-bot-v${version + 1}"` } });
    expect(timedOut.status).toBe(304);
    expect(Date.now() - timedOutAt).toBeGreaterThanOrEqual(900);
    expect((await call('GET', '/v1/guardrails/support-bot?wait=61')).body.error.details).toEqual([{ path: 'wait', message: 'must be at most 60 seconds' }]);
  });

  it('blocks everything with the fallback message while the kill switch is on, and stops when it is off', async () => {
    const on = await call('POST', '/v1/guardrails/support-bot/kill-switch', { key: adminKey, body: { on: true, reason: 'incident INC-7' } });
    expect(on.status).toBe(201);
    expect((await check({ output: 'Totally harmless answer.' })).body).toEqual({
      action: 'block',
      flags: [{ check: 'kill_switch', origin: 'kill_switch', action: 'block' }],
      message: 'Support chat is paused.',
      guardrail_version: on.body.version,
    });
    await call('POST', '/v1/guardrails/support-bot/kill-switch', { key: adminKey, body: { on: false, reason: 'resolved' } });
    expect((await check({ output: 'Totally harmless answer.' })).body.action).toBe('allow');
  });

  it('reverts to an earlier version as a new version', async () => {
    const before = await currentVersion();
    const reverted = await call('POST', '/v1/guardrails/support-bot/revert', { key: adminKey, body: { version: 1, reason: 'back to the config' } });
    expect(reverted.body).toMatchObject({ created: true, version: before + 1, kind: 'revert', revert_of: 1 });
    expect((await check({ output: 'Good news: your refund is guaranteed within 24 hours!' })).body.action).toBe('allow');
    const history = await call('GET', '/v1/guardrails/support-bot/versions?limit=3');
    expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([before + 1, before, before - 1]);
  });

  it('refuses bad changes with the exact path and reason, and keys without the scope or the source', async () => {
    const unsafe = await change({ blocklist: { add_patterns: ['(a+)+$'] } });
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.error.details).toEqual([{ path: 'change.blocklist.add_patterns[0]', message: 'nests quantifiers, e.g. (a+)+ or (.*a){20}, which can take exponential time' }]);
    expect((await call('POST', '/v1/guardrails/support-bot/versions', { body: { change: {}, reason: 'r' } })).status).toBe(403);
    expect((await call('POST', '/v1/check', { body: { source: 'billing-bot', output: 'x' } })).body.error.code).toBe('auth.source_forbidden');
    expect((await call('POST', '/v1/check', { body: { source: 'support-bot', output: 'x', scores: { brand: 2 } } })).body.error.details).toEqual([{ path: 'scores.brand', message: 'must be between 0 and 1' }]);
    const noRead = await vigil.createKey({ scopes: ['admin'], sources: ['billing-bot'] });
    expect((await call('GET', '/v1/guardrails/support-bot', { key: noRead })).status).toBe(403);
  });
});
