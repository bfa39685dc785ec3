import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlackCall } from './fake-slack-api.ts';
import { buildReviewConfig, CHANNEL, isCard, readItemId, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// Nothing is lost when Slack is slow, rate-limits, refuses, or Vigil restarts: cards go
// through the persisted outbox, per channel in order, and resume after a restart.

const TRUST = 'C07TRUST001';
const BRAND = 'C07BRAND001';
const ADMIN = 'C07ADMIN001';

const config = buildReviewConfig({
  review: `      admin_channel: ${ADMIN}`,
  sampling: `        routes:
          - { channel: ${TRUST}, flags: [leak] }
          - { channel: ${BRAND}, graders: [tone] }`,
});

describe('review cards through the outbox', () => {
  let vigil: SlackTestVigil;
  const postedCards = () => vigil.fake.calls('chat.postMessage').filter((call) => call.ok && isCard(call));
  const outputOf = (call: FakeSlackCall) => JSON.stringify(call.body.blocks).match(/storm-(\d+)-(\w+)/)?.[0];

  beforeAll(async () => {
    vigil = await startSlackTestVigil({ configYaml: config });
  });
  afterAll(async () => vigil.stop());

  it('routes items by reason and survives a 429 storm without losing a card or reordering a channel', async () => {
    vigil.fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 }, 10);
    vigil.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 2);
    const events = [0, 1, 2].flatMap((i) => [
      { id: `storm-${i}-leak`, output: `storm-${i}-leak`, flags: [{ name: 'leak', severity: 'warn' }] },
      { id: `storm-${i}-tone`, output: `storm-${i}-tone`, flags: [{ name: 'tone', severity: 'warn' }] },
      { id: `storm-${i}-other`, output: `storm-${i}-other`, flags: [{ name: 'other', severity: 'warn' }] },
    ]);
    expect((await vigil.post(events)).status).toBe(202);
    await vigil.fake.waitFor('chat.postMessage', () => postedCards().length >= 9, 10_000);

    const limited = vigil.fake.calls('chat.postMessage').filter((call) => call.status === 429);
    expect(limited).toHaveLength(12);
    const byChannel = (channel: string) => postedCards().filter((call) => call.body.channel === channel).map(outputOf);
    expect(byChannel(TRUST)).toEqual(['storm-0-leak', 'storm-1-leak', 'storm-2-leak']);
    expect(byChannel(BRAND)).toEqual(['storm-0-tone', 'storm-1-tone', 'storm-2-tone']);
    expect(byChannel(CHANNEL)).toEqual(['storm-0-other', 'storm-1-other', 'storm-2-other']);
    expect(new Set(postedCards().map(readItemId)).size).toBe(9);
    const items = (await vigil.query<{ n: number }>("SELECT count(*) AS n FROM review_items WHERE event_id LIKE 'storm-%'"));
    expect(items[0]!.n).toBe(9);
  });

  it('resumes a card left in the outbox by a restart, and posts it exactly once', async () => {
    vigil.fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    await vigil.post([{ id: 'restart-1', output: 'Posted only after the restart.', flags: [{ name: 'other', severity: 'warn' }] }]);
    await vigil.fake.waitFor('chat.postMessage', (call) => call.status === 429 && JSON.stringify(call.body.blocks).includes('after the restart'));
    expect(postedCards().filter((call) => JSON.stringify(call.body.blocks).includes('after the restart'))).toEqual([]);

    // The new process starts 31 s later (a fake clock), past the Retry-After.
    await vigil.restart({ clock: { now: () => Date.now() + 31_000 } });
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('after the restart'));
    expect(postedCards().filter((call) => JSON.stringify(call.body.blocks).includes('after the restart'))).toHaveLength(1);

    await vigil.click(card, 'review.approve', { user: USERS.reviewer });
    const update = await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card));
    expect(JSON.stringify(update.body.blocks)).toContain('*Approved*');
    expect((await vigil.query<{ n: number }>("SELECT count(*) AS n FROM review_items WHERE event_id = 'restart-1'"))[0]!.n).toBe(1);
  });

  it('records a permanent Slack error on the item and reports it once to the admin channel', async () => {
    vigil.fake.failNext('chat.postMessage', { error: 'channel_not_found' }, 2);
    await vigil.post([
      { id: 'lost-1', output: 'The channel is gone (1).', flags: [{ name: 'leak', severity: 'warn' }] },
      { id: 'lost-2', output: 'The channel is gone (2).', flags: [{ name: 'leak', severity: 'warn' }] },
    ]);
    const report = await vigil.fake.waitFor('chat.postMessage', (call) => call.body.channel === ADMIN);
    expect(report.body.text).toContain(`cannot post review cards of *support-bot* to \`${TRUST}\`: Slack says \`channel_not_found\``);
    // Stopping waits for sends and their hooks in flight, so the database is final afterwards.
    await vigil.restart();
    const lost = (await vigil.query<{ card_error: string | null; card_ts: string | null }>("SELECT card_error, card_ts FROM review_items WHERE event_id LIKE 'lost-%'"));
    expect(lost).toEqual([
      { card_error: 'channel_not_found', card_ts: null },
      { card_error: 'channel_not_found', card_ts: null },
    ]);
    expect(vigil.fake.calls('chat.postMessage').filter((call) => call.body.channel === ADMIN)).toHaveLength(1);
    const metrics = await (await fetch(`${vigil.url}/metrics`)).text();
    expect(metrics).toContain('vigil_outbox_queue_depth{kind="slack"} 0');
  });
});
