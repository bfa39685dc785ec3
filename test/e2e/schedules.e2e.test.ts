import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../src/shared/clock.ts';
import { buildReviewConfig, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// The running app's schedules with a fake clock: every module's tasks are registered, the
// weekly digest owed while Vigil was down is sent once — not again by the next catch-up, not
// after a restart, not at all for a week with nothing in it — and `/vigil digest` and `/vigil calibrate` answer from the same modules.

const DIGEST_CHANNEL = 'C07DIGEST01';
const MANAGER = 'U07MANAGER1';
// Wednesday 2026-11-25 10:00 UTC: Monday's 09:00 digest of week 47 is owed.
const NOW = Date.UTC(2026, 10, 25, 10, 0);

const config = `${buildReviewConfig()}    digest:
      channel: ${DIGEST_CHANNEL}
      managers: [${MANAGER}]
`;

describe('schedules in the running app', () => {
  const clock = createFakeClock(NOW);
  let vigil: SlackTestVigil;

  beforeAll(async () => {
    vigil = await startSlackTestVigil({ configYaml: config, clock });
  });
  afterAll(async () => {
    await vigil?.stop();
  });

  const digestPosts = () => vigil.fake.calls('chat.postMessage').filter((call) => call.ok && String(call.body.text).startsWith('Vigil weekly digest'));

  it('registers the tasks of every module', () => {
    expect(vigil.app.taskNames).toEqual(
      expect.arrayContaining(['calibration:daily', 'calibration:gold', 'digest:support-bot', 'digest:catch-up', 'monitoring.drift']),
    );
  });

  it('sends nothing for a quiet week (a fresh install), and decides it once, also after a restart', async () => {
    expect(await vigil.app.runTask('digest:catch-up')).toBe('ok');
    expect(await vigil.app.runTask('digest:support-bot')).toBe('ok');
    await vigil.restart({ clock });
    expect(await vigil.app.runTask('digest:catch-up')).toBe('ok');
    await vigil.app.review.runTasks();
    expect(digestPosts()).toHaveLength(0);
    expect(vigil.fake.calls('conversations.open')).toHaveLength(0);
    expect((await vigil.query('select task, period_key, status from task_runs where task = ?', 'digest:support-bot'))).toEqual([{ task: 'digest:support-bot', period_key: '2026-W47', status: 'done' }]);
  });

  it('sends a week with traffic once to the channel and the manager when two processes run the catch-up at the same moment', async () => {
    expect((await vigil.post([{ id: 'week-48-traffic', occurred_at: new Date(NOW).toISOString(), output: 'Your order ships tomorrow.' }])).status).toBe(202);
    clock.set(Date.UTC(2026, 11, 1, 10, 0));
    const another = await vigil.startAnother({ clock });
    const results = await Promise.all([vigil.app.runTask('digest:catch-up'), another.runTask('digest:catch-up'), vigil.app.runTask('digest:support-bot')]);
    expect(results).toEqual(['ok', 'ok', 'ok']);
    const channelPost = await vigil.fake.waitFor('chat.postMessage', (call) => String(call.body.text).startsWith('Vigil weekly digest for support-bot, 2026-W48') && call.body.channel === DIGEST_CHANNEL);
    expect(channelPost.body.text).toBe('Vigil weekly digest for support-bot, 2026-W48: 1 events, 0 flagged, 0 reviewed.');
    await vigil.fake.waitFor('conversations.open', (call) => call.body.users === MANAGER);
    await vigil.fake.waitFor('files.completeUploadExternal', (call) => JSON.stringify(call.body).includes(DIGEST_CHANNEL));
    await vigil.app.review.runTasks();
    const week48 = () => digestPosts().filter((call) => String(call.body.text).includes('2026-W48'));
    await vigil.fake.waitFor('chat.postMessage', () => week48().length >= 2);
    expect(week48()).toHaveLength(2);
    expect(JSON.stringify(channelPost.body.blocks)).not.toContain('n/a');
    expect((await vigil.query('select period_key, status from task_runs where task = ? order by period_key', 'digest:support-bot'))).toEqual([
      { period_key: '2026-W47', status: 'done' },
      { period_key: '2026-W48', status: 'done' },
    ]);
  });

  it('shows the digest to an approver on request and refuses someone outside the source', async () => {
    const asked = await vigil.command('digest support-bot', { user: USERS.approver });
    const reply = (await vigil.fake.waitFor('response_url', (call) => call.body.path === `/respond/${asked.responseUrl}`)).body;
    expect(reply).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Vigil weekly digest for support-bot') });
    expect(reply.blocks.length).toBeGreaterThan(3);
    const refused = await vigil.command('digest support-bot', { user: USERS.outsider });
    const refusal = (await vigil.fake.waitFor('response_url', (call) => call.body.path === `/respond/${refused.responseUrl}`)).body;
    expect(refusal.text).toMatch(/^:warning: Only the reviewers, approvers and managers/);
  });

  it('answers /vigil calibrate with what is missing before a threshold can be proposed', async () => {
    const asked = await vigil.command('calibrate support-bot tone', { user: USERS.approver });
    const reply = (await vigil.fake.waitFor('response_url', (call) => call.body.path === `/respond/${asked.responseUrl}`)).body;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe(
      ':hourglass_flowing_sand: *tone* on *support-bot* needs 30 more violations and 30 more non-violations labelled before a threshold is proposed (at least 30 of each; now 0 violations and 0 non-violations).',
    );
    const outsider = await vigil.command('calibrate support-bot tone', { user: USERS.outsider });
    const refusal = (await vigil.fake.waitFor('response_url', (call) => call.body.path === `/respond/${outsider.responseUrl}`)).body;
    expect(refusal.text).toMatch(/^You are not a reviewer, approver or on-call for `support-bot`/);
  });
});
