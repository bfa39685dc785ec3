import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { assertWithinLimits } from '../../shared/slack-limits.ts';
import { createReviewCard } from '../review/review.test-utils.ts';
import { buildEscalationPrefill, buildEvidenceMessage } from './incidents-evidence.blocks.ts';
import { buildEscalateModal, buildResolveModal, buildUpdateModal } from './incidents-modals.blocks.ts';
import { INCIDENT_ACTIONS, INCIDENT_INPUTS, INCIDENT_VIEWS, parseEscalateSubmission, parseIncidentActionValue, parseResolveSubmission, parseUpdateSubmission } from './incidents.actions.ts';
import { buildIncidentMessage } from './incidents.blocks.ts';
import type { IncidentMessageModel } from './incidents.models.ts';

const ID = 'inc_01KBXK5M2N3P4Q5R6S7T8V9W0X';
const OPENED = Date.parse('2026-11-25T10:00:00Z');
const SECRET = 'AKIAIOSFODNN7EXAMPLE';

function model(overrides: Partial<IncidentMessageModel> = {}): IncidentMessageModel {
  return {
    id: ID,
    source: 'support-bot',
    severity: 'SEV2',
    title: 'Support bot leaks an AWS key',
    summary: 'Seen on two answers about refunds.',
    status: 'open',
    reporter: 'U04QREVR001',
    itemId: 'rev_01KBXK5M2N3P4Q5R6S7T8V9W0X',
    autoRule: null,
    paging: 'pagerduty',
    oncallGroup: 'S07ONCALL01',
    openedAt: OPENED,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    lastUpdate: null,
    lastRollback: null,
    ...overrides,
  };
}

const actionIds = (blocks: KnownBlock[]) =>
  blocks.filter((block): block is ActionsBlock => block.type === 'actions').flatMap((block) => block.elements.map((element) => (element as Button).action_id));
const allText = (value: unknown) => JSON.stringify(value);

