import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../platform/errors.ts';
import { parseJsonBody } from '../../platform/json-body.ts';
import { toErrorDetails } from '../../shared/validation.ts';
import { EVENT_ROW_WIDTH, ROW } from './event-rows.models.ts';
import { prepareEventBatch, type BatchChecks } from './ingestion-batch.usecases.ts';
import { eventBatchSchema } from './ingestion.schemas.ts';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
const checks: BatchChecks = {
  isKnownSource: (name) => name === 'support-bot' || name === 'billing-bot',
  flagMinSeverity: () => 'warn',
  detect: async (texts) => (texts.output.includes('leak') ? [{ detector: 'pii', kind: 'email', severity: 'warn', score: 1, field: 'output', start: 0, end: 4, evidence: 'l***' }] : []),
};
const event = (overrides: Record<string, unknown> = {}) => ({ source: 'support-bot', output: 'Your order shipped.', ...overrides });
const prepare = (body: unknown, keySources = ['*']) =>
  prepareEventBatch(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), { keySources, now: NOW }, checks);

describe('prepareEventBatch (the detector workers’ reading of a /v1/events body)', () => {
  it('gives the same validation details as the schema on the main thread, paths included', async () => {
    const bodies = [
      { events: [] },
      { events: [event(), event({ output: 42, extra: true }), event({ occurred_at: 'yesterday', flags: [{ name: '' }] })] },
      { events: 'nope' },
      { batch: [] },
      [],
    ];
    for (const body of bodies) {
      const prepared = await prepare(body);
      const expected = eventBatchSchema.safeParse(body);
      expect(prepared.ok).toBe(false);
      if (prepared.ok || expected.success) continue;
      expect(prepared.error).toMatchObject({ code: 'validation_failed', statusCode: 400, details: toErrorDetails(expected.error.issues) });
    }
  });

  it('answers malformed, empty, non-UTF-8 and prototype-polluting bodies as the server’s JSON parser does', async () => {
    const bodies = ['{"events": [', '', '{"events":[],"__proto__":{"x":1}}'];
    for (const body of bodies) {
      const prepared = await prepare(body);
      let expected: unknown;
      try {
        parseJsonBody(Buffer.from(body));
      } catch (error) {
        expected = error;
      }
      expect(isVigilError(expected)).toBe(true);
      expect(prepared).toEqual({ ok: false, error: expect.objectContaining({ code: (expected as Error & { code: string }).code, message: (expected as Error).message }), rejected: [] });
    }
    const notUtf8 = await prepareEventBatch(Buffer.from([0x7b, 0xff, 0x7d]), { keySources: ['*'], now: NOW }, checks);
    expect(notUtf8).toMatchObject({ ok: false, error: { code: 'invalid_utf8', statusCode: 400 } });
  });

  it('keeps Fastify’s own wording for a body that is not JSON', async () => {
    const app = Fastify();
    app.post('/', async () => ({}));
    const answer = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{"events": [' });
    const prepared = await prepare('{"events": [');
    expect(prepared.ok ? null : prepared.error.message).toBe(`Request body is not valid JSON: ${(answer.json() as { message: string }).message}`);
    await app.close();
  });

  it('refuses the whole batch on the first source the key may not use or no config declares, counting every event by source', async () => {
    const forbidden = await prepare({ events: [event(), event({ source: 'billing-bot' })] }, ['support-bot']);
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'auth.source_forbidden', statusCode: 403, details: [{ path: 'events[1].source' }] } });
    expect(forbidden.ok ? [] : forbidden.rejected).toEqual([['support-bot', 1], ['billing-bot', 1]]);
    const unknown = await prepare({ events: [event({ source: 'ghost-bot' })] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'source.not_found', statusCode: 404, details: [{ path: 'events[0].source' }] } });
  });

  it('hands back one row per event, ids generated where missing, with the detections of the notable ones only', async () => {
    const prepared = await prepare({ events: [event({ id: 'a-1' }), event({ output: 'a leak here' }), event({ flags: [{ name: 'toxicity' }] })] });
    if (!prepared.ok) throw new Error('expected rows');
    const { rows } = prepared;
    expect(rows.count).toBe(3);
    expect(rows.values).toHaveLength(3 * EVENT_ROW_WIDTH);
    expect(rows.values[ROW.id]).toBe('a-1');
    expect(rows.values[EVENT_ROW_WIDTH + ROW.id]).toMatch(/^evt_[0-9A-Z]{26}$/);
    expect(rows.notable.map((notable) => notable.index)).toEqual([1, 2]);
    expect(rows.notable[0]!.flags).toEqual([{ check: 'pii', origin: 'detector', kind: 'email', severity: 'warn', score: 1 }]);
    expect(rows.notable[1]!.appFlags).toEqual([{ name: 'toxicity' }]);
  });
});
