import { gzipSync } from 'node:zlib';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from './logger.ts';
import { createMetricsRegistry, type Registry } from './metrics.ts';
import { buildServer } from './server.ts';

// The hooks every request runs through: request ids on every answer, gzip bodies, the
// request-duration histogram per route, method and status, and the per-request logger.

describe('HTTP server hooks', () => {
  let http: FastifyInstance;
  let registry: Registry;
  let logLines: Record<string, unknown>[];

  beforeEach(async () => {
    logLines = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        callback();
      },
    });
    registry = createMetricsRegistry({ collectDefaults: false });
    http = buildServer({ logger: createLogger({ level: 'info', destination }), registry });
    http.post('/echo', async (request) => request.body);
    http.get('/boom', async () => {
      throw new Error('boom');
    });
    await http.ready();
  });
  afterEach(() => http.close());

  it('sends x-request-id on answers, errors and 404s, echoing the one the caller sent', async () => {
    const ok = await http.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(ok.json()).toEqual({ a: 1 });
    expect(ok.headers['x-request-id']).toMatch(/^req-/);
    const echoed = await http.inject({ method: 'POST', url: '/echo', payload: { a: 1 }, headers: { 'x-request-id': 'trace-42' } });
    expect(echoed.headers['x-request-id']).toBe('trace-42');
    const missing = await http.inject({ url: '/nowhere', headers: { 'x-request-id': 'trace-43' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-request-id']).toBe('trace-43');
    const failed = await http.inject({ url: '/boom', headers: { 'x-request-id': 'trace-44' } });
    expect(failed.statusCode).toBe(500);
    expect(failed.headers['x-request-id']).toBe('trace-44');
  });

  it('decodes gzip bodies, and refuses an unknown encoding with 415', async () => {
    const gzipped = await http.inject({ method: 'POST', url: '/echo', payload: gzipSync(JSON.stringify({ b: 2 })), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(gzipped.json()).toEqual({ b: 2 });
    const brotli = await http.inject({ method: 'POST', url: '/echo', payload: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'br' } });
    expect(brotli.statusCode).toBe(415);
    expect(brotli.json()).toEqual({ error: { code: 'unsupported_content_encoding', message: 'Content-Encoding "br" is not supported; use gzip or none.' } });
    expect(brotli.headers['x-request-id']).toMatch(/^req-/);
  });

  it('counts every request in the duration histogram by route, method and status', async () => {
    await http.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    await http.inject({ method: 'POST', url: '/echo', payload: { a: 2 } });
    await http.inject({ method: 'POST', url: '/echo', payload: 'not json', headers: { 'content-type': 'application/json' } });
    await http.inject({ url: '/nowhere' });
    const metrics = await registry.metrics();
    expect(metrics).toContain('vigil_http_request_duration_seconds_count{method="POST",route="/echo",status_code="200"} 2');
    expect(metrics).toContain('vigil_http_request_duration_seconds_count{method="POST",route="/echo",status_code="400"} 1');
    expect(metrics).toContain('vigil_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1');
  });

  it('logs a failed request with its request id, and nothing for requests that went well', async () => {
    await http.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(logLines).toEqual([]);
    await http.inject({ url: '/boom', headers: { 'x-request-id': 'trace-45' } });
    expect(logLines).toEqual([expect.objectContaining({ level: 50, ns: 'http', reqId: 'trace-45', msg: 'request failed', err: expect.objectContaining({ message: 'boom' }) })]);
  });
});
