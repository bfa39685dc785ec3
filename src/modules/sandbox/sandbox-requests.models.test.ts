import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildAction, buildStateValues, findElement, signSlackRequest } from './sandbox-requests.models.ts';

const reasons = { type: 'static_select', action_id: 'reason_select', options: [{ text: { type: 'plain_text', text: 'Data leak' }, value: 'data_leak' }] };
const view = {
  blocks: [
    { type: 'input', block_id: 'reject_reason', element: reasons, label: { type: 'plain_text', text: 'Reason' } },
    { type: 'input', block_id: 'reject_note', element: { type: 'plain_text_input', action_id: 'note_input' }, label: { type: 'plain_text', text: 'Note' } },
  ],
};

describe('requests built from what Vigil posted', () => {
  it('signs as Slack does: v0= HMAC-SHA256 over v0:timestamp:body', () => {
    const headers = signSlackRequest('payload=%7B%7D', 'secret', 1_765_000_000);
    const expected = `v0=${createHmac('sha256', 'secret').update('v0:1765000000:payload=%7B%7D').digest('hex')}`;
    expect(headers).toEqual({ 'x-slack-request-timestamp': '1765000000', 'x-slack-signature': expected });
  });

  it('finds an element only in its own block: a page cannot name a button Vigil did not post there', () => {
    const blocks = [{ type: 'actions', block_id: 'a', elements: [{ type: 'button', action_id: 'review.approve', value: 'approve|rev_1' }] }];
    expect(findElement(blocks, 'a', 'review.approve')?.element.value).toBe('approve|rev_1');
    expect(findElement(blocks, 'b', 'review.approve')).toBeUndefined();
    expect(findElement(blocks, 'a', 'review.reject')).toBeUndefined();
  });

  it('nests view state as Slack does, with the posted option objects; an option Vigil never offered is null', () => {
    const state = buildStateValues(view, {
      reject_reason: { reason_select: { type: 'static_select', selected: 'data_leak' } },
      reject_note: { note_input: { type: 'plain_text_input', value: '' } },
    });
    expect(state).toEqual({
      reject_reason: { reason_select: { type: 'static_select', selected_option: reasons.options[0] } },
      reject_note: { note_input: { type: 'plain_text_input', value: null } },
    });
    const forged = buildStateValues(view, { reject_reason: { reason_select: { type: 'static_select', selected: 'made_up' } } });
    expect(forged.reject_reason!.reason_select).toEqual({ type: 'static_select', selected_option: null });
  });

  it('reports a button with its value and style, and an overflow with the chosen option', () => {
    const button = { type: 'button', action_id: 'review.reject', value: 'reject|rev_1', style: 'danger', text: { type: 'plain_text', text: 'Reject' } };
    expect(buildAction({ element: button, blockId: 'a' }, {}, '1.1')).toEqual({ type: 'button', action_id: 'review.reject', block_id: 'a', action_ts: '1.1', text: button.text, value: 'reject|rev_1', style: 'danger' });
    const overflow = { type: 'overflow', action_id: 'review.more', options: [{ text: { type: 'plain_text', text: 'View full' }, value: 'view_full|rev_1' }] };
    expect(buildAction({ element: overflow, blockId: 'a' }, { selected: 'view_full|rev_1' }, '1.2')).toMatchObject({ selected_option: overflow.options[0] });
  });
});
