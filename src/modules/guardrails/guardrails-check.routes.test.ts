import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { buildServer } from '../../platform/server.ts';
import type { ApiKey } from '../api-keys/api-keys.models.ts';
import type { CheckRequest, GuardrailChecker } from './guardrails-check.usecases.ts';
import { registerGuardrailRoutes, type GuardrailRoutesDeps } from './guardrails.routes.ts';

// POST /v1/check's handler through Fastify, with a recording checker: valid bodies reach it
// as sent (whether the fast reader or zod read them), bad ones get the 400 with exact details.

const KEY: ApiKey = { id: 'key_1', name: 'app', prefix: 'vgl_', scopes: ['ingest'], sources: ['support-bot'], createdBy: 't', createdAt: 0, revokedAt: null };

describe('POST /v1/check input', () => {
  let http: FastifyInstance;
  const checked: CheckRequest[] = [];

  beforeAll(async () => {
    const checker: GuardrailChecker = {
      async check(request) {
        checked.push(request);
        return { action: 'allow', flags: [], guardrail_version: 3 };
      },
    };
    http = buildServer({ logger: createLogger({ level: 'silent' }), registry: createMetricsRegistry({ collectDefaults: false }) });
    http.addHook('onRequest', async (request) => {
      request.apiKey = KEY;
    });
    registerGuardrailRoutes(http, { checker } as unknown as GuardrailRoutesDeps);
    await http.ready();
  });
  afterAll(() => http.close());

  const check = async (body: unknown) => {
    const response = await http.inject({ method: 'POST', url: '/check', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> };
  };

  it('hands valid bodies to the checker as sent and answers with its outcome', async () => {
    const bodies = [
      { source: 'support-bot', input: 'Where is my order?', output: 'It left on Monday.', scores: { brand: 0.2 } },
      { source: 'support-bot', input: null, output: '' },
    ];
    for (const body of bodies) expect(await check(body)).toEqual({ status: 200, body: { action: 'allow', flags: [], guardrail_version: 3 } });
    expect(checked).toEqual(bodies);
  });

  it('answers bad bodies with a 400 naming each field and what is wrong with it', async () => {
    const invalid = (details: { path: string; message: string }[]) => ({
      status: 400,
      body: { error: { code: 'guardrail.invalid_request', message: 'The request is invalid; see details.', details } },
    });
    expect(await check({ source: 'support-bot', output: 'x', scores: { brand: 2 } })).toEqual(invalid([{ path: 'scores.brand', message: 'must be between 0 and 1' }]));
    expect(await check({ source: 'support-bot', output: 'x', scores: { Brand: 0.5 } })).toEqual(invalid([{ path: 'scores.Brand', message: 'Invalid key in record' }]));
    expect(await check({ source: 'Support Bot', output: 'x' })).toEqual(
      invalid([{ path: 'source', message: 'must be 1–64 lowercase letters, digits, "-" or "_", starting with a letter or digit' }]),
    );
    expect(await check({ source: 'support-bot', output: 'x'.repeat(256 * 1024 + 1) })).toEqual(invalid([{ path: 'output', message: 'must be at most 262144 characters' }]));
    expect(await check({ source: 'support-bot', input: 1 })).toEqual(
      invalid([
        { path: 'input', message: 'Invalid input: expected string, received number' },
        { path: 'output', message: 'Invalid input: expected string, received undefined' },
      ]),
    );
    expect(await check({ source: 'support-bot', output: 'x', verdict: 'ok' })).toEqual(invalid([{ path: '(body)', message: 'Unrecognized key: "verdict"' }]));
  });

  it('checks the key may use the source only once the body is valid', async () => {
    expect(await check({ source: 'billing-bot', output: 'x' })).toMatchObject({ status: 403, body: { error: { code: 'auth.source_forbidden' } } });
    expect(checked.some((request) => request.source === 'billing-bot')).toBe(false);
  });
});
