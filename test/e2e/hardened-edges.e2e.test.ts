import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../helpers/raw-http.ts';
import { makeEvent, postEvents, startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// @store independent: HTTP protocol edges, answered before any query

// What a hostile or broken client sends at the edge: metadata nested thousands of levels
// deep, bytes that are not UTF-8, and requests the HTTP parser itself refuses. Each gets
// a 4xx in the documented {"error":{"code","message"}} shape, and nothing is stored.

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

describe('hardened edges of the HTTP API', () => {
  let vigil: TestVigil;
  let key: string;

  beforeAll(async () => {
    vigil = await startTestVigil();
    key = await vigil.createKey();
  });
  afterAll(async () => vigil.stop());

  const readEvent = async (id: string) =>
    fetch(`${vigil.url}/v1/events/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${key}` } });

  it('refuses metadata nested 10,000 levels deep with 400 and the path where it got too deep, instead of a 500', async () => {
    // Built as text: JSON.stringify itself would overflow the stack on such a value.
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const body = `{"events":[{"id":"deep-1","source":"support-bot","output":"ok","metadata":${deep}}]}`;
    const { status, body: answer } = await postEvents(vigil.url, key, body);
    expect(status).toBe(400);
    expect(answer.error.code).toBe('validation_failed');
    const detail = answer.error.details[0];
    expect(detail.path).toBe(`events[0].metadata${'.a'.repeat(32)}`);
    expect(detail.message).toContain('at most 32 levels');
    expect((await readEvent('deep-1')).status).toBe(404);
  });

  it('still accepts metadata 32 levels deep and reads it back', async () => {
    const { status } = await postEvents(vigil.url, key, { events: [makeEvent({ id: 'deep-ok', metadata: nested(32) })] });
    expect(status).toBe(202);
    expect(((await (await readEvent('deep-ok')).json()) as { metadata: unknown }).metadata).toEqual(nested(32));
  });

  it('refuses a body that is not UTF-8 instead of turning \\xff and \\xfe into the same U+FFFD id', async () => {
    const batch = (id: Buffer, output: string) =>
      Buffer.concat([Buffer.from('{"events":[{"id":"u-'), id, Buffer.from(`","source":"support-bot","output":"${output}"}]}`)]);
    const first = await postEvents(vigil.url, key, batch(Buffer.from([0xff]), 'first'));
    const second = await postEvents(vigil.url, key, batch(Buffer.from([0xfe]), 'second, different'));
    expect(first).toEqual({ status: 400, body: { error: { code: 'invalid_utf8', message: 'Request body is not valid UTF-8.' } } });
    expect(second.status).toBe(400);
    expect((await readEvent('u-\uFFFD')).status).toBe(404);
    const valid = await postEvents(vigil.url, key, batch(Buffer.from('é', 'utf8'), 'accented'));
    expect(valid.status).toBe(202);
    expect((await readEvent('u-é')).status).toBe(200);
  });

  it('answers a path parameter over the router limit with 414 in Vigil shape, without echoing the URL', async () => {
    const longId = 'x'.repeat(5_000);
    const response = await readEvent(longId);
    const text = await response.text();
    expect(response.status).toBe(414);
    expect(JSON.parse(text)).toEqual({ error: { code: 'uri_too_long', message: 'The request URL is too long.' } });
    expect(text).not.toContain('xxxxxxxxxx');
  });

  it('names an unknown path in its 404 but cuts a long one instead of echoing it whole', async () => {
    const response = await fetch(`${vigil.url}/v2/${'z'.repeat(8_000)}`);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(404);
    expect(body.error.code).toBe('not_found');
    expect(body.error.message.length).toBeLessThan(200);
  });

  it('reads an event whose id is the longest allowed, 128 characters (over the router default of 100)', async () => {
    const id = 'i'.repeat(128);
    expect((await postEvents(vigil.url, key, { events: [makeEvent({ id })] })).status).toBe(202);
    expect((await readEvent(id)).status).toBe(200);
  });

  it('answers a URL that does not decode with 400 invalid_url, without echoing it', async () => {
    const response = await readEvent('%E0%A4%A');
    const answer = await fetch(`${vigil.url}/v1/events/bad%E0%A4%A`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(404);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: { code: 'invalid_url', message: 'The request URL is not valid percent-encoded UTF-8.' } });
  });

  const protocolCases: { name: string; request: string; status: number; code: string }[] = [
    { name: 'a header block over 16 KiB', request: `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, status: 431, code: 'headers_too_large' },
    { name: 'a URL over 16 KiB', request: `GET /v1/events?q=${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, status: 414, code: 'uri_too_long' },
    { name: 'a Content-Length that is not a number', request: 'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', status: 400, code: 'invalid_content_length' },
    { name: 'Content-Length sent twice', request: 'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', status: 400, code: 'invalid_content_length' },
    { name: 'Content-Length with chunked', request: 'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', status: 400, code: 'invalid_transfer_encoding' },
    { name: 'a NUL byte in a header', request: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Evil: a\0b\r\n\r\n', status: 400, code: 'invalid_header' },
    { name: 'a garbage request line', request: 'HELLO THERE\r\n\r\n', status: 400, code: 'invalid_request_line' },
  ];

  for (const { name, request, status, code } of protocolCases) {
    it(`answers ${name} with ${status} ${code} in Vigil's error shape and closes the connection`, async () => {
      const response = await sendRaw(vigil.url, [request]);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.headers.connection).toBe('close');
      const body = JSON.parse(response.body) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(10);
      expect(response.raw).not.toContain('qqqqqqqqqq');
      expect(response.raw).not.toContain('bbbbbbbbbb');
    });
  }

  it('keeps serving normally on a new connection after a protocol error', async () => {
    await sendRaw(vigil.url, ['HELLO THERE\r\n\r\n']);
    const health = await fetch(`${vigil.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
