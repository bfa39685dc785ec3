import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApiKey } from '../helpers/test-vigil.ts';
import { readItemId, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';
import { runVigilCli } from '../helpers/vigil-process.ts';

// A data-subject erasure as an operator runs it: DELETE /v1/events?source=…&user_id=… (admin
// key) or `vigil erase`. The text goes from every place Vigil stored it (the event, grader
// reasons and cache keys, verdict notes, outbox payloads and responses); the counts, flags
// and verdict labels stay; the Slack card is updated to say so; the audit log has counts.

const SECRET_TEXT = 'Sure, we will ship it to 12 Elm Street as you asked';

describe('erasure of an end user’s events', () => {
  let vigil: SlackTestVigil;
  let admin: string;

  beforeAll(async () => {
    vigil = await startSlackTestVigil();
    admin = await createTestApiKey(vigil.databasePath, { sources: ['support-bot'], scopes: ['admin', 'read'] });
  });
  afterAll(async () => vigil.stop());

  const erase = (query: string, key = admin) =>
    fetch(`${vigil.url}/v1/events?${query}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as Record<string, any>,
    }));

  it('erases a user’s events everywhere, keeps the verdict and counts, updates the card and audits counts only', async () => {
    await vigil.post([
      { id: 'erase-1', user_id: 'end-user-7', session_id: 'sess-7', input: 'Here are my details', output: SECRET_TEXT, flags: [{ name: 'tone', severity: 'warn' }] },
      { id: 'erase-2', user_id: 'end-user-7', output: 'A second answer to the same user' },
      { id: 'keep-1', user_id: 'someone-else', output: 'Not theirs, stays whole' },
    ]);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('12 Elm Street'));
    const itemId = readItemId(card);
    expect((await vigil.click(card, 'review.reject', { user: USERS.reviewer })).status).toBe(200);
    const modal = await vigil.fake.waitFor('views.open', (call) => JSON.parse(call.body.view.private_metadata).itemId === itemId);
    await vigil.submitReject(modal, { user: USERS.reviewer, reason: 'tone', note: 'Repeats 12 Elm Street back to the user' });
    await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card));

    const refused = await erase('source=support-bot&user_id=end-user-7', vigil.key);
    expect(refused.status).toBe(403);

    const erased = await erase('source=support-bot&user_id=end-user-7');
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toMatchObject({ events: 2, review_items: 1 });
    expect(erased.body.erased.outbox_rows).toBeGreaterThan(0);

    const event = await vigil.api('/v1/events/erase-1');
    expect(event.body).toMatchObject({ output: '[erased]', input: '[erased]', user_id: null, session_id: null, metadata: {} });
    expect(event.body.erased_at).toEqual(expect.any(String));
    expect(event.body.flags).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'tone' })]));
    expect((await vigil.api('/v1/events/keep-1')).body.output).toBe('Not theirs, stays whole');

    const item = await vigil.api(`/v1/items/${itemId}`);
    expect(item.body).toMatchObject({ state: 'final', outcome: 'rejected' });
    expect(item.body.verdicts).toEqual([expect.objectContaining({ decision: 'reject', reason_category: 'tone' })]);

    // Nothing at rest still holds the text: not the events, the verdict notes, the outbox.
    for (const table of ['events', 'review_verdicts', 'outbox', 'grader_results']) {
      const rows = (await vigil.query<Record<string, unknown>>(`SELECT * FROM ${table}`));
      expect(JSON.stringify(rows), table).not.toContain('Elm Street');
    }

    const updated = await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card) && JSON.stringify(call.body.blocks).includes('Content erased'));
    expect(JSON.stringify(updated.body.blocks)).not.toContain('Elm Street');
    expect(JSON.stringify(updated.body.blocks)).toContain('Rejected');

    const audit = (await vigil.query<{ action: string; actor: string; details: string }>("SELECT action, actor, details FROM audit_log WHERE action = 'events.erased'"));
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toEqual({ by: 'user_id', events: 2, review_items: 1, outbox_rows: erased.body.erased.outbox_rows });
    expect(audit[0]!.details).not.toContain('end-user-7');

    const again = await erase('source=support-bot&user_id=end-user-7');
    expect(again.body.erased).toEqual({ events: 0, review_items: 0, outbox_rows: 0 });
  });

  it('refuses an erasure that names no subject, or two, with 400 and the reason', async () => {
    const none = await erase('source=support-bot');
    expect(none.status).toBe(400);
    expect(none.body.error.details[0].message).toBe('give exactly one of user_id, session_id or event_id');
    expect((await erase('source=support-bot&user_id=a&session_id=b')).status).toBe(400);
    expect((await erase('source=nope-bot&user_id=a')).status).toBe(403);
  });

  it('erases one event from the CLI with vigil erase --event-id, and replaces its card through the outbox', async () => {
    await vigil.post([{ id: 'cli-erase-1', output: 'Call me on 555-0199 at home', flags: [{ name: 'tone', severity: 'warn' }] }]);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('555-0199'));
    await vigil.fake.waitFor('chat.postMessage', (call) => call.body === card.body);
    // The card's {channel, ts} is stored once Slack's answer is processed.
    await expect.poll(async () => (await vigil.query("SELECT card_ts FROM review_items WHERE event_id = 'cli-erase-1'"))[0]).toMatchObject({ card_ts: vigil.tsOf(card) });

    const env = { DATABASE_URL: vigil.databasePath, VIGIL_CONFIG: vigil.configPath };
    const usage = await runVigilCli(['erase', '--source', 'support-bot'], env);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('give exactly one of --user-id, --session-id or --event-id');

    const result = await runVigilCli(['erase', '--source', 'support-bot', '--event-id', 'cli-erase-1', '--json'], env);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ events: 1, review_items: 1 });
    expect((await vigil.api('/v1/events/cli-erase-1')).body.output).toBe('[erased]');
    const update = await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card) && String(call.body.text).includes('erased'), 10_000);
    expect(JSON.stringify(update.body)).not.toContain('555-0199');
  }, 60_000);
});
