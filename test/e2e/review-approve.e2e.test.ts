import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readItemId, startSlackTestVigil, USERS, CHANNEL, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// Approve and reject as Slack drives them: a flagged event becomes a card; the click is a
// signed request built from the card's own blocks; the card is updated in place.

describe('review in Slack: approve and reject', () => {
  let vigil: SlackTestVigil;

  beforeAll(async () => {
    vigil = await startSlackTestVigil();
  });
  afterAll(async () => vigil.stop());

  it('posts a card for a flagged event and approves it with one click', async () => {
    const accepted = await vigil.post([{ id: 'approve-1', output: 'Your refund is on its way.', flags: [{ name: 'tone', severity: 'warn' }] }]);
    expect(accepted.status).toBe(202);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('Your refund is on its way.'));
    expect(card.body.channel).toBe(CHANNEL);
    expect(card.body.text).toBe('Review needed — Flagged by the app: tone (support-bot, warning)');
    expect(card.body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'Flagged by the app: tone' } });
    expect(JSON.stringify(card.body.blocks)).toContain(':hourglass_flowing_sand: Waiting for a reviewer.');
    expect(JSON.stringify(card.body.blocks)).not.toMatch(/0 of \d+ verdicts/);
    const itemId = readItemId(card);

    const click = await vigil.click(card, 'review.approve', { user: USERS.reviewer });
    expect(click.status).toBe(200);
    const update = await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card));
    expect(update.body.channel).toBe(CHANNEL);
    const blocks = JSON.stringify(update.body.blocks);
    expect(blocks).toContain(':white_check_mark: *Approved* by <@U04QREVR001>');
    expect(blocks).not.toContain('review.approve');

    // A second click, or Slack retrying the first, gets a short thank-you and changes nothing.
    expect((await vigil.click(card, 'review.approve', { user: USERS.reviewer })).status).toBe(200);
    const repeat = await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.reviewer && String(call.body.text).includes('already'));
    expect(repeat.body.text).toBe(':white_check_mark: You already approved this — thanks.');

    const item = await vigil.api(`/v1/items/${itemId}`);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ id: itemId, event_id: 'approve-1', state: 'final', outcome: 'approved', decision_mode: 'consensus', inclusion_probability: 1 });
    expect(item.body.card).toEqual({ channel: CHANNEL, ts: vigil.tsOf(card), url: `https://slack.com/archives/${CHANNEL}/p${vigil.tsOf(card).replace('.', '')}` });
    expect(item.body.verdicts).toEqual([expect.objectContaining({ reviewer_id: USERS.reviewer, decision: 'approve' })]);
    const audit = (await vigil.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE subject_id = ? ORDER BY seq", itemId));
    expect(audit).toEqual([
      { action: 'verdict.created', actor: `slack:${USERS.reviewer}` },
      { action: 'review_item.final', actor: 'system' },
    ]);
  });

  it('rejects through the modal: reason, dimension and note are stored and shown', async () => {
    await vigil.post([{ id: 'reject-1', output: 'We never give refunds, deal with it.', flags: [{ name: 'tone', severity: 'warn' }] }]);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('deal with it'));
    const itemId = readItemId(card);

    expect((await vigil.click(card, 'review.reject', { user: USERS.reviewer })).status).toBe(200);
    const modal = await vigil.fake.waitFor('views.open', (call) => JSON.parse(call.body.view.private_metadata).itemId === itemId);
    expect(modal.body.trigger_id).toMatch(/trigger/);
    expect(modal.body.view.callback_id).toBe('review.reject_modal');
    expect(JSON.parse(modal.body.view.private_metadata)).toEqual({ itemId, channel: CHANNEL, ts: vigil.tsOf(card) });

    const submitted = await vigil.submitReject(modal, { user: USERS.reviewer, reason: 'tone', dimension: 'brand', note: 'Rude to the customer.' });
    expect(submitted.status).toBe(200);
    const update = await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card));
    expect(JSON.stringify(update.body.blocks)).toContain(':x: *Rejected* by <@U04QREVR001> — Wrong tone: “Rude to the customer.”');
    expect(update.body.text).toBe('Rejected — Flagged by the app: tone (support-bot, warning)');

    const item = await vigil.api(`/v1/items/${itemId}`);
    expect(item.body.outcome).toBe('rejected');
    expect(item.body.verdicts).toEqual([
      expect.objectContaining({ reviewer_id: USERS.reviewer, decision: 'reject', reason_category: 'tone', dimension: 'brand', note: 'Rude to the customer.' }),
    ]);
  });

  it('records the rubric dimension a reason names, and tells a latecomer who already decided', async () => {
    await vigil.post([{ id: 'reject-3', output: 'Ugh, read the manual.', flags: [{ name: 'tone', severity: 'warn' }] }]);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('read the manual'));
    const itemId = readItemId(card);
    await vigil.click(card, 'review.reject', { user: USERS.reviewer });
    const modal = await vigil.fake.waitFor('views.open', (call) => JSON.parse(call.body.view.private_metadata).itemId === itemId);
    // With the default lists every dimension is named by a reason, so the modal does not ask for one.
    expect(modal.body.view.blocks.map((block: any) => block.block_id)).not.toContain('reject_dimension');
    await vigil.submitReject(modal, { user: USERS.reviewer, reason: 'off_brand' });
    const item = await vigil.api(`/v1/items/${itemId}`);
    expect(item.body.verdicts).toEqual([expect.objectContaining({ reason_category: 'off_brand', dimension: 'brand', note: null })]);

    await vigil.click(card, 'review.approve', { user: USERS.reviewer2 });
    const notice = await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.reviewer2 && String(call.body.text).includes('already'));
    expect(notice.body.text).toBe(`:lock: This was already rejected by <@${USERS.reviewer}> — nothing more to do.`);
  });

  it('answers a reason that is not in the source list with a modal error and records nothing', async () => {
    await vigil.post([{ id: 'reject-2', output: 'Another answer to judge.', flags: [{ name: 'tone', severity: 'warn' }] }]);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('Another answer to judge.'));
    const itemId = readItemId(card);
    await vigil.click(card, 'review.reject', { user: USERS.reviewer });
    const modal = await vigil.fake.waitFor('views.open', (call) => JSON.parse(call.body.view.private_metadata).itemId === itemId);
    const submitted = await vigil.submitReject(modal, { user: USERS.reviewer, reason: 'made_up_reason' });
    expect(submitted.body).toEqual({ response_action: 'errors', errors: { reject_reason: 'Choose one of the listed reasons.' } });
    expect((await vigil.api(`/v1/items/${itemId}`)).body).toMatchObject({ state: 'in_review', verdicts: [] });
  });

  it('stores tone, brand and edge-case ratings on the reviewer verdict without revealing them', async () => {
    await vigil.post([{ id: 'ratings-1', output: 'A borderline reply about warranties.', flags: [{ name: 'tone', severity: 'warn' }] }]);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('borderline reply'));
    const itemId = readItemId(card);
    expect((await vigil.click(card, 'review.rate_tone', { user: USERS.reviewer, option: `tone|${itemId}|2` })).status).toBe(200);
    expect((await vigil.click(card, 'review.rate_brand', { user: USERS.reviewer, option: `brand|${itemId}|4` })).status).toBe(200);
    expect((await vigil.click(card, 'review.edge_case', { user: USERS.reviewer })).status).toBe(200);
    const notice = await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.reviewer && String(call.body.text).includes('edge case'));
    expect(notice.body.channel).toBe(CHANNEL);
    let item = await vigil.api(`/v1/items/${itemId}`);
    expect(item.body.state).toBe('in_review');
    expect(item.body.verdicts).toEqual([expect.objectContaining({ decision: null, tone: 2, brand: 4, edge_case: true })]);

    await vigil.click(card, 'review.approve', { user: USERS.reviewer });
    item = await vigil.api(`/v1/items/${itemId}`);
    expect(item.body).toMatchObject({ state: 'final', outcome: 'approved' });
    expect(item.body.verdicts).toEqual([expect.objectContaining({ decision: 'approve', tone: 2, brand: 4, edge_case: true })]);
  });
});
