import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/shared/clock.ts';
import { CHANNEL, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';
import type { FakeSlackCall } from './fake-slack-api.ts';
import { APPROVER_2, buildGuardrailsSlackConfig, latestVersion, LOG_CHANNEL, openTighten, postCard, registerRelease, submitView, tightenValues } from './guardrails-slack.helpers.ts';

// The two-person rule: an approver's rollback is only a request until a *different* approver
// confirms it within 10 minutes. The clock runs ahead on demand to reach the expiry.

describe('guardrails in Slack: two-person rollback', () => {
  let vigil: SlackTestVigil;
  let offsetMs = 0;
  const clock: Clock = { now: () => Date.now() + offsetMs };

  beforeAll(async () => {
    vigil = await startSlackTestVigil({ configYaml: buildGuardrailsSlackConfig({ twoPerson: true }), clock });
    await registerRelease(vigil, 'r-41');
    await registerRelease(vigil, 'r-42');
  });
  afterAll(async () => vigil.stop());

  /** Asks for a rollback from a fresh card as the first approver; returns the confirmation request message. */
  async function requestRollback(id: string): Promise<{ request: FakeSlackCall; card: FakeSlackCall }> {
    const { card, itemId } = await postCard(vigil, id, `Card ${id} wants a rollback.`, { release: 'r-42' });
    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    const chosen = await submitView(vigil, modal.body.view, USERS.approver, tightenValues({ choice: 'rollback' }));
    expect(chosen.body.view.submit.text).toBe('Request rollback');
    expect((await submitView(vigil, chosen.body.view, USERS.approver)).body).toEqual({ response_action: 'clear' });
    const request = await vigil.fake.waitFor('chat.postMessage', (call) => call.body.channel === LOG_CHANNEL && JSON.stringify(call.body.blocks).includes(`<@${USERS.approver}>; a second approver must confirm`) && !usedRequests.has(call));
    usedRequests.add(request);
    return { request, card };
  }
  const usedRequests = new Set<FakeSlackCall>();

  it('refuses the requester as the confirmer, then rolls back when a second approver confirms', async () => {
    const version = (await latestVersion(vigil));
    const { request, card } = await requestRollback('two-person-1');
    expect((await latestVersion(vigil))).toBe(version);
    await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card) && JSON.stringify(call.body.blocks).includes('a second approver must confirm'));

    await vigil.click(request, 'guardrails.confirm_rollback', { user: USERS.approver });
    const refusal = await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.approver && String(call.body.text).includes('*different* approver'));
    expect(refusal.body.channel).toBe(LOG_CHANNEL);
    expect((await latestVersion(vigil))).toBe(version);

    await vigil.click(request, 'guardrails.confirm_rollback', { user: USERS.reviewer });
    await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.reviewer && String(call.body.text).includes('can confirm a rollback'));
    expect((await latestVersion(vigil))).toBe(version);

    await vigil.click(request, 'guardrails.confirm_rollback', { user: APPROVER_2 });
    expect((await latestVersion(vigil))).toBe(version + 1);
    const pinned = (await vigil.query<{ spec: string; actor: string }>('SELECT spec, actor FROM guardrail_versions WHERE version = ?', version + 1))[0]!;
    expect(JSON.parse(pinned.spec).pinned_release.release).toBe('r-41');
    expect(pinned.actor).toBe(`slack:${APPROVER_2}`);
    const update = await vigil.fake.waitFor('chat.update', (call) => call.body.channel === LOG_CHANNEL && JSON.stringify(call.body.blocks).includes('confirmed by'));
    expect(JSON.stringify(update.body.blocks)).toContain(`confirmed by <@${APPROVER_2}>`);
    expect(JSON.stringify(update.body.blocks)).not.toContain('guardrails.confirm_rollback');
    await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card) && JSON.stringify(call.body.blocks).includes(`(guardrail v${version + 1})`));

    const audit = (await vigil.query<{ action: string; actor: string; details: string }>(
      "SELECT action, actor, details FROM audit_log WHERE action LIKE 'release.rollback%' OR action = 'release.rolled_back' OR (action = 'guardrail.refused' AND subject_type = 'rollback_request') ORDER BY seq",
    ));
    expect(audit.map((row) => [row.action, row.actor, JSON.parse(row.details).reason ?? null])).toEqual([
      ['release.rollback_requested', `slack:${USERS.approver}`, expect.stringContaining('From review item')],
      ['release.rollback_confirm_refused', `slack:${USERS.approver}`, 'same_approver'],
      ['guardrail.refused', `slack:${USERS.reviewer}`, null],
      ['release.rollback_confirmed', `slack:${APPROVER_2}`, null],
      ['release.rolled_back', `slack:${APPROVER_2}`, expect.stringContaining(`confirmed by ${APPROVER_2}`)],
    ]);
  });

  it('expires a request nobody confirmed within 10 minutes: a late confirmation rolls nothing back', async () => {
    await registerRelease(vigil, 'r-43');
    const version = (await latestVersion(vigil));
    const { request, card } = await requestRollback('two-person-2');
    offsetMs += 11 * 60_000;
    await vigil.click(request, 'guardrails.confirm_rollback', { user: APPROVER_2 });
    await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === APPROVER_2 && String(call.body.text).includes('expired'));
    expect((await latestVersion(vigil))).toBe(version);
    await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(request) && JSON.stringify(call.body.blocks).includes('expired: no second approver'));
    await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card) && call.body.channel === CHANNEL && JSON.stringify(call.body.blocks).includes('expired: no second approver'));
    const actions = (await vigil.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE subject_type = 'rollback_request' ORDER BY seq DESC LIMIT 2"));
    expect(actions).toEqual([
      { action: 'release.rollback_confirm_refused', actor: `slack:${APPROVER_2}` },
      { action: 'release.rollback_expired', actor: 'system' },
    ]);
  });
});
