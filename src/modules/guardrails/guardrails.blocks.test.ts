import type { InputBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { assertWithinLimits } from '../../shared/slack-limits.ts';
import {
  GUARDRAIL_ACTIONS, GUARDRAIL_VIEWS, TIGHTEN_INPUTS, parseConfirmSubmission, parsePatternPreviewAction, parseRevertValue, parseRollbackRequestValue, parseTightenSubmission,
} from './guardrails.actions.ts';
import { buildGuardrailLogMessage, buildRollbackRequestMessage } from './guardrails.blocks.ts';
import { buildConfirmModal, buildTightenModal, type TightenModalModel } from './guardrails-modals.blocks.ts';
import { listTightenOptions } from './guardrail-proposals.models.ts';
import { buildSeedSpec, DEFAULT_DETECTOR_ACTIONS, type GuardrailVersion } from './guardrails.models.ts';

const spec = buildSeedSpec({ thresholds: { tone: 0.7 }, graderActions: {}, detectorActions: { ...DEFAULT_DETECTOR_ACTIONS }, blocklist: { words: [], patterns: [] }, killSwitchMessage: 'Paused.' });
const hostile = '<!channel> ```` <https://evil.example|click> '.repeat(200);

function model(overrides: Partial<TightenModalModel> = {}): TightenModalModel {
  const preview = { pattern: 'refund', scanned: 50, matched: 3, partial: false, samples: [0, 1, 2].map((i) => ({ occurredAt: 1_700_000_000_000 + i, excerpt: hostile })) };
  return {
    itemId: 'rev_01JBXK5M2N3P4Q5R6S7T8V9W0X',
    channel: 'C07REVQUEUE',
    source: 'support-bot',
    version: 12,
    options: listTightenOptions({ spec, scores: [], thresholdPreviews: new Map(), detectors: [], pattern: preview, rollback: { target: 'r-41', live: 'r-42' } }),
    pattern: 'refund',
    preview,
    patternError: null,
    rollbackNote: null,
    ...overrides,
  };
}

/** What Slack sends back for the modal, with these answers. */
function submit(view: ReturnType<typeof buildTightenModal>, choice: string, pattern: string | null, reason: string | null) {
  return {
    ...view,
    state: {
      values: {
        [TIGHTEN_INPUTS.choice.blockId]: { [TIGHTEN_INPUTS.choice.actionId]: { type: 'radio_buttons', selected_option: { value: choice } } },
        [TIGHTEN_INPUTS.pattern.blockId]: { [TIGHTEN_INPUTS.pattern.actionId]: { type: 'plain_text_input', value: pattern } },
        [TIGHTEN_INPUTS.reason.blockId]: { [TIGHTEN_INPUTS.reason.actionId]: { type: 'plain_text_input', value: reason } },
      },
    },
  };
}

describe('buildTightenModal', () => {
  it('offers the choices with the block proposal selected, an editable pattern that previews on Enter, and a reason', () => {
    const view = buildTightenModal(model());
    expect(view).toMatchObject({ callback_id: GUARDRAIL_VIEWS.tighten, submit: { text: 'Apply' } });
    expect(JSON.parse(view.private_metadata!)).toEqual({ itemId: 'rev_01JBXK5M2N3P4Q5R6S7T8V9W0X', channel: 'C07REVQUEUE' });
    const inputs = view.blocks.filter((b): b is InputBlock => b.type === 'input');
    expect(inputs.map((b) => b.block_id)).toEqual([TIGHTEN_INPUTS.choice.blockId, TIGHTEN_INPUTS.pattern.blockId, TIGHTEN_INPUTS.reason.blockId]);
    expect(inputs[0]!.element).toMatchObject({ type: 'radio_buttons', initial_option: { value: 'block_pattern' } });
    expect(inputs[1]).toMatchObject({ dispatch_action: true, optional: true, element: { initial_value: 'refund', action_id: GUARDRAIL_ACTIONS.patternPreview } });
    assertWithinLimits(view);
  });

  it('shows three redacted samples escaped and fenced, so hostile output cannot ping or link', () => {
    const json = JSON.stringify(buildTightenModal(model()));
    expect(json).toContain('matches 3 of 50 events in 7 days');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(json.match(/guardrails_sample_/g)).toHaveLength(3);
  });

  it('on a leak, selects switching its detector to block, proposes no phrase and says what the item is', () => {
    const options = listTightenOptions({
      spec, scores: [], thresholdPreviews: new Map(), detectors: [{ detector: 'secrets', recentCount: 1 }], pattern: null,
      rollback: { target: null, live: null }, leadDetector: 'secrets',
    });
    const view = buildTightenModal(model({ options, pattern: null, preview: null, headline: 'Possible secret leak: AWS access key in the answer' }));
    const inputs = view.blocks.filter((b): b is InputBlock => b.type === 'input');
    expect(inputs[0]!.element).toMatchObject({ initial_option: { value: 'detector|secrets', text: { text: 'Block answers that contain secrets (now redact)' }, description: { text: 'Fired on 1 event in the last 7 days' } } });
    expect(inputs[1]!.element).not.toHaveProperty('initial_value');
    expect(view.blocks[0]).toMatchObject({ block_id: 'guardrails_head', text: { text: expect.stringMatching(/^Possible secret leak: AWS access key in the answer\n\*support-bot\* · guardrail version 12/) } });
    expect(JSON.stringify(view)).not.toContain('(optional)');
    assertWithinLimits(view);
  });

  it('shows why a typed pattern cannot be used instead of a preview', () => {
    const json = JSON.stringify(buildTightenModal(model({ preview: null, patternError: 'This pattern cannot be used: nests quantifiers' })));
    expect(json).toContain(':warning: This pattern cannot be used: nests quantifiers');
    expect(json).not.toContain('guardrails_sample_');
  });
});

describe('parseTightenSubmission', () => {
  it('reads the choice, the trimmed pattern and the reason of a submitted modal', () => {
    const view = buildTightenModal(model());
    expect(parseTightenSubmission(submit(view, 'threshold|tone', '  refund\\s+now  ', ' too rude '))).toEqual({
      itemId: 'rev_01JBXK5M2N3P4Q5R6S7T8V9W0X', channel: 'C07REVQUEUE', choice: { kind: 'threshold', grader: 'tone' }, pattern: 'refund\\s+now', reason: 'too rude',
    });
    expect(parseTightenSubmission(submit(view, 'kill_switch|on', null, null)).choice).toEqual({ kind: 'kill_switch', on: true });
  });

  it('refuses a forged choice or metadata', () => {
    const view = buildTightenModal(model());
    expect(() => parseTightenSubmission(submit(view, 'detector|everything', null, null))).toThrow(/not a guardrail choice/);
    expect(() => parseTightenSubmission({ ...submit(view, 'rollback', null, null), private_metadata: '{"itemId":"x y"}' })).toThrow(/guardrail.invalid_payload|Invalid/);
  });

  it('reads the pattern typed so far from a dispatched action inside the modal', () => {
    const view = { ...submit(buildTightenModal(model()), 'block_pattern', 'free money', null), id: 'V1', hash: 'h1' };
    expect(parsePatternPreviewAction(view)).toEqual({ metadata: { itemId: 'rev_01JBXK5M2N3P4Q5R6S7T8V9W0X', channel: 'C07REVQUEUE' }, pattern: 'free money', viewId: 'V1', hash: 'h1' });
  });
});

describe('buildConfirmModal', () => {
  it('names the target release and says when a second approver must confirm', () => {
    const metadata = { kind: 'rollback' as const, itemId: 'rev_1', target: 'r-41', reason: 'From review item rev_1' };
    const view = buildConfirmModal({ kind: 'rollback', source: 'support-bot', from: 'r-42', target: 'r-41', twoPerson: true, metadata });
    const json = JSON.stringify(view);
    expect(json).toContain('from `r-42` to `r-41`');
    expect(json).toContain('*different approver*');
    expect(view.submit?.text).toBe('Request rollback');
    expect(parseConfirmSubmission(view)).toEqual(metadata);
    assertWithinLimits(view);
  });

  it('says what the kill switch does and what the app shows instead', () => {
    const view = buildConfirmModal({ kind: 'kill_switch', source: 'support-bot', on: true, message: 'Paused.', metadata: { kind: 'kill_switch', on: true, itemId: 'rev_1', reason: 'x' } });
    expect(JSON.stringify(view)).toContain('answers `block` for every output');
    expect(view.submit?.text).toBe('Turn on');
  });
});

describe('guardrail log and rollback request messages', () => {
  const version: GuardrailVersion = {
    source: 'support-bot', version: 12, kind: 'change', spec, actor: 'slack:U04QAPPR001', reason: 'From review item rev_1: <!here> rude', diff: [{ path: 'blocklist.patterns', added: ['refund'], removed: [] }],
    revertOf: null, webhookOutboxId: null, createdAt: 1_700_000_000_000,
  };

  it('posts the change with its diff and a Revert button that asks for confirmation', () => {
    const message = buildGuardrailLogMessage(version);
    const json = JSON.stringify(message);
    expect(json).toContain('guardrail v12 by <@U04QAPPR001>: blocked outputs matching `refund`');
    expect(json).toContain('&lt;!here&gt; rude');
    const button = message.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []))[0];
    expect(button).toMatchObject({ action_id: GUARDRAIL_ACTIONS.revert, value: 'support-bot|11', text: { text: 'Revert to v11' }, confirm: { confirm: { text: 'Revert' } } });
    expect(parseRevertValue((button as { value: string }).value)).toEqual({ source: 'support-bot', version: 11 });
    assertWithinLimits(message);
  });

  it('offers Confirm and Cancel only while the request is pending', () => {
    const request = { requestedBy: 'U1AAA', targetRelease: 'r-41', fromRelease: 'r-42', expiresAt: 1, decidedBy: null, outcome: null, version: null };
    const id = 'rbr_01JBXK5M2N3P4Q5R6S7T8V9W0X';
    const pending = buildRollbackRequestMessage('support-bot', id, { ...request, state: 'pending' });
    const ids = pending.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => ('action_id' in e ? e.action_id : '')) : []));
    expect(ids).toEqual([GUARDRAIL_ACTIONS.confirmRollback, GUARDRAIL_ACTIONS.cancelRollback]);
    expect(parseRollbackRequestValue(id)).toBe(id);
    const expired = buildRollbackRequestMessage('support-bot', id, { ...request, state: 'expired' });
    expect(expired.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});
