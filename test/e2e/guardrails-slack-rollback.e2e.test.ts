import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';
import { buildGuardrailsSlackConfig, check, latestVersion, openTighten, postCard, registerRelease, submitView, tightenValues } from './guardrails-slack.helpers.ts';

// Rolling back and the kill switch from a review card: a confirmation dialog naming the
// target release, the signed rollback webhook (retried after a 500) to a local receiver,
// and the card showing the webhook's delivery.

const SECRET_ENV = 'VIGIL_E2E_GUARDRAILS_SLACK_SECRET';
const SECRET = 'whsec_guardrails_slack_0123456789';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

function isSigned(headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers['x-vigil-timestamp'] ?? '');
  const expected = `v1=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
  return headers['x-vigil-signature'] === expected && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
}

describe('guardrails in Slack: roll back and kill switch from the card', () => {
  let vigil: SlackTestVigil;
  let receiver: Server;
  const received: Received[] = [];
  let failNext = 0;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const status = failNext-- > 0 ? 500 : 204;
        received.push({ headers: request.headers, body, status });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    process.env[SECRET_ENV] = SECRET;
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/vigil`;
    vigil = await startSlackTestVigil({ configYaml: buildGuardrailsSlackConfig({ webhookUrl, secretEnv: SECRET_ENV }) });
  });
  afterAll(async () => {
    await vigil.stop();
    receiver.close();
    delete process.env[SECRET_ENV];
  });

  it('rolls back to the last known-good release after a confirmation; the signed webhook is retried after a 500 and the card shows it delivered', async () => {
    await registerRelease(vigil, 'r-41');
    await registerRelease(vigil, 'r-42');
    const { card, itemId } = await postCard(vigil, 'rollback-1', 'Release r-42 says something it should not.', { release: 'r-42' });
    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    expect(JSON.stringify(modal.body.view)).toContain('"text":"Roll back to r-41"');

    failNext = 1;
    const version = (await latestVersion(vigil));
    const chosen = await submitView(vigil, modal.body.view, USERS.approver, tightenValues({ choice: 'rollback', reason: 'r-42 leaks' }));
    expect(chosen.body.response_action).toBe('push');
    expect(JSON.stringify(chosen.body.view.blocks)).toContain('from `r-42` to `r-41`');
    expect((await latestVersion(vigil))).toBe(version);

    const confirmed = await submitView(vigil, chosen.body.view, USERS.approver);
    expect(confirmed.body).toEqual({ response_action: 'clear' });
    expect((await latestVersion(vigil))).toBe(version + 1);

    const update = await vigil.fake.waitFor(
      'chat.update',
      (call) => call.body.ts === vigil.tsOf(card) && JSON.stringify(call.body.blocks).includes('webhook delivered (attempt 2)'),
      10_000,
    );
    expect(JSON.stringify(update.body.blocks)).toContain(`:shield: guardrail v${version + 1} by <@${USERS.approver}>: rolled back to \`r-41\` from \`r-42\``);
    const rollbacks = received.filter((entry) => JSON.parse(entry.body).type === 'guardrail.rollback');
    expect(rollbacks.map((entry) => entry.status)).toEqual([500, 204]);
    for (const entry of rollbacks) expect(isSigned(entry.headers, entry.body)).toBe(true);
    expect(JSON.parse(rollbacks[1]!.body)).toMatchObject({
      type: 'guardrail.rollback',
      version: version + 1,
      actor: `slack:${USERS.approver}`,
      rollback: { from_release: 'r-42', to_release: 'r-41' },
      guardrail: { pinned_release: { release: 'r-41' } },
    });
    const audit = (await vigil.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE action = 'release.rolled_back'"));
    expect(audit).toEqual([{ action: 'release.rolled_back', actor: `slack:${USERS.approver}` }]);
  });

  it('turns the kill switch on and off with a confirmation: /v1/check blocks everything until it is lifted', async () => {
    const { card, itemId } = await postCard(vigil, 'kill-1', 'Everything is on fire, says the bot.');
    expect((await check(vigil, { output: 'A harmless answer.' })).action).toBe('allow');

    const modal = await openTighten(vigil, card, itemId, USERS.approver);
    const chosen = await submitView(vigil, modal.body.view, USERS.approver, tightenValues({ choice: 'kill_switch|on' }));
    expect(chosen.body.view.submit.text).toBe('Turn on');
    expect((await check(vigil, { output: 'A harmless answer.' })).action).toBe('allow');
    expect((await submitView(vigil, chosen.body.view, USERS.approver)).body).toEqual({ response_action: 'clear' });
    const blocked = await check(vigil, { output: 'A harmless answer.' });
    expect(blocked).toMatchObject({ action: 'block', flags: [{ check: 'kill_switch' }] });
    expect(typeof blocked.message).toBe('string');

    const again = await openTighten(vigil, card, itemId, USERS.approver);
    expect(JSON.stringify(again.body.view)).toContain('"value":"kill_switch|off"');
    const lift = await submitView(vigil, again.body.view, USERS.approver, tightenValues({ choice: 'kill_switch|off' }));
    await submitView(vigil, lift.body.view, USERS.approver);
    expect((await check(vigil, { output: 'A harmless answer.' })).action).toBe('allow');
    const actions = (await vigil.query<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'guardrail.kill_switch%' ORDER BY seq")).map((row) => row.action);
    expect(actions).toEqual(['guardrail.kill_switch_on', 'guardrail.kill_switch_off']);
    await vigil.fake.waitFor('chat.update', (call) => call.body.ts === vigil.tsOf(card) && JSON.stringify(call.body.blocks).includes('lifted the kill switch'));
  });
});
