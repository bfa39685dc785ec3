import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_INPUTS, INCIDENT_VIEWS } from '../../src/modules/incidents/incidents.actions.ts';
import { REVIEW_ACTIONS } from '../../src/modules/review/review.actions.ts';
import { buildReviewConfig, CHANNEL, readItemId, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// The running app's `/vigil` command and escalation from a review card, end to end: signed
// slash commands and clicks → Bolt → the modules the composition root wired → the fake Slack.

const ONCALL = 'U07ONCALL02';
const LEAKED = 'ghp_1A2b3C4d5E6f7G8h9I0jK1l2M3n4O5p6Q7r8';

const config = `${buildReviewConfig()}    incidents:
      oncall_users: [${ONCALL}]
      auto_rules:
        - name: leaked-token
          when: { check: secrets, kind: github_token }
          severity: SEV2
          window_minutes: 60
`;

describe('/vigil and escalation in the running app', () => {
  let vigil: SlackTestVigil;

  beforeAll(async () => {
    vigil = await startSlackTestVigil({ configYaml: config });
  });
  afterAll(async () => {
    await vigil?.stop();
  });

  const replyTo = async (responseUrl: string) => (await vigil.fake.waitFor('response_url', (call) => call.body.path === `/respond/${responseUrl}`)).body;

  it('answers help and a typo in the ack, and unknown sources with the list of sources', async () => {
    const help = await vigil.command('help', { user: USERS.reviewer });
    expect(help.status).toBe(200);
    expect(help.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/vigil* commands') });
    const typo = await vigil.command('stauts', { user: USERS.reviewer });
    expect(typo.body.text).toMatch(/^`stauts` is not a \/vigil command\./);
    const unknown = await vigil.command('guardrail nope-bot', { user: USERS.reviewer });
    expect((await replyTo(unknown.responseUrl)).text).toBe(':warning: There is no source `nope-bot`. Sources: `support-bot`.');
  });

  it('shows reviewer agreement to approvers only', async () => {
    const asked = await vigil.command('agreement support-bot', { user: USERS.approver });
    const report = (await replyTo(asked.responseUrl)).text as string;
    expect(report.split('\n').slice(0, 2)).toEqual(['*Reviewer agreement on support-bot*, last 90 days', '```0 items judged by two or more reviewers']);
    const refused = await vigil.command('agreement support-bot', { user: USERS.reviewer });
    expect((await replyTo(refused.responseUrl)).text).toBe(':no_entry: Only the approvers of support-bot see its reviewer agreement.');
  });

  it('shows the live guardrail of a source to its reviewers, and nothing to someone outside it', async () => {
    const refused = await vigil.command('guardrail support-bot', { user: USERS.outsider });
    expect((await replyTo(refused.responseUrl)).text).toBe(
      'You are not a reviewer, approver or on-call for `support-bot`, so Vigil shows you nothing here. An admin adds people in `vigil.config.yaml`.',
    );
    const { responseUrl } = await vigil.command('guardrail support-bot', { user: USERS.reviewer });
    const reply = await replyTo(responseUrl);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('*support-bot* guardrail v1');
    expect(reply.text).toContain('• detector *secrets*: redact');
    expect(reply.text).toContain('• blocklist: 0 words, 0 patterns');
  });

  it('a leaked token opens one incident by rule, and status and queue show it and the card', async () => {
    const posted = await vigil.post([{ output: `Use ${LEAKED} to log in.` }, { output: `Again: ${LEAKED}.` }]);
    expect(posted.status).toBe(202);
    const card = await vigil.waitForCard();
    await vigil.fake.waitFor('conversations.create');
    const incidents = (await vigil.query<{ source: string; severity: string; auto_rule: string; reporter: string }>('select source, severity, auto_rule, reporter from incidents'));
    expect(incidents).toEqual([{ source: 'support-bot', severity: 'SEV2', auto_rule: 'leaked-token', reporter: 'system' }]);

    const status = await vigil.command('status', { user: USERS.reviewer });
    const text = (await replyTo(status.responseUrl)).text as string;
    expect(text).toContain('graders off: OPENAI_API_KEY is not set');
    expect(text).toContain('*support-bot* · guardrail v1');
    expect(text).toMatch(/queue: \d+ waiting, [12] in review, 0 to adjudicate · :rotating_light: 1 open incident: SEV2 Possible secret leak: GitHub token in a support-bot answer \(not acknowledged\)/);

    const outsiderStatus = await vigil.command('status', { user: USERS.outsider });
    const refusal = (await replyTo(outsiderStatus.responseUrl)).text as string;
    expect(refusal).toBe('You are not a reviewer, approver or on-call for any source, so Vigil shows you nothing here. An admin adds people in `vigil.config.yaml`.');
    expect(refusal).not.toContain('github_token');

    const queue = await vigil.command('queue', { user: USERS.reviewer });
    const listed = (await replyTo(queue.responseUrl)).text as string;
    expect(listed.split('\n')[0]).toBe('*2 items waiting for you*');
    expect(listed.match(/support-bot · critical/g)).toHaveLength(2);
    const outsider = await vigil.command('queue', { user: USERS.outsider });
    expect((await replyTo(outsider.responseUrl)).text).toBe(':white_check_mark: Nothing is waiting for you.');
    expect(listed).toMatch(new RegExp(`${readItemId(card)}|/archives/${CHANNEL}/p`));
  });

  it('escalates from the card: the modal is prefilled from the item, and the submission opens an incident channel with the evidence', async () => {
    const card = await vigil.waitForCard();
    const itemId = readItemId(card);
    const refused = await vigil.click(card, REVIEW_ACTIONS.overflow, { user: USERS.outsider, option: 'Escalate…' });
    expect(refused.status).toBe(200);
    expect(vigil.fake.calls('views.open')).toHaveLength(0);

    await vigil.click(card, REVIEW_ACTIONS.overflow, { user: USERS.reviewer, option: 'Escalate…' });
    const modal = await vigil.fake.waitFor('views.open', (call) => call.body.view.callback_id === INCIDENT_VIEWS.escalate);
    expect(JSON.parse(modal.body.view.private_metadata)).toMatchObject({ source: 'support-bot', itemId });
    const createdBefore = vigil.fake.calls('conversations.create').length;
    const submitted = await vigil.submitView(modal, {
      user: USERS.reviewer,
      values: {
        [INCIDENT_INPUTS.severity.blockId]: { [INCIDENT_INPUTS.severity.actionId]: { type: 'static_select', selected_option: { value: 'SEV1' } } },
        [INCIDENT_INPUTS.title.blockId]: { [INCIDENT_INPUTS.title.actionId]: { type: 'plain_text_input', value: 'Bot hands out a GitHub token' } },
        [INCIDENT_INPUTS.summary.blockId]: { [INCIDENT_INPUTS.summary.actionId]: { type: 'plain_text_input', value: 'Seen twice this morning.' } },
      },
    });
    expect(submitted.status).toBe(200);
    const created = await vigil.fake.waitFor('conversations.create', (call) => call.ok && vigil.fake.calls('conversations.create').indexOf(call) >= createdBefore);
    expect(created.body.name).toMatch(/^inc-\d{8}-bot-hands-out-a-github-token$/);
    const invite = await vigil.fake.waitFor('conversations.invite', (call) => String(call.body.users).startsWith(USERS.reviewer));
    expect(invite.body.users).toBe(`${USERS.reviewer},${ONCALL}`);
    const evidence = await vigil.fake.waitFor('chat.postMessage', (call) => String(call.body.text).startsWith('Evidence') && JSON.stringify(call.body).includes(itemId));
    expect(JSON.stringify(evidence.body)).not.toContain(LEAKED);
    const rows = (await vigil.query<{ severity: string; reporter: string; item_id: string }>("select severity, reporter, item_id from incidents where reporter != 'system'"));
    expect(rows).toEqual([{ severity: 'SEV1', reporter: USERS.reviewer, item_id: itemId }]);
  });
});
