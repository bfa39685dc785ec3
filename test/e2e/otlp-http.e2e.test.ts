import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRpcStatus, encodeTraceRequest } from '../../src/modules/otlp/otlp.protobuf.ts';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// POST /v1/traces at the HTTP edge: both encodings, gzip, keys, partial success, and the
// requests an exporter or a proxy can get wrong. (The happy path with real exporters is in otlp.e2e.)

const TRACE = '5b8efff798038103d269b633813fc60c';
const START_NS = '1765094400000000000'; // 2025-12-07T08:00:00Z

function llmSpan(spanId: string, output: string | null, extra: Record<string, string> = {}) {
  const attributes = Object.entries({
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hello?' }] }]),
    ...(output !== null ? { 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: output }] }]) } : {}),
    ...extra,
  }).map(([key, value]) => ({ key, value: { stringValue: value } }));
  return { traceId: TRACE, spanId, name: 'chat gpt-4o-mini', startTimeUnixNano: START_NS, attributes };
}

function request(spans: object[], service = 'support-bot') {
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }] };
}

/** The protobuf request; ids become bytes as exporters send them. */
function toProtobuf(body: ReturnType<typeof request>) {
  const withBytes = JSON.parse(JSON.stringify(body), (key, value) => (key === 'traceId' || key === 'spanId' ? Buffer.from(value as string, 'hex') : value));
  return encodeTraceRequest(withBytes);
}

let responseType: protobuf.Type;

async function post(vigil: TestVigil, body: Uint8Array | string, headers: Record<string, string>) {
  const response = await fetch(`${vigil.url}/v1/traces`, { method: 'POST', headers, body });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  // Protobuf answers: ExportTraceServiceResponse on success, google.rpc.Status on errors.
  const parsed = !type.startsWith('application/x-protobuf')
    ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, any>)
    : response.status >= 400
      ? decodeRpcStatus(bytes)
      : responseType.toObject(responseType.decode(bytes), { longs: Number });
  return { status: response.status, type, body: parsed as Record<string, any> };
}

