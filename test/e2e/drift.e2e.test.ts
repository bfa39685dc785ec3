import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONITORING_ACTIONS } from '../../src/modules/monitoring/monitoring.actions.ts';
import { createFakeClock } from '../../src/shared/clock.ts';
import { buildReviewConfig, CHANNEL, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// Drift in the running app: a week of short answers, then a day of long ones. The hourly task
// posts one alert card with its chart in the thread, raises review sampling for the drifted
// slice (an unflagged event is carded because of the boost), and an approver stops the boost.

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 12, 0);

const config = `${buildReviewConfig()}    monitoring:
      drift:
        min_sample_size: 50
        boost: { rate: 1, hours: 24 }
`;

const iso = (ms: number) => new Date(ms).toISOString();

describe('drift in the running app', () => {
  const clock = createFakeClock(NOW);
  let vigil: SlackTestVigil;

  beforeAll(async () => {
    vigil = await startSlackTestVigil({ configYaml: config, clock });
    const reference = Array.from({ length: 120 }, (_, i) => ({ id: `ref-${i}`, occurred_at: iso(NOW - 3 * 24 * HOUR + i * 60_000), output: `Your order ships on day ${i % 7}.` }));
    const current = Array.from({ length: 120 }, (_, i) => ({
      id: `cur-${i}`,
      occurred_at: iso(NOW - 6 * HOUR + i * 60_000),
      output: `Thank you for reaching out about order ${i}. ${'We have looked into every detail of your account and shipment history. '.repeat(6)}`,
    }));
    expect((await vigil.post([...reference, ...current])).status).toBe(202);
    await vigil.app.review.runTasks();
  });
  afterAll(async () => {
    await vigil?.stop();
  });

  it('posts one alert card with the chart and cards an unflagged event because of the boost; an approver stops the boost', async () => {
    expect(vigil.fake.calls('chat.postMessage')).toHaveLength(0);
    expect(await vigil.app.runTask('monitoring.drift')).toBe('ok');
    const alert = await vigil.fake.waitFor('chat.postMessage', (call) => call.body.channel === CHANNEL && JSON.stringify(call.body.blocks).includes(MONITORING_ACTIONS.stopBoost));
    expect(JSON.stringify(alert.body.blocks)).toContain('output_length');
    await vigil.fake.waitFor('files.completeUploadExternal');
    expect(await vigil.app.runTask('monitoring.drift')).toBe('ok');
    expect(vigil.fake.calls('chat.postMessage').filter((call) => JSON.stringify(call.body.blocks).includes(MONITORING_ACTIONS.stopBoost))).toHaveLength(1);

    expect((await vigil.post([{ id: 'after-alert', occurred_at: iso(NOW), output: 'Thanks for waiting. '.repeat(20) }])).status).toBe(202);
    await vigil.app.review.runTasks();
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('has drifted'));
    expect(JSON.stringify(card.body.blocks)).toContain('*Why you are seeing this:* Output length has drifted, so Vigil checks more answers for now.');
    expect(card.body.text).toContain('Drift check: a support-bot answer to check');

    const refused = await vigil.click(alert, MONITORING_ACTIONS.stopBoost, { user: USERS.reviewer });
    expect(refused.status).toBe(200);
    expect((await vigil.query<{ stopped_by: string | null }>('select stopped_by from sampling_boosts'))).toEqual([{ stopped_by: null }]);
    await vigil.click(alert, MONITORING_ACTIONS.stopBoost, { user: USERS.approver });
    await vigil.fake.waitFor('chat.update', (call) => call.body.channel === CHANNEL && !JSON.stringify(call.body.blocks).includes(MONITORING_ACTIONS.stopBoost));
    expect((await vigil.query<{ stopped_by: string | null }>('select stopped_by from sampling_boosts'))).toEqual([{ stopped_by: USERS.approver }]);
  });
});
