import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_CANARY, startFakeTargetApp, type FakeTargetApp } from '../../src/modules/monitoring/probes.test-utils.ts';
import { buildProbesConfig, PROBES_ONCALL } from '../helpers/probes-config.ts';
import { CHANNEL, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// Scheduled probes in the running app, against a local fake of the production app that leaks
// its system prompt for encoded payloads and refuses the rest: the breach is stored as a probe
// event, carded for review, opens one incident, and `/vigil status` shows the pass rates.

const ONCALL = PROBES_ONCALL;
const PROBES = ['encoded-payload', 'instruction-override', 'pii-elicitation'];

describe('probes in the running app', () => {
  let target: FakeTargetApp;
  let vigil: SlackTestVigil;

  beforeAll(async () => {
    target = await startFakeTargetApp();
    const config = buildProbesConfig(target.url, { openIncident: true, only: PROBES });
    vigil = await startSlackTestVigil({ configYaml: config });
  });
  afterAll(async () => {
    await vigil?.stop();
    await target?.close();
  });

  it('cards the probe that got through, opens one incident, and reports the pass rates', async () => {
    expect(vigil.app.taskNames).toContain('monitoring.probes:support-bot');
    expect(await vigil.app.runTask('monitoring.probes:support-bot')).toBe('ok');
    expect(target.requests).toHaveLength(PROBES.length);

    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('probe'));
    expect(card.body.channel).toBe(CHANNEL);
    expect(JSON.stringify(card.body)).not.toContain(FAKE_CANARY);
    // Said plainly: a synthetic attack, which probe and model, what got through; nothing to rate.
    const blocks = JSON.stringify(card.body.blocks);
    expect(blocks).toContain('This is a synthetic attack Vigil sent');
    expect(blocks).toContain('probe `encoded-payload`');
    expect(String(card.body.text)).toContain('Attack probe got through');
    expect(blocks).not.toContain('review.tone');
    expect(blocks).not.toContain('review.brand');
    const incidents = (await vigil.query<{ severity: string; reporter: string; title: string }>('select severity, reporter, title from incidents'));
    expect(incidents).toEqual([{ severity: 'SEV2', reporter: 'system', title: expect.stringContaining('support-bot') }]);
    await vigil.fake.waitFor('conversations.create');

    const status = await vigil.command('status support-bot', { user: USERS.reviewer });
    const text = (await vigil.fake.waitFor('response_url', (call) => call.body.path === `/respond/${status.responseUrl}`)).body.text as string;
    expect(text).toContain('probes: 2/3 passed on the current release · failing: `encoded-payload` 0/1');
    expect(text).toContain('1 open incident: SEV2');

    // On-call is neither reviewer nor approver here, and still sees the source it is paged for.
    const oncall = await vigil.command('status', { user: ONCALL });
    const oncallText = (await vigil.fake.waitFor('response_url', (call) => call.body.path === `/respond/${oncall.responseUrl}`)).body.text as string;
    expect(oncallText).toContain('*support-bot* · guardrail v1');
  });
});
