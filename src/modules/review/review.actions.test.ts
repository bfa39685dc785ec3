import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../platform/errors.ts';
import {
  REJECT_MODAL_INPUTS, REVIEW_VIEWS, encodeRejectMetadata, encodeReviewActionValue, parseRejectSubmission, parseReviewActionValue,
} from './review.actions.ts';

const ITEM = 'evt_01JBXK5M2N3P4Q5R6S7T8V9W0X';

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('review action values', () => {
  it('round-trip an item action and a rating', () => {
    expect(encodeReviewActionValue({ kind: 'approve', itemId: ITEM })).toBe(`approve|${ITEM}`);
    expect(parseReviewActionValue(`approve|${ITEM}`)).toEqual({ kind: 'approve', itemId: ITEM });
    expect(parseReviewActionValue(encodeReviewActionValue({ kind: 'tone', itemId: ITEM, score: 4 }), 'tone')).toEqual({ kind: 'tone', itemId: ITEM, score: 4 });
  });

  it('stay within the 75-character option value limit for the longest kind and id', () => {
    const longest = 'x'.repeat(60);
    expect(encodeReviewActionValue({ kind: 'adj_approve', itemId: longest }).length).toBeLessThanOrEqual(75);
    expect(encodeReviewActionValue({ kind: 'brand', itemId: longest, score: 5 }).length).toBeLessThanOrEqual(75);
  });

  it('reject a score out of range with a precise message', () => {
    const error = captureError(() => parseReviewActionValue(`tone|${ITEM}|9`));
    expect(isVigilError(error) && error.code).toBe('review.invalid_payload');
    expect(error.message).toBe(`Invalid review action value "tone|${ITEM}|9": score: must be 1 to 5`);
  });

  it('reject an unknown kind, a malformed id and extra parts', () => {
    expect(() => parseReviewActionValue(`delete|${ITEM}`)).toThrow(/kind: Invalid option/);
    expect(() => parseReviewActionValue('approve|<!channel>')).toThrow(/itemId: must be 1 to 60 letters/);
    expect(() => parseReviewActionValue(`approve|${ITEM}|3`)).toThrow(/score: "approve" takes no score/);
    expect(() => parseReviewActionValue(`tone|${ITEM}|3|x`)).toThrow(/has 1 extra "\|"-separated parts/);
  });

  it('reject a value that is not a short string', () => {
    expect(() => parseReviewActionValue(42)).toThrow('Invalid review action value 42: (value): must be a string of at most 75 characters');
    expect(() => parseReviewActionValue('a'.repeat(76))).toThrow(/at most 75 characters/);
  });

  it('reject a value of another kind than the listener expects', () => {
    expect(() => parseReviewActionValue(`reject|${ITEM}`, 'approve')).toThrow(/kind: expected "approve", got "reject"/);
  });

  it('refuse to encode an id that would not parse back', () => {
    expect(() => encodeReviewActionValue({ kind: 'approve', itemId: 'a|b' })).toThrow('Invalid item id "a|b": (value): must be 1 to 60 letters');
  });
});

describe('parseRejectSubmission', () => {
  const metadata = encodeRejectMetadata({ itemId: ITEM, channel: 'C07REVQUEUE', ts: '1730000000.123456' });
  const values = (reason: string | null, dimension: string | null, note: string | null) => ({
    [REJECT_MODAL_INPUTS.reason.blockId]: {
      [REJECT_MODAL_INPUTS.reason.actionId]: { type: 'static_select', selected_option: reason === null ? null : { text: { type: 'plain_text', text: reason }, value: reason } },
    },
    [REJECT_MODAL_INPUTS.dimension.blockId]: {
      [REJECT_MODAL_INPUTS.dimension.actionId]: { type: 'static_select', selected_option: dimension === null ? null : { text: { type: 'plain_text', text: dimension }, value: dimension } },
    },
    [REJECT_MODAL_INPUTS.note.blockId]: { [REJECT_MODAL_INPUTS.note.actionId]: { type: 'plain_text_input', value: note } },
  });

  it('returns the card location and the answers', () => {
    const view = { callback_id: REVIEW_VIEWS.reject, private_metadata: metadata, state: { values: values('tone', 'brand', '  Too flippant.  ') } };
    expect(parseRejectSubmission(view)).toEqual({
      itemId: ITEM, channel: 'C07REVQUEUE', ts: '1730000000.123456', reasonCategory: 'tone', dimension: 'brand', note: 'Too flippant.',
    });
  });

  it('treats an unset dimension and a blank note as absent', () => {
    const view = { callback_id: REVIEW_VIEWS.reject, private_metadata: metadata, state: { values: values('tone', null, '   ') } };
    expect(parseRejectSubmission(view)).toMatchObject({ dimension: null, note: null });
  });

  it('requires a reason and names the missing field', () => {
    const view = { callback_id: REVIEW_VIEWS.reject, private_metadata: metadata, state: { values: values(null, null, null) } };
    expect(() => parseRejectSubmission(view)).toThrow('Invalid reject modal submission: state.values.reject_reason.reason_select.selected_option: choose a reason');
  });

  it('rejects broken metadata, another callback id and an overlong note', () => {
    const state = { values: values('tone', null, 'n'.repeat(1_001)) };
    const error = captureError(() => parseRejectSubmission({ callback_id: 'review_reject_modal', private_metadata: '{not json', state }));
    expect(error.message).toContain('callback_id: must be "review.reject_modal"');
    expect(error.message).toContain('private_metadata: is not valid JSON');
    expect(error.message).toContain('state.values.reject_note.note_input.value: must be at most 1000 characters');
    const badChannel = JSON.stringify({ itemId: ITEM, channel: 'general', ts: '1.2' });
    expect(() => parseRejectSubmission({ callback_id: REVIEW_VIEWS.reject, private_metadata: badChannel, state: { values: values('tone', null, null) } })).toThrow(
      'private_metadata.channel: must be a Slack channel id',
    );
  });
});