describe('buildIncidentMessage', () => {
  it('offers Acknowledge, Post update, Roll back and Resolve while open, each carrying the incident id', () => {
    const message = buildIncidentMessage(model());
    assertWithinLimits(message);
    expect(actionIds(message.blocks)).toEqual([INCIDENT_ACTIONS.acknowledge, INCIDENT_ACTIONS.postUpdate, INCIDENT_ACTIONS.rollback, INCIDENT_ACTIONS.resolve]);
    const buttons = message.blocks.flatMap((block) => (block.type === 'actions' ? block.elements : [])) as Button[];
    expect(buttons.map((b) => parseIncidentActionValue(b.value))).toEqual([ID, ID, ID, ID]);
    expect(buttons.find((b) => b.action_id === INCIDENT_ACTIONS.rollback)?.confirm?.confirm?.text).toBe('Roll back');
    expect(message.text).toBe('SEV2 incident (open) on support-bot: Support bot leaks an AWS key');
  });

  it('offers no Roll back when the source has no known-good release to go back to', () => {
    expect(actionIds(buildIncidentMessage(model({ canRollBack: false })).blocks)).toEqual([INCIDENT_ACTIONS.acknowledge, INCIDENT_ACTIONS.postUpdate, INCIDENT_ACTIONS.resolve]);
  });

  it('drops Acknowledge once acknowledged and shows who and how fast', () => {
    const message = buildIncidentMessage(model({ status: 'acknowledged', acknowledgedAt: OPENED + 4 * 60_000, acknowledgedBy: 'U07ONCALL02' }));
    expect(actionIds(message.blocks)).toEqual([INCIDENT_ACTIONS.postUpdate, INCIDENT_ACTIONS.rollback, INCIDENT_ACTIONS.resolve]);
    expect(allText(message.blocks)).toContain('by <@U07ONCALL02>\\n:stopwatch: 4 min to acknowledge');
  });

  it('has no buttons once resolved, and shows the resolution and both clocks', () => {
    const message = buildIncidentMessage(
      model({ status: 'resolved', acknowledgedAt: OPENED + 60_000, acknowledgedBy: 'U07ONCALL02', resolvedAt: OPENED + 90 * 60_000, resolvedBy: 'U07ONCALL02', resolution: 'Rotated the key.' }),
    );
    assertWithinLimits(message);
    expect(actionIds(message.blocks)).toEqual([]);
    const text = allText(message.blocks);
    expect(text).toContain('1 h 30 min to resolve');
    expect(text).toContain('*Resolution*\\nRotated the key.');
  });

  it('escapes people\'s words so they cannot ping or forge links, and cuts them to fit', () => {
    const message = buildIncidentMessage(
      model({ summary: `<!channel> see <https://evil.example|the docs> ${'x'.repeat(5000)}`, lastUpdate: { at: OPENED, actor: 'U1', text: '<@U999> & co' } }),
    );
    assertWithinLimits(message);
    const text = allText(message.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; see &lt;https://evil.example|the docs&gt;');
    expect(text).toContain('&lt;@U999&gt; &amp; co');
  });

  it('names the rule as the reporter of an automatic incident', () => {
    const text = allText(buildIncidentMessage(model({ reporter: 'system', autoRule: 'aws-key-leak' })).blocks);
    expect(text).toContain('Vigil rule `aws-key-leak`');
  });

  it('changes its block ids when the incident changes, as Slack expects of an updated message', () => {
    const before = buildIncidentMessage(model()).blocks[0]?.block_id;
    const after = buildIncidentMessage(model({ status: 'acknowledged', acknowledgedAt: OPENED + 1, acknowledgedBy: 'U1' })).blocks[0]?.block_id;
    expect(before).not.toBe(after);
    expect(buildIncidentMessage(model()).blocks[0]?.block_id).toBe(before);
  });
});

describe('the escalate modal', () => {
  it('is prefilled from the strongest flag in words, without the output text, and round-trips through its parser', () => {
    const card = createReviewCard({
      priority: 'critical',
      output: `Mail ana@example.com, and here is the key: ${SECRET}`,
      detections: [
        { detector: 'pii', kind: 'email', severity: 'warn', field: 'output', evidence: 'a…@example.com', start: 5, end: 20 },
        { detector: 'secrets', kind: 'aws_access_key_id', severity: 'critical', field: 'output', evidence: 'AKIA…MPLE', start: 43, end: 63 },
      ],
    });
    const prefill = buildEscalationPrefill(card, 'C07REVQUEUE');
    expect(prefill).toMatchObject({ source: 'support-bot', itemId: card.itemId, severity: 'SEV1' });
    expect(prefill.title ?? '').toMatch(/^Possible secret leak: AWS access key .*support-bot/);
    expect((prefill.title ?? '').match(/support-bot/g)).toHaveLength(1);
    expect(prefill.summary).toMatch(/Found: AWS access key and email address in a support-bot answer\./);
    expect(allText(prefill)).not.toContain(SECRET);

    const view = buildEscalateModal(prefill);
    assertWithinLimits(view);
    const state = {
      values: {
        [INCIDENT_INPUTS.severity.blockId]: { [INCIDENT_INPUTS.severity.actionId]: { type: 'static_select', selected_option: { value: 'SEV1' } } },
        [INCIDENT_INPUTS.title.blockId]: { [INCIDENT_INPUTS.title.actionId]: { type: 'plain_text_input', value: '  Key leak  ' } },
        [INCIDENT_INPUTS.summary.blockId]: { [INCIDENT_INPUTS.summary.actionId]: { type: 'plain_text_input', value: null } },
      },
    };
    expect(parseEscalateSubmission({ ...view, id: 'V1', state })).toEqual({
      ok: true,
      value: { source: 'support-bot', itemId: card.itemId, channel: 'C07REVQUEUE', severity: 'SEV1', title: 'Key leak', summary: '' },
    });
  });

  it('asks for the source when none is given, and reports missing fields under their block', () => {
    const view = buildEscalateModal({ sources: ['support-bot', 'billing-bot'] });
    assertWithinLimits(view);
    expect(view.blocks.some((block) => block.block_id === INCIDENT_INPUTS.source.blockId)).toBe(true);
    const result = parseEscalateSubmission({
      ...view,
      state: { values: { [INCIDENT_INPUTS.severity.blockId]: { [INCIDENT_INPUTS.severity.actionId]: { selected_option: { value: 'SEV3' } } }, [INCIDENT_INPUTS.title.blockId]: { [INCIDENT_INPUTS.title.actionId]: { value: ' ' } } } },
    });
    expect(result).toEqual({ ok: false, errors: { [INCIDENT_INPUTS.title.blockId]: 'give the incident a title' } });
    const noSource = parseEscalateSubmission({
      ...view,
      state: { values: { [INCIDENT_INPUTS.severity.blockId]: { [INCIDENT_INPUTS.severity.actionId]: { selected_option: { value: 'SEV3' } } }, [INCIDENT_INPUTS.title.blockId]: { [INCIDENT_INPUTS.title.actionId]: { value: 'x' } } } },
    });
    expect(noSource).toEqual({ ok: false, errors: { [INCIDENT_INPUTS.source.blockId]: 'choose a source' } });
  });
});

describe('the update and resolve modals', () => {
  it('carry the incident id and parse their text', () => {
    const update = buildUpdateModal({ id: ID, title: 'Key <leak>' });
    const resolve = buildResolveModal({ id: ID, title: 'Key leak' });
    for (const view of [update, resolve]) assertWithinLimits(view);
    expect(allText(update.blocks)).toContain('Key &lt;leak&gt;');
    const values = (block: string, action: string, value: string) => ({ values: { [block]: { [action]: { value } } } });
    expect(parseUpdateSubmission({ ...update, state: values(INCIDENT_INPUTS.update.blockId, INCIDENT_INPUTS.update.actionId, ' Rotating now ') })).toEqual({
      ok: true,
      value: { incidentId: ID, text: 'Rotating now' },
    });
    expect(parseResolveSubmission({ ...resolve, state: values(INCIDENT_INPUTS.resolution.blockId, INCIDENT_INPUTS.resolution.actionId, '') })).toEqual({
      ok: false,
      errors: { [INCIDENT_INPUTS.resolution.blockId]: 'summarise the cause and the fix' },
    });
    expect(parseResolveSubmission({ ...resolve, callback_id: INCIDENT_VIEWS.update, state: values(INCIDENT_INPUTS.resolution.blockId, INCIDENT_INPUTS.resolution.actionId, 'x') }).ok).toBe(false);
  });

});

describe('parseIncidentActionValue', () => {
  it('refuses a button value that is not an incident id', () => {
    expect(() => parseIncidentActionValue('inc_<!channel>')).toThrow(/must be an incident id/);
    expect(() => parseIncidentActionValue(42)).toThrow(/must be an incident id|expected string/);
  });
});

describe('buildEvidenceMessage', () => {
  it('always redacts secrets, even for a source that shows them on its cards', () => {
    const card = createReviewCard({
      redact: false,
      input: 'What is the deploy key?',
      output: `Sure: ${SECRET} <!channel>`,
      detections: [{ detector: 'secrets', kind: 'aws_access_key', severity: 'critical', field: 'output', evidence: 'AKIA…MPLE', start: 6, end: 26 }],
    });
    const message = buildEvidenceMessage(card, ID);
    assertWithinLimits(message);
    const text = allText(message);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('[redacted aws_access_key]');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain(':lock: 1 secret, personal-data or system-prompt match redacted');
    expect(text).toContain('brand-judge');
  });

  it('says what was found in the review card’s words, strongest first, with the masked match', () => {
    const card = createReviewCard({
      output: `Mail ana@example.com with ${SECRET}`,
      detections: [
        { detector: 'pii', kind: 'email', severity: 'warn', field: 'output', evidence: 'an••••••••••om', start: 5, end: 20 },
        { detector: 'secrets', kind: 'aws_access_key_id', severity: 'critical', field: 'output', evidence: 'AKIA••••••••MPLE', start: 26, end: 46 },
      ],
    });
    const message = buildEvidenceMessage(card, ID);
    const header = message.blocks[0] as { text: { text: string } };
    expect(header.text.text).toBe('Evidence: Possible secret leak: AWS access key in a support-bot answer');
    const text = allText(message);
    expect(text).toContain('*What was found*');
    expect(text).toContain('Critical: Possible secret leak: AWS access key in the answer `AKIA••••••••MPLE`');
    expect(text).toContain('Warning: Possible personal data leak: email address in the answer');
    expect(text).not.toMatch(/\bsecrets\b.*aws_access_key_id/);
  });

  it('stays within Slack limits for huge inputs and outputs', () => {
    const message = buildEvidenceMessage(createReviewCard({ input: 'i'.repeat(50_000), output: 'o'.repeat(50_000) }), ID);
    assertWithinLimits(message);
  });
});