describe('POST /v1/traces', () => {
  let vigil: TestVigil;
  let key: string;

  beforeAll(async () => {
    vigil = await startTestVigil();
    key = await vigil.createKey();
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => new URL(`../../src/modules/otlp/proto/${target}`, import.meta.url).pathname;
    root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
    responseType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
  });
  afterAll(async () => vigil.stop());

  const auth = () => ({ authorization: `Bearer ${key}` });
  const getEvent = async (id: string) => {
    const response = await fetch(`${vigil.url}/v1/events/${id}`, { headers: auth() });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('answers an OTLP/protobuf batch with an empty ExportTraceServiceResponse and stores the span', async () => {
    const sent = await post(vigil, toProtobuf(request([llmSpan('00f067aa0ba902b7', 'Hi there.')])), { ...auth(), 'content-type': 'application/x-protobuf' });
    expect(sent).toMatchObject({ status: 200, type: 'application/x-protobuf', body: {} });
    const stored = await getEvent(`${TRACE}-00f067aa0ba902b7`);
    expect(stored.body).toMatchObject({ source: 'support-bot', input: 'Hello?', output: 'Hi there.', occurred_at: '2025-12-07T08:00:00.000Z' });
  });

  it('reads gzip bodies in both encodings', async () => {
    const proto = await post(vigil, gzipSync(toProtobuf(request([llmSpan('00f067aa0ba902c1', 'Gzipped protobuf.')]))), {
      ...auth(),
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    const json = await post(vigil, gzipSync(JSON.stringify(request([llmSpan('00f067aa0ba902c2', 'Gzipped JSON.')]))) as unknown as string, {
      ...auth(),
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect([proto.status, json.status]).toEqual([200, 200]);
    expect(json.body).toEqual({});
    expect((await getEvent(`${TRACE}-00f067aa0ba902c1`)).body.output).toBe('Gzipped protobuf.');
    expect((await getEvent(`${TRACE}-00f067aa0ba902c2`)).body.output).toBe('Gzipped JSON.');
  });

  it('follows OTLP partial success: bad spans are rejected with their reasons and store nothing, the good one is stored', async () => {
    const spans = [
      llmSpan('00f067aa0ba90301', 'A fine answer.'),
      llmSpan('00f067aa0ba90302', null),
      llmSpan('00f067aa0ba90303', 'x', { 'vigil.source': 'nowhere-bot' }),
      llmSpan('00f067aa0ba90304', 'y', { 'gen_ai.request.model': 'm'.repeat(300) }),
      { ...llmSpan('00f067aa0ba90305', 'not a chat'), attributes: [{ key: 'db.system', value: { stringValue: 'sqlite' } }] },
    ];
    const proto = await post(vigil, toProtobuf(request(spans)), { ...auth(), 'content-type': 'application/x-protobuf' });
    expect(proto.status).toBe(200);
    expect(proto.body.partialSuccess.rejectedSpans).toBe(3);
    expect(proto.body.partialSuccess.errorMessage).toMatch(/^3 spans rejected: span 5b8e.*\/00f067aa0ba90302: no completion text/);
    expect(proto.body.partialSuccess.errorMessage).toContain('may not send events for source "nowhere-bot" (read from vigil.source, else service.name)');
    expect(proto.body.partialSuccess.errorMessage).toContain('model: must be at most 256 characters');
    expect((await getEvent(`${TRACE}-00f067aa0ba90301`)).status).toBe(200);
    for (const rejected of ['00f067aa0ba90302', '00f067aa0ba90303', '00f067aa0ba90304', '00f067aa0ba90305']) {
      expect((await getEvent(`${TRACE}-${rejected}`)).status).toBe(404);
    }

    const json = await post(vigil, JSON.stringify(request([llmSpan('00f067aa0ba90306', null)])), { ...auth(), 'content-type': 'application/json' });
    expect(json.body).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringContaining('no completion text') } });
    const metrics = await (await fetch(`${vigil.url}/metrics`)).text();
    expect(metrics).toMatch(/vigil_otlp_spans_total\{outcome="rejected"\} 4\b/);
    expect(metrics).toMatch(/vigil_events_rejected_total\{source="unknown"\} 1\b/);
  });

  it('rejects every invalid span of a large export, beyond the 50 reasons one validation error lists, and stores the valid ones', async () => {
    const spans = Array.from({ length: 130 }, (_, i) =>
      llmSpan((0x200000 + i).toString(16).padStart(16, '0'), `Answer ${i}.`, i % 2 === 0 ? { 'gen_ai.request.model': 'm'.repeat(300) } : {}),
    );
    const sent = await post(vigil, toProtobuf(request(spans)), { ...auth(), 'content-type': 'application/x-protobuf' });
    expect(sent.body.partialSuccess).toEqual({ rejectedSpans: 65, errorMessage: expect.stringMatching(/^65 spans rejected: .*model: must be at most 256 characters.*; and 60 more$/) });
    expect((await getEvent(`${TRACE}-${(0x200000 + 1).toString(16).padStart(16, '0')}`)).status).toBe(200);
    expect((await getEvent(`${TRACE}-${(0x200000 + 128).toString(16).padStart(16, '0')}`)).status).toBe(404);
  });

  it('rejects spans for a source the config does not declare, with the way to name one', async () => {
    const allSources = await vigil.createKey({ sources: ['*'] });
    const headers = { authorization: `Bearer ${allSources}`, 'content-type': 'application/json' };
    const undeclared = await post(vigil, JSON.stringify(request([llmSpan('00f067aa0ba90401', 'Hi')], 'nowhere-bot')), headers);
    expect(undeclared.body.partialSuccess.errorMessage).toContain('unknown source "nowhere-bot" (read from vigil.source, else service.name): declare it under "sources:"');
    // What the SDK reports when OTEL_SERVICE_NAME is not set.
    const unnamed = await post(vigil, JSON.stringify(request([llmSpan('00f067aa0ba90402', 'Hi')], 'unknown_service:node')), headers);
    expect(unnamed.body.partialSuccess.errorMessage).toContain('unknown source "unknown_service:node"');
  });

  it('refuses requests without a valid key before reading them, and keys without the ingest scope', async () => {
    const body = toProtobuf(request([llmSpan('00f067aa0ba90501', 'Hi')]));
    expect(await post(vigil, body, { 'content-type': 'application/x-protobuf' })).toMatchObject({ status: 401, body: { code: 16 } });
    expect((await post(vigil, body, { authorization: 'Bearer vgl_nope', 'content-type': 'application/x-protobuf' })).status).toBe(401);
    expect((await post(vigil, '{}', { 'content-type': 'application/json' })).body.error.code).toBeDefined();
    const readOnly = await vigil.createKey({ scopes: ['read'] });
    const forbidden = await post(vigil, body, { authorization: `Bearer ${readOnly}`, 'content-type': 'application/x-protobuf' });
    expect(forbidden).toMatchObject({ status: 403, type: 'application/x-protobuf', body: { code: 7, message: expect.stringContaining('ingest') } });
    expect((await getEvent(`${TRACE}-00f067aa0ba90501`)).status).toBe(404);
  });

  it('names the OTLP encodings when the Content-Type is another one', async () => {
    const sent = await post(vigil, 'hello', { ...auth(), 'content-type': 'text/plain' });
    expect(sent.status).toBe(415);
    expect(sent.body.error.message).toContain('application/x-protobuf or application/json');
  });

  it('answers 400 with the reason to bytes that are not an ExportTraceServiceRequest, bad gzip, or JSON of another shape', async () => {
    // To protobuf requests the reason comes as a google.rpc.Status (3: INVALID_ARGUMENT), as OTLP/HTTP requires.
    const notProto = await post(vigil, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { ...auth(), 'content-type': 'application/x-protobuf' });
    expect(notProto).toMatchObject({ status: 400, body: { code: 3, message: expect.stringContaining('not an OTLP ExportTraceServiceRequest in protobuf') } });
    const badGzip = await post(vigil, new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]), { ...auth(), 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(badGzip).toMatchObject({ status: 400, body: { error: { code: 'invalid_encoding' } } });
    const notJson = await post(vigil, '{"resourceSpans":', { ...auth(), 'content-type': 'application/json' });
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    const deep = `{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(20_000)}${']}}'.repeat(20_000)}}]}}]}`;
    const tooDeep = await post(vigil, deep, { ...auth(), 'content-type': 'application/json' });
    expect(tooDeep).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    const wrongShape = await post(vigil, JSON.stringify({ resourceSpans: { spans: [] } }), { ...auth(), 'content-type': 'application/json' });
    expect(wrongShape).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: [{ path: 'resourceSpans' }] } } });
  });

  it('stores an export of more LLM spans than one /v1/events batch holds', async () => {
    const accepted = async () => Number((await (await fetch(`${vigil.url}/metrics`)).text()).match(/vigil_otlp_spans_total\{outcome="accepted"\} (\d+)/)?.[1] ?? 0);
    const before = await accepted();
    const spans = Array.from({ length: 1200 }, (_, i) => llmSpan((0x100000 + i).toString(16).padStart(16, '0'), `Answer ${i}.`));
    const sent = await post(vigil, toProtobuf(request(spans)), { ...auth(), 'content-type': 'application/x-protobuf' });
    expect(sent).toMatchObject({ status: 200, body: {} });
    expect((await accepted()) - before).toBe(1200);
    expect((await getEvent(`${TRACE}-${(0x100000 + 1199).toString(16).padStart(16, '0')}`)).body.output).toBe('Answer 1199.');
  });

  it('refuses a body over 10 MiB after gunzip with 413', async () => {
    const sent = await post(vigil, gzipSync(Buffer.alloc(11 * 1024 * 1024)), { ...auth(), 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(sent).toMatchObject({ status: 413, body: { code: 11, message: expect.stringContaining('10 MiB') } });
  });

  it('accepts an empty export, as exporters send on shutdown', async () => {
    const sent = await post(vigil, new Uint8Array(0), { ...auth(), 'content-type': 'application/x-protobuf' });
    expect(sent).toMatchObject({ status: 200, body: {} });
  });
});
