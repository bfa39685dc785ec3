import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../src/shared/clock.ts';
import { buildReviewConfig, isCard, readItemId, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// The queue over time, on a fake clock: a channel gets at most its hourly budget of cards,
// most severe first; what waits past its TTL expires, visibly; late cards get one reminder.

const MINUTE = 60_000;
const config = buildReviewConfig({
  review: `      oncall_group: S07ONCALL01
      sla_minutes: { critical: 15, warn: 90 }`,
  sampling: `        hourly_budget: 2
        ttl_hours: 2`,
});

describe('review queue: budget, expiry, SLA reminders, App Home', () => {
  const clock = createFakeClock(Date.parse('2026-11-25T09:00:00Z'));
  let vigil: SlackTestVigil;
  const cards = () => vigil.fake.calls('chat.postMessage').filter((call) => call.ok && isCard(call));
  const cardOf = (text: string) => cards().find((call) => JSON.stringify(call.body.blocks).includes(text))!;
  /** Stopping waits for the sends in flight; a fake-clock jump past their lease would let the outbox send them again. */
  const advanceAfterFlush = async (ms: number) => {
    await vigil.restart();
    clock.advance(ms);
  };
  const metric = async (line: RegExp) => (await (await fetch(`${vigil.url}/metrics`)).text()).match(line)?.[1];

  beforeAll(async () => {
    vigil = await startSlackTestVigil({ configYaml: config, clock });
  });
  afterAll(async () => vigil.stop());

  it('sends two cards an hour, keeps the rest waiting, and sends the critical one first when a slot opens', async () => {
    await vigil.post([1, 2, 3, 4].map((n) => ({ id: `budget-${n}`, output: `budget answer ${n}`, flags: [{ name: 'tone', severity: 'warn' }] })));
    await vigil.fake.waitFor('chat.postMessage', () => cards().length >= 2);
    await vigil.app.review.runTasks();
    expect(cards().map((call) => JSON.stringify(call.body.blocks).match(/budget answer \d/)?.[0])).toEqual(['budget answer 1', 'budget answer 2']);
    const queued = await vigil.api('/v1/items?state=queued');
    expect(queued.body.items.map((item: any) => item.event_id)).toEqual(['budget-3', 'budget-4']);
    expect(await metric(/vigil_review_queue_size\{source="support-bot",state="queued"\} (\d+)/)).toBe('2');

    await advanceAfterFlush(MINUTE);
    await vigil.post([{ id: 'budget-critical', output: 'budget answer critical', flags: [{ name: 'leak', severity: 'critical' }] }]);
    await vigil.app.review.runTasks();
    expect(cards()).toHaveLength(2);

    await advanceAfterFlush(60 * MINUTE);
    await vigil.app.review.runTasks();
    await vigil.fake.waitFor('chat.postMessage', () => cards().length >= 4);
    expect(cards().slice(2).map((call) => JSON.stringify(call.body.blocks).match(/budget answer \w+/)?.[0])).toEqual(['budget answer critical', 'budget answer 3']);
  });

  it('expires what waited past its TTL: counted, audited and listed, never dropped silently', async () => {
    await advanceAfterFlush(60 * MINUTE);
    await vigil.app.review.runTasks();
    const expired = await vigil.api('/v1/items?state=expired');
    expect(expired.body.items).toEqual([expect.objectContaining({ event_id: 'budget-4', state: 'expired', card: null, expired_at: new Date(clock.now()).toISOString() })]);
    expect(await metric(/vigil_review_items_expired_total\{source="support-bot"\} (\d+)/)).toBe('1');
    const audit = (await vigil.query<{ action: string; actor: string }>('SELECT action, actor FROM audit_log WHERE subject_id = ?', expired.body.items[0].id));
    expect(audit).toEqual([{ action: 'review_item.expired', actor: 'system' }]);
    expect(cards()).toHaveLength(4);
  });

  it('reminds once per item in the thread of a card past its SLA, pinging on-call for critical items', async () => {
    // At 11:01 the warn cards sent at 09:00 are past 90 min and the critical one sent at 10:01 past 15 min.
    const remindersOf = (text: string) => vigil.fake.calls('chat.postMessage').filter((call) => call.ok && call.body.thread_ts === vigil.tsOf(cardOf(text)));
    await vigil.fake.waitFor('chat.postMessage', () => ['budget answer 1', 'budget answer 2', 'budget answer critical'].every((text) => remindersOf(text).length === 1));
    expect(JSON.stringify(remindersOf('budget answer critical')[0]!.body.blocks)).toContain('<!subteam^S07ONCALL01> :alarm_clock: This *critical* item has no verdict yet (2 reviewers needed)');
    expect(JSON.stringify(remindersOf('budget answer 1')[0]!.body.blocks)).toContain(':alarm_clock: This *warn* item has no verdict yet (one reviewer needed) after 121 min (SLA 90 min)');
    expect(JSON.stringify(remindersOf('budget answer 1')[0]!.body.blocks)).not.toContain('subteam');
    expect(remindersOf('budget answer 3')).toEqual([]);

    await advanceAfterFlush(30 * MINUTE);
    await vigil.app.review.runTasks();
    await vigil.fake.waitFor('chat.postMessage', () => remindersOf('budget answer 3').length === 1);
    await advanceAfterFlush(60 * MINUTE);
    await vigil.app.review.runTasks();
    await vigil.restart();
    for (const text of ['budget answer 1', 'budget answer 2', 'budget answer 3', 'budget answer critical']) expect(remindersOf(text)).toHaveLength(1);
    expect(await metric(/vigil_review_queue_size\{source="support-bot",state="in_review"\} (\d+)/)).toBe('4');
  });

  it('shows a reviewer their pending items, verdicts of the week and queue sizes in App Home', async () => {
    const card = cardOf('budget answer 3');
    await vigil.click(card, 'review.approve', { user: USERS.reviewer });
    const opened = await vigil.openAppHome(USERS.reviewer);
    expect(opened.status).toBe(200);
    const home = await vigil.fake.waitFor('views.publish', (call) => call.body.user_id === USERS.reviewer);
    expect(home.body.view.type).toBe('home');
    const pending = JSON.stringify(home.body.view.blocks.filter((block: any) => String(block.block_id).startsWith('home.pending')));
    expect(pending).toContain('*Waiting for you* (3)');
    // Items are named by what they are, in words, and link to their card.
    expect(pending).toContain('*Flagged by the app: leak*\\n:red_circle: Critical · support-bot');
    expect(pending).toContain(`p${vigil.tsOf(cardOf('budget answer critical')).replace('.', '')}|Open card>`);
    expect(pending).not.toContain(`p${vigil.tsOf(card).replace('.', '')}|Open card>`);
    expect(pending).not.toContain(readItemId(cardOf('budget answer critical')));
    const text = JSON.stringify(home.body.view.blocks);
    expect(text).toContain('*Your verdicts, last 7 days:* 1 verdict (:white_check_mark: 1 approved');
    expect(text).toContain(':white_check_mark: Approved · Flagged by the app: tone · support-bot');
    expect(text).toContain('*support-bot*: 3 cards waiting for reviewers · 1 expired unreviewed in the last 7 days');
    // The calibration module answers the standing section; one verdict is not enough to measure agreement.
    expect(text).toContain('*Your agreement*');
    expect(text).toContain('_Not enough shared or check items yet._');
    expect(home.body.view.blocks.length).toBeLessThanOrEqual(100);
  });

  it('serves items and verdicts over the API, scoped to the key sources', async () => {
    const list = await vigil.api('/v1/items?source=support-bot&limit=2');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.next_after).toEqual(expect.any(Number));
    const next = await vigil.api(`/v1/items?source=support-bot&limit=100&after=${list.body.next_after}`);
    expect(next.body.items.length).toBeGreaterThan(0);
    expect(next.body.items[0].id).not.toBe(list.body.items[1].id);
    expect((await vigil.api('/v1/items?state=bogus')).status).toBe(400);
    expect((await vigil.api('/v1/items/rev_unknown')).body.error.code).toBe('review_item.not_found');
    expect((await vigil.api('/v1/items?source=billing-bot')).status).toBe(403);

    const verdicts = await vigil.api(`/v1/verdicts?since=${new Date(0).toISOString()}`);
    expect(verdicts.status).toBe(200);
    const lines = verdicts.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ reviewer_id: USERS.reviewer, decision: 'approve', source: 'support-bot', event_id: 'budget-3', inclusion_probability: 1, weight: 1 }),
    ]);
  });
});
