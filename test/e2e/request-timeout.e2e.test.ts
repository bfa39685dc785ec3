import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../helpers/raw-http.ts';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// @store independent: socket timeouts, before any query

// A client that trickles its request (slowloris) must not hold a connection forever: over
// a real socket, a body sent at a few bytes a second, or headers that never end, get 408
// in Vigil's error shape once REQUEST_TIMEOUT_MS (headers: a third of it) has passed.

describe('request timeouts over a real socket', () => {
  let vigil: TestVigil;
  let key: string;

  beforeAll(async () => {
    vigil = await startTestVigil({ env: { REQUEST_TIMEOUT_MS: '1500' } });
    key = await vigil.createKey();
  });
  afterAll(async () => vigil.stop());

  it('answers 408 to a body trickled byte by byte that would take minutes to arrive', async () => {
    // Authenticated, so that the key check does not answer 401 before the body is read.
    const head = `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    const response = await sendRaw(vigil.url, [head], { gapMs: 200, keepSending: ' ' });
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'request_timeout', message: 'The request was not received in time; send it again at full speed.' },
    });
  });

  it('answers 408 to headers that never end', async () => {
    const response = await sendRaw(vigil.url, ['GET /healthz HTTP/1.1\r\nHost: x\r\n'], { gapMs: 200, keepSending: 'X-Slow: 1\r\n' });
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body).error.code).toBe('request_timeout');
  });

  it('still serves a client that sends at full speed', async () => {
    expect((await fetch(`${vigil.url}/healthz`)).status).toBe(200);
  });
});
