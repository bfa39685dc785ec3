import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent, postEvents, startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';
import { queryDatabase } from '../helpers/query-database.ts';

// Per-source retention through the real app and its scheduled task (run now with a fake
// clock): old events go with their grading rows, recent ones stay, a source without
// retention keeps everything, and the audit log records counts. `store: redacted` keeps
// only the redacted text at rest.

const DAY = 86_400_000;

const CONFIG = `
sources:
  support-bot:
    retention: { events_days: 30, keep_reviewed_days: 365 }
  billing-bot:
    store: redacted
`;

describe('retention and store: redacted', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let vigil: TestVigil;
  let key: string;

  beforeAll(async () => {
    vigil = await startTestVigil({ configYaml: CONFIG, clock: { now: () => now } });
    key = await vigil.createKey({ sources: ['support-bot', 'billing-bot'] });
  });
  afterAll(async () => vigil.stop());

  const query = <T>(sql: string): Promise<T[]> => queryDatabase<T>(vigil.databasePath, sql);

  it('purges events past events_days in batches, keeps recent ones and sources without retention, and audits counts', async () => {
    const old = Array.from({ length: 450 }, (_, i) => makeEvent({ id: `old-${i}` }));
    expect((await postEvents(vigil.url, key, { events: old })).status).toBe(202);
    expect((await postEvents(vigil.url, key, { events: [makeEvent({ id: 'old-billing', source: 'billing-bot' })] })).status).toBe(202);
    now += 20 * DAY;
    expect((await postEvents(vigil.url, key, { events: [makeEvent({ id: 'recent-1' })] })).status).toBe(202);

    now += 15 * DAY; // the first batch is now 35 days old, the second 15
    expect(await vigil.app.runTask('retention.purge')).toBe('ok');

    const ids = (await query<{ id: string }>("SELECT id FROM events ORDER BY seq")).map((row) => row.id);
    expect(ids).toEqual(['old-billing', 'recent-1']);
    const audit = (await query<{ action: string; source: string; details: string }>("SELECT action, source, details FROM audit_log WHERE action = 'events.purged'"));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.source).toBe('support-bot');
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ events: 450, review_items: 0 });

    expect(await vigil.app.runTask('retention.purge')).toBe('ok');
    expect((await query("SELECT 1 FROM audit_log WHERE action = 'events.purged'"))).toHaveLength(1);
  });

  it('accepts and keeps an event ingested while a purge of older ones runs', async () => {
    const batch = Array.from({ length: 600 }, (_, i) => makeEvent({ id: `bulk-${i}` }));
    expect((await postEvents(vigil.url, key, { events: batch })).status).toBe(202);
    now += 40 * DAY;
    const purge = vigil.app.runTask('retention.purge');
    const during = await postEvents(vigil.url, key, { events: [makeEvent({ id: 'during-purge' })] });
    expect(await purge).toBe('ok');
    expect(during.status).toBe(202);
    const ids = (await query<{ id: string }>("SELECT id FROM events WHERE source = 'support-bot'")).map((row) => row.id);
    expect(ids).toEqual(['during-purge']);
  });

  it('stores only the redacted text for a source with store: redacted, and still flags what it found', async () => {
    const output = 'Write to jane.doe@acme-corp.com for your refund.';
    expect((await postEvents(vigil.url, key, { events: [makeEvent({ id: 'redacted-1', source: 'billing-bot', output })] })).status).toBe(202);
    const stored = (await query<{ output: string; detections: string }>("SELECT output, detections FROM events WHERE id = 'redacted-1'"))[0]!;
    expect(stored.output).toBe('Write to [redacted email] for your refund.');
    expect(JSON.parse(stored.detections)).toEqual([expect.objectContaining({ kind: 'email', start: 0, end: 0 })]);
    const read = await fetch(`${vigil.url}/v1/events/redacted-1`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await read.json()) as { output: string }).output).not.toContain('jane.doe');
  });
});
