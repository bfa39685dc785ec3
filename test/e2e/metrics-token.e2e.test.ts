import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// @store independent: /metrics authentication

// /metrics names sources, queues and reviewers' load: with METRICS_TOKEN set, only a scraper
// that sends the token reads it. /healthz stays open for load balancers and probes.

describe('METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789abcdef';
  let vigil: TestVigil;
  beforeAll(async () => {
    vigil = await startTestVigil({ env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => vigil.stop());

  const metrics = (authorization?: string) => fetch(`${vigil.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it('answers 401 in JSON without the token or with a wrong one, and says how to send it', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${token}`, `Bearer ${token}x`]) {
      const response = await metrics(authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.json()).toEqual({ error: { code: 'auth.metrics_token', message: '/metrics needs "Authorization: Bearer <METRICS_TOKEN>".' } });
    }
  });

  it('serves the metrics to a scraper that sends the token, and /healthz to anyone', async () => {
    const response = await metrics(`Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('vigil_database_size_bytes');
    expect((await fetch(`${vigil.url}/healthz`)).status).toBe(200);
  });
});
