import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// Rollback end to end: releases reported by the app, an approver's known-good mark, the
// rollback, and the signed webhook delivered through the outbox to a local receiver that
// fails the first attempt. The receiver verifies signatures the way docs/guardrails.md shows.

const SECRET_ENV = 'VIGIL_E2E_SUPPORT_BOT_WEBHOOK_SECRET';
const SECRET = 'whsec_e2e_0123456789abcdef';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

function verify(headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers['x-vigil-timestamp'] ?? '');
  const expected = `v1=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
  return headers['x-vigil-signature'] === expected && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
}

describe('rollback webhook', () => {
  let vigil: TestVigil;
  let receiver: Server;
  let appKey: string;
  let adminKey: string;
  const received: Received[] = [];
  let failuresLeft = 1;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const status = failuresLeft-- > 0 ? 500 : 204;
        received.push({ headers: request.headers, body, status });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    // startTestVigil passes env to the config only; the app reads webhook secrets from process.env.
    process.env[SECRET_ENV] = SECRET;
    vigil = await startTestVigil({
      configYaml: `
sources:
  support-bot:
    guardrails:
      webhook: { url: "http://127.0.0.1:${port}/vigil", secret_env: ${SECRET_ENV} }
      releases: { soak_hours: 24 }
`,
    });
    appKey = await vigil.createKey({ scopes: ['ingest', 'read'] });
    adminKey = await vigil.createKey({ scopes: ['admin'], sources: ['support-bot'] });
  });
  afterAll(async () => {
    await vigil.stop();
    receiver.close();
    delete process.env[SECRET_ENV];
  });

  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const response = await fetch(`${vigil.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs = 8_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('registers releases idempotently and refuses a rollback with no known-good release', async () => {
    const report = (release: string) => call('POST', '/v1/releases', appKey, { source: 'support-bot', release, model: 'gpt-4o-mini', prompt_version: `p-${release}` });
    expect((await report('r-41')).status).toBe(201);
    expect((await report('r-41')).body).toMatchObject({ registered: false, live: true });
    expect((await report('r-42')).body).toMatchObject({ registered: true, release: 'r-42', live: true, known_good: false });
    const refused = await call('POST', '/v1/releases/support-bot/rollback', adminKey, { reason: 'r-42 promises refunds' });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'release.no_known_good' } } });
    expect((await call('POST', '/v1/releases/support-bot/rollback', appKey, { reason: 'x' })).status).toBe(403);
  });

  it('rolls back to the marked release, and the receiver gets a correctly signed body after a retry', async () => {
    expect((await call('POST', '/v1/releases/support-bot/r-41/known-good', adminKey, { reason: 'ran all week' })).body).toMatchObject({ known_good: true });
    const rollback = await call('POST', '/v1/releases/support-bot/rollback', adminKey, { reason: 'r-42 promises refunds' });
    expect(rollback.status).toBe(201);
    expect(rollback.body).toMatchObject({ created: true, rolled_back_from: 'r-42', rolled_back_to: 'r-41', kind: 'rollback', guardrail: { pinned_release: { release: 'r-41', model: 'gpt-4o-mini', prompt_version: 'p-r-41' } } });

    const delivered = await waitFor(async () => received.find((hit) => hit.status === 204));
    expect(received[0]!.status).toBe(500);
    for (const hit of received) expect(verify(hit.headers, hit.body)).toBe(true);
    expect(delivered.headers['content-type']).toBe('application/json');
    expect(delivered.headers['x-vigil-delivery']).toMatch(/^obx_/);
    const body = JSON.parse(delivered.body) as Record<string, any>;
    expect(body).toMatchObject({
      type: 'guardrail.rollback',
      id: `support-bot-v${rollback.body.version}`,
      source: 'support-bot',
      version: rollback.body.version,
      reason: 'r-42 promises refunds',
      rollback: { from_release: 'r-42', to_release: 'r-41' },
      guardrail: { pinned_release: { release: 'r-41' } },
    });
    expect(verify(delivered.headers, delivered.body.replace('r-41', 'r-40'))).toBe(false);

    const status = await waitFor(async () => {
      const version = await call('GET', `/v1/guardrails/support-bot/versions/${rollback.body.version}`, appKey);
      return version.body.webhook?.state === 'delivered' ? version.body : undefined;
    });
    expect(status.webhook).toMatchObject({ state: 'delivered', attempts: 2 });
    const deliveries = await call('GET', '/v1/guardrails/support-bot/deliveries', appKey);
    expect(deliveries.body.deliveries[0]).toMatchObject({ version: rollback.body.version, kind: 'rollback', webhook: { state: 'delivered' } });
  });

  it('sends a version_created webhook for an ordinary change too', async () => {
    const before = received.length;
    const change = await call('POST', '/v1/guardrails/support-bot/versions', adminKey, { change: { detectors: { pii: { action: 'block' } } }, reason: 'no PII at all' });
    const hit = await waitFor(async () => received.slice(before).find((r) => r.status === 204));
    expect(JSON.parse(hit.body)).toMatchObject({ type: 'guardrail.version_created', version: change.body.version, diff: [{ path: 'detectors.pii.action', from: 'redact', to: 'block' }] });
    expect(verify(hit.headers, hit.body)).toBe(true);
  });
});
