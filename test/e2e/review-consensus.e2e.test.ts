import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlackCall } from './fake-slack-api.ts';
import { readItemId, REVIEWER_GROUP, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// Critical items need two reviewers. Agreement makes them final; disagreement asks the
// approvers in the card's thread. Repeated clicks, Slack retries, stale cards and users
// without the role never change a verdict twice.

describe('review in Slack: consensus, adjudication and idempotent clicks', () => {
  let vigil: SlackTestVigil;
  let n = 0;

  const postCritical = async (output: string) => {
    const id = `critical-${++n}`;
    await vigil.post([{ id, output, flags: [{ name: 'policy', severity: 'critical' }] }]);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes(output));
    return { card, itemId: readItemId(card) };
  };
  const updatesOf = (card: FakeSlackCall) => vigil.fake.calls('chat.update').filter((call) => call.ok && call.body.ts === vigil.tsOf(card));
  const nthUpdate = (card: FakeSlackCall, count: number) => vigil.fake.waitFor('chat.update', () => updatesOf(card).length >= count).then(() => updatesOf(card)[count - 1]!);
  const auditOf = async (itemId: string) => (await vigil.query<{ action: string; actor: string; details: string }>('SELECT action, actor, details FROM audit_log WHERE subject_id = ? ORDER BY seq', itemId));

  beforeAll(async () => {
    vigil = await startSlackTestVigil({
      prepareSlack: (fake) => fake.respondTo('usergroups.users.list', (body) => ({ ok: true, users: body.usergroup === REVIEWER_GROUP ? [USERS.groupMember] : [] })),
    });
  });
  afterAll(async () => vigil.stop());

  it('keeps a blind card at "1 of 2 reviewers have voted", then finalises when the second reviewer agrees', async () => {
    const { card, itemId } = await postCritical('Two reviewers must agree on this one.');
    await vigil.click(card, 'review.approve', { user: USERS.reviewer });
    const first = JSON.stringify((await nthUpdate(card, 1)).body.blocks);
    expect(first).toContain('1 of 2 reviewers have voted; waiting for 1 more.');
    expect(first).not.toContain('approved');
    expect(first).toContain('review.approve');

    await vigil.click(card, 'review.approve', { user: USERS.groupMember });
    const second = JSON.stringify((await nthUpdate(card, 2)).body.blocks);
    expect(second).toContain(':white_check_mark: *Approved* by <@U04QREVR001>, <@U04QGRPMBR1>');
    expect((await vigil.api(`/v1/items/${itemId}`)).body).toMatchObject({ state: 'final', outcome: 'approved', decision_mode: 'consensus' });
  });

  it('asks the approvers in the thread when reviewers disagree, and the adjudication is final', async () => {
    const { card, itemId } = await postCritical('Reviewers will disagree about this answer.');
    await vigil.click(card, 'review.approve', { user: USERS.reviewer });
    await vigil.click(card, 'review.reject', { user: USERS.reviewer2 });
    const modal = await vigil.fake.waitFor('views.open', (call) => JSON.parse(call.body.view.private_metadata).itemId === itemId);
    await vigil.submitReject(modal, { user: USERS.reviewer2, reason: 'policy_violation', dimension: 'policy' });

    const thread = await vigil.fake.waitFor('chat.postMessage', (call) => call.body.thread_ts === vigil.tsOf(card));
    expect(thread.body.channel).toBe(card.body.channel);
    expect(JSON.stringify(thread.body.blocks)).toContain('<@U04QAPPR001> Reviewers disagree on this item');
    expect((await nthUpdate(card, 2)).body.blocks.map((b: any) => JSON.stringify(b)).join()).toContain('*Reviewers disagree* — an approver makes the final call.');
    expect((await vigil.api(`/v1/items/${itemId}`)).body.state).toBe('needs_adjudication');

    await vigil.click(thread, 'review.adjudicate_reject', { user: USERS.reviewer });
    const refusal = await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.reviewer && String(call.body.text).includes('Only approvers'));
    expect(refusal.body.text).toContain('Only approvers of *support-bot* can adjudicate disagreements');

    await vigil.click(thread, 'review.adjudicate_reject', { user: USERS.approver });
    const final = JSON.stringify((await nthUpdate(card, 3)).body.blocks);
    expect(final).toContain(':x: *Rejected* by <@U04QAPPR001>, settling a disagreement between reviewers. Agreed with <@U04QREVR002> — Breaks content policy.');
    expect((await vigil.api(`/v1/items/${itemId}`)).body).toMatchObject({ state: 'final', outcome: 'rejected', decision_mode: 'adjudication', decided_by: USERS.approver });
    expect((await auditOf(itemId)).map((row) => row.action)).toEqual([
      'verdict.created',
      'verdict.created',
      'review_item.needs_adjudication',
      'review.refused',
      'review_item.adjudicated',
    ]);
  });

  it('records one verdict for a double click and a Slack retry, and audits only real changes', async () => {
    const { card, itemId } = await postCritical('Click me twice, Slack retries once.');
    const clicks = await Promise.all([
      vigil.click(card, 'review.approve', { user: USERS.reviewer }),
      vigil.click(card, 'review.approve', { user: USERS.reviewer }),
    ]);
    expect(clicks.map((click) => click.status)).toEqual([200, 200]);
    const retry = await vigil.click(card, 'review.approve', { user: USERS.reviewer, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    // The reviewer changes their mind once: that is a change, audited with the previous decision.
    await vigil.click(card, 'review.reject', { user: USERS.reviewer });
    const modal = await vigil.fake.waitFor('views.open', (call) => JSON.parse(call.body.view.private_metadata).itemId === itemId);
    await vigil.submitReject(modal, { user: USERS.reviewer, reason: 'unsafe' });
    await vigil.submitReject(modal, { user: USERS.reviewer, reason: 'unsafe' });
    await vigil.click(card, 'review.reject', { user: USERS.reviewer2 });
    await vigil.submitReject(await vigil.fake.waitFor('views.open', (call) => call.body.trigger_id !== modal.body.trigger_id && JSON.parse(call.body.view.private_metadata).itemId === itemId), {
      user: USERS.reviewer2,
      reason: 'unsafe',
    });

    const final = JSON.stringify((await nthUpdate(card, 3)).body.blocks);
    expect(final).toContain(':x: *Rejected* by <@U04QREVR001> — Unsafe; <@U04QREVR002> — Unsafe');
    expect(updatesOf(card)).toHaveLength(3);
    const item = (await vigil.api(`/v1/items/${itemId}`)).body;
    expect(item.verdicts).toHaveLength(2);
    const audit = await auditOf(itemId);
    expect(audit.map((row) => row.action)).toEqual(['verdict.created', 'verdict.changed', 'verdict.created', 'review_item.final']);
    expect(JSON.parse(audit[1]!.details)).toMatchObject({ decision: 'reject', previous: 'approve', reasonCategory: 'unsafe' });
  });

  it('answers a click on a stale card of a final item with an ephemeral, and changes nothing', async () => {
    const { card, itemId } = await postCritical('Decided long ago.');
    await vigil.click(card, 'review.approve', { user: USERS.reviewer });
    await vigil.click(card, 'review.approve', { user: USERS.reviewer2 });
    await nthUpdate(card, 2);
    const before = (await auditOf(itemId)).length;
    await vigil.click(card, 'review.reject', { user: USERS.groupMember });
    const notice = await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.groupMember && String(call.body.text).includes('already'));
    expect(notice.body.text).toBe(`:lock: This was already approved by <@${USERS.reviewer}>, <@${USERS.reviewer2}> — nothing more to do.`);
    expect(vigil.fake.calls('views.open').filter((call) => JSON.parse(call.body.view.private_metadata).itemId === itemId)).toEqual([]);
    expect(await auditOf(itemId)).toHaveLength(before);
  });

  it('refuses a user who is not a reviewer with an ephemeral naming the role, audits it, and changes nothing', async () => {
    const { card, itemId } = await postCritical('Only reviewers may judge this.');
    const click = await vigil.click(card, 'review.approve', { user: USERS.outsider });
    expect(click.status).toBe(200);
    const notice = await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.outsider);
    expect(notice.body.channel).toBe(card.body.channel);
    expect(notice.body.text).toContain('Only reviewers of *support-bot* can approve or reject its items');
    const audit = await auditOf(itemId);
    expect(audit).toEqual([{ action: 'review.refused', actor: `slack:${USERS.outsider}`, details: expect.any(String) }]);
    expect(JSON.parse(audit[0]!.details)).toEqual({ attempted: 'approve', needed: 'reviewer', role: 'none' });
    expect((await vigil.api(`/v1/items/${itemId}`)).body).toMatchObject({ state: 'in_review', verdicts: [] });
    expect(updatesOf(card)).toEqual([]);
    const metrics = await (await fetch(`${vigil.url}/metrics`)).text();
    expect(metrics).toMatch(/vigil_review_refused_total\{source="support-bot",role="reviewer"\} 1/);
  });
});
