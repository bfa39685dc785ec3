import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, SIGNING_SECRET, startSlackTestVigil, TEAM, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';
import { sendSlackRequest } from './slack-signing.ts';
import { findElement } from '../helpers/test-vigil-slack.ts';
import {
  APPROVER_2, buildGuardrailsSlackConfig, check, latestVersion, LOG_CHANNEL, openTighten, postCard, SOURCE, storeGraderScore, submitView, tightenValues,
} from './guardrails-slack.helpers.ts';

// Tightening a guardrail from a review card, as Slack drives it: the click is a signed request
// built from the posted card, the modal is the view Vigil opened, and the production app's
// next /v1/check answers with the new version.

describe('guardrails in Slack: tighten from the card', () => {
  let vigil: SlackTestVigil;

  beforeAll(async () => {
    vigil = await startSlackTestVigil({ configYaml: buildGuardrailsSlackConfig() });
  });
  afterAll(async () => vigil.stop());

  it('blocks outputs like this one: the modal previews the last 7 days, and the very next /v1/check blocks', async () => {
    const traffic = ['Order 1', 'Order 2', 'Order 3'].map((tail, i) => ({ id: `traffic-${i}`, output: `We never give refunds, deal with it. ${tail}.` }));
    expect((await vigil.post(traffic)).status).toBe(202);
    const { card, itemId } = await postCard(vigil, 'tighten-1', 'We never give refunds, deal with it. Bye.');
    const versionBefore = (await latestVersion(vigil));
    const before = await check(vigil, { output: 'Sorry: we never give refunds, deal with it!' });
    expect(before).toMatchObject({ action: 'allow', guardrail_version: versionBefore });

    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    const json = JSON.stringify(modal.body.view);
    expect(json).toContain('"initial_value":"We never give refunds, deal with it"');
    expect(json).toContain('matches 4 of 4 events in 7 days');
    expect(json.match(/guardrails_sample_/g)).toHaveLength(3);

    const submitted = await submitView(vigil, modal.body.view, USERS.approver, tightenValues({ choice: 'block_pattern', pattern: 'We never give refunds, deal with it', reason: 'rude' }));
    expect(submitted.status).toBe(200);
    const after = await check(vigil, { output: 'Sorry: we never give refunds, deal with it!' });
    expect(after).toMatchObject({ action: 'block', guardrail_version: versionBefore + 1 });
    expect(after.flags).toEqual([expect.objectContaining({ check: 'blocklist', kind: 'pattern', action: 'block' })]);

    const update = await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card) && JSON.stringify(call.body.blocks).includes(`guardrail v${versionBefore + 1}`));
    expect(JSON.stringify(update.body.blocks)).toContain(`:shield: guardrail v${versionBefore + 1} by <@${USERS.approver}>: blocked outputs matching \`We never give refunds, deal with it\``);
    const log = await vigil.fake.waitFor('chat.postMessage', (call) => call.body.channel === LOG_CHANNEL && JSON.stringify(call.body.blocks).includes(`v${versionBefore + 1}`));
    expect(findElement(log.body.blocks, 'guardrails.revert').element).toMatchObject({ value: `${SOURCE}|${versionBefore}` });
    const audit = (await vigil.query<{ actor: string; details: string }>("SELECT actor, details FROM audit_log WHERE action = 'guardrail.version_created' ORDER BY seq DESC LIMIT 1"));
    expect(audit[0]!.actor).toBe(`slack:${USERS.approver}`);
    expect(JSON.parse(audit[0]!.details).reason).toBe(`From review item ${itemId}: rude`);
  });

  it('previews an edited pattern again when the approver presses Enter', async () => {
    const { card, itemId } = await postCard(vigil, 'preview-1', 'Our warranty never covers water damage, sorry.');
    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    const typed = 'never\\s+covers';
    const view = { ...modal.body.view, id: 'V07PREVIEW1', hash: '1.preview', state: { values: tightenValues({ choice: 'block_pattern', pattern: typed }) } };
    const payload = {
      type: 'block_actions',
      user: { id: USERS.approver, username: 'approver', name: 'approver', team_id: TEAM.id },
      api_app_id: 'A07RVW12345',
      token: 'verification-token',
      container: { type: 'view', view_id: view.id },
      trigger_id: '7890123456789.5432109876543.preview1',
      team: TEAM,
      view,
      actions: [{ type: 'plain_text_input', action_id: 'guardrails.pattern_preview', block_id: 'guardrails_pattern', value: typed, action_ts: '1730000000.000001' }],
    };
    expect((await sendSlackRequest(vigil.url, 'interaction', payload, SIGNING_SECRET)).status).toBe(200);
    const update = await vigil.fake.waitFor('views.update', (call) => call.body.view_id === 'V07PREVIEW1');
    expect(update.body.hash).toBe('1.preview');
    const blocks = update.body.view.blocks as any[];
    expect(blocks.find((b) => b.block_id === 'guardrails_preview').text.text).toMatch(/^\*Preview\* of `never\\s\+covers`: matches 1 of \d+ events in 7 days\. The most recent/);
    expect(blocks.find((b) => b.block_id === 'guardrails_pattern').element.initial_value).toBe(typed);
  });

  it('answers an unusable pattern with a precise modal error and changes nothing', async () => {
    const { card, itemId } = await postCard(vigil, 'tighten-bad', 'A reply that deserves a careless regex.');
    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    const version = (await latestVersion(vigil));
    const submitted = await submitView(vigil, modal.body.view, USERS.approver, tightenValues({ choice: 'block_pattern', pattern: '(a+)+$' }));
    expect(submitted.body).toEqual({ response_action: 'errors', errors: { guardrails_pattern: expect.stringMatching(/^This pattern cannot be used: .*exponential time/) } });
    expect((await latestVersion(vigil))).toBe(version);
  });

  it('refuses a non-approver with an ephemeral naming the role, audits it, and changes nothing', async () => {
    const { card, itemId } = await postCard(vigil, 'tighten-refused', 'An answer a reviewer would like blocked.');
    const version = (await latestVersion(vigil));
    const opened = vigil.fake.calls('views.open').length;
    expect((await vigil.click(card, 'review.more', { user: USERS.reviewer, option: `tighten|${itemId}` })).status).toBe(200);
    const notice = await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.reviewer && String(call.body.text).includes('Only approvers'));
    expect(notice.body.channel).toBe(CHANNEL);
    expect(notice.body.text).toContain('Only approvers of *support-bot* can tighten its guardrail or roll it back.');
    expect(vigil.fake.calls('views.open').length).toBe(opened);

    // A forged submission (a modal an approver opened, submitted as someone else) is refused too.
    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    const forged = await submitView(vigil, modal.body.view, USERS.outsider, tightenValues({ choice: 'kill_switch|on' }));
    expect(forged.body).toEqual({ response_action: 'errors', errors: { guardrails_choice: expect.stringContaining('Only approvers of support-bot') } });
    expect((await latestVersion(vigil))).toBe(version);
    expect((await check(vigil, { output: 'hello' })).action).toBe('allow');
    const refusals = (await vigil.query<{ actor: string; details: string }>("SELECT actor, details FROM audit_log WHERE action = 'guardrail.refused' AND subject_id = ? ORDER BY seq", itemId));
    expect(refusals.map((row) => [row.actor, JSON.parse(row.details).attempted, JSON.parse(row.details).needed])).toEqual([
      [`slack:${USERS.reviewer}`, 'tighten', 'approver'],
      [`slack:${USERS.outsider}`, 'kill_switch', 'approver'],
    ]);
  });

  it('lowers a grader threshold to the item score: the same score is flagged now, on the card and by /v1/check', async () => {
    const { card, itemId } = await postCard(vigil, 'threshold-1', 'Fine, whatever, read the manual yourself.');
    await storeGraderScore(vigil, 'threshold-1', 'tone', 0.55);
    await storeGraderScore(vigil, 'traffic-0', 'tone', 0.62);
    const before = await check(vigil, { output: 'Fine, whatever.', scores: { tone: 0.55 } });
    expect(before.flags).toEqual([]);

    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    const option = modal.body.view.blocks.find((b: any) => b.block_id === 'guardrails_choice').element.options.find((o: any) => o.value === 'threshold|tone');
    expect(option).toMatchObject({ text: { text: 'Lower tone threshold to 0.55' }, description: { text: 'About 0.3 more flagged events a day (now 0.70)' } });
    const submitted = await submitView(vigil, modal.body.view, USERS.approver, tightenValues({ choice: 'threshold|tone' }));
    expect(submitted.status).toBe(200);

    const after = await check(vigil, { output: 'Fine, whatever.', scores: { tone: 0.55 } });
    expect(after.flags).toEqual([expect.objectContaining({ check: 'tone', origin: 'grader', score: 0.55, threshold: 0.55 })]);
    const update = await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card) && JSON.stringify(call.body.blocks).includes('threshold 0.70 → 0.55'));
    expect(JSON.stringify(update.body.blocks)).toContain(':warning: *tone* 0.55, at or over its 0.55 threshold, flagged');
  });

  it('proposes switching the leaking detector to block first, without a phrase, and switches it', async () => {
    const { card, itemId } = await postCard(vigil, 'detector-1', 'Write to jane.doe@example.com for your refund.', { marker: 'for your refund' });
    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    const blocks = modal.body.view.blocks as any[];
    expect(blocks.find((b) => b.block_id === 'guardrails_choice').element.initial_option).toMatchObject({
      value: 'detector|pii', text: { text: 'Block answers that contain personal data (now redact)' }, description: { text: expect.stringMatching(/^Fired on 1 event in the last 7 days$/) },
    });
    expect(blocks.find((b) => b.block_id === 'guardrails_pattern').element.initial_value).toBeUndefined();
    expect(blocks[0].text.text).toMatch(/^Possible personal data leak: email address in the answer\n/);
    expect((await check(vigil, { output: 'Mail bob.smith@example.org now.' })).action).toBe('redact');
    await submitView(vigil, modal.body.view, USERS.approver, tightenValues({ choice: 'detector|pii' }));
    expect((await check(vigil, { output: 'Mail bob.smith@example.org now.' })).action).toBe('block');
  });

  it('keeps both changes when two approvers tighten at the same moment: two consecutive versions, no lost update', async () => {
    const { card, itemId } = await postCard(vigil, 'race-1', 'Two approvers will both want this blocked.');
    const [first, second] = await Promise.all([openTighten(vigil, card, itemId, USERS.approver), openTighten(vigil, card, itemId, APPROVER_2)]);
    const version = (await latestVersion(vigil));
    const answers = await Promise.all([
      submitView(vigil, first.body.view, USERS.approver, tightenValues({ choice: 'block_pattern', pattern: 'free money' })),
      submitView(vigil, second.body.view, APPROVER_2, tightenValues({ choice: 'block_pattern', pattern: 'wire transfer' })),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const rows = (await vigil.query<{ version: number; actor: string; spec: string }>('SELECT version, actor, spec FROM guardrail_versions WHERE source = ? AND version > ? ORDER BY version', SOURCE, version));
    expect(rows.map((row) => row.version)).toEqual([version + 1, version + 2]);
    expect(rows.map((row) => row.actor).sort()).toEqual([`slack:${USERS.approver}`, `slack:${APPROVER_2}`].sort());
    expect(JSON.parse(rows[1]!.spec).blocklist.patterns).toEqual(expect.arrayContaining(['free money', 'wire transfer']));
    expect((await check(vigil, { output: 'Send a wire transfer for free money' })).flags).toEqual([expect.objectContaining({ check: 'blocklist', kind: 'pattern', count: 2 })]);
  });

  it('reverts from the guardrail log: approvers only, as a new version equal to the earlier one', async () => {
    const { card, itemId } = await postCard(vigil, 'revert-1', 'Nothing to see, except a typo.');
    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    await submitView(vigil, modal.body.view, USERS.approver, tightenValues({ choice: 'block_pattern', pattern: 'a typo' }));
    const tightened = (await latestVersion(vigil));
    expect((await check(vigil, { output: 'just a typo' })).action).toBe('block');
    const log = await vigil.fake.waitFor('chat.postMessage', (call) => call.body.channel === LOG_CHANNEL && JSON.stringify(call.body.blocks).includes(`guardrail v${tightened} `));

    await vigil.click(log, 'guardrails.revert', { user: USERS.reviewer });
    await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.reviewer && String(call.body.text).includes('can revert its guardrail'));
    expect((await latestVersion(vigil))).toBe(tightened);

    await vigil.click(log, 'guardrails.revert', { user: APPROVER_2 });
    expect((await latestVersion(vigil))).toBe(tightened + 1);
    const [previous, reverted] = (await vigil.query<{ spec: string; kind: string; revert_of: number | null }>(
      'SELECT spec, kind, revert_of FROM guardrail_versions WHERE source = ? AND version IN (?, ?) ORDER BY version', SOURCE, tightened - 1, tightened + 1,
    ));
    expect(reverted).toMatchObject({ kind: 'revert', revert_of: tightened - 1 });
    expect(JSON.parse(reverted!.spec)).toEqual(JSON.parse(previous!.spec));
    expect((await check(vigil, { output: 'just a typo' })).action).toBe('allow');
    await vigil.fake.waitFor('chat.postMessage', (call) => call.body.channel === LOG_CHANNEL && JSON.stringify(call.body.blocks).includes(`reverted to v${tightened - 1}`));
  });
});
