import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReviewConfig, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// The purge on a real database with review rows: a reviewed event outlives events_days until
// keep_reviewed_days, then goes with its item, verdict and card payloads (foreign keys and all).

const DAY = 86_400_000;

describe('retention of reviewed events', () => {
  let now = Date.parse('2026-03-02T09:00:00Z');
  let vigil: SlackTestVigil;

  beforeAll(async () => {
    const config = `${buildReviewConfig()}    retention: { events_days: 1, keep_reviewed_days: 3 }\n`;
    vigil = await startSlackTestVigil({ configYaml: config, clock: { now: () => now } });
  });
  afterAll(async () => vigil.stop());

  it('keeps a reviewed event past events_days, then deletes it with its item, verdict and card payloads', async () => {
    await vigil.post([
      { id: 'reviewed-1', output: 'A reviewed answer about 9 Oak Road', flags: [{ name: 'tone', severity: 'warn' }] },
      { id: 'plain-1', output: 'An answer nobody reviewed' },
    ]);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('9 Oak Road'));
    expect((await vigil.click(card, 'review.approve', { user: USERS.reviewer })).status).toBe(200);
    await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card));

    now += 2 * DAY;
    expect(await vigil.app.runTask('retention.purge')).toBe('ok');
    expect((await vigil.query("SELECT id FROM events ORDER BY seq"))).toEqual([{ id: 'reviewed-1' }]);

    now += 2 * DAY;
    expect(await vigil.app.runTask('retention.purge')).toBe('ok');
    expect((await vigil.query('SELECT id FROM events'))).toEqual([]);
    expect((await vigil.query('SELECT id FROM review_items'))).toEqual([]);
    expect((await vigil.query('SELECT id FROM review_verdicts'))).toEqual([]);
    expect(JSON.stringify((await vigil.query('SELECT payload, response FROM outbox')))).not.toContain('Oak Road');
    const audit = (await vigil.query<{ details: string }>("SELECT details FROM audit_log WHERE action = 'events.purged' ORDER BY seq"));
    expect(audit.map((row) => JSON.parse(row.details))).toEqual([
      expect.objectContaining({ events: 1, review_items: 0 }),
      expect.objectContaining({ events: 1, review_items: 1 }),
    ]);
  });
});
