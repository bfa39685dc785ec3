import { describe, expect, it } from 'vitest';
import { collectPayloadRefs, isOutboxRef, outboxRef, resolvePayloadRefs, type RefTarget } from './outbox-refs.models.ts';

const delivered = (response: Record<string, unknown>): RefTarget => ({ status: 'delivered', response, lastError: null });

describe('resolvePayloadRefs', () => {
  it('replaces placeholders anywhere in the payload with fields of the referenced responses', () => {
    const payload = {
      channel: outboxRef('obx_create', 'channel.id'),
      thread_ts: outboxRef('obx_post'),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'unchanged' } }],
      metadata: { event_payload: { card: outboxRef('obx_post', 'ts') } },
    };
    const targets: Record<string, RefTarget> = { obx_create: delivered({ channel: { id: 'C9', name: 'inc-1' } }), obx_post: delivered({ channel: 'C1', ts: '1730.0001' }) };
    expect(collectPayloadRefs(payload)).toEqual(['obx_create', 'obx_post']);
    expect(resolvePayloadRefs(payload, (id) => targets[id])).toEqual({
      ok: true,
      payload: {
        channel: 'C9',
        thread_ts: '1730.0001',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'unchanged' } }],
        metadata: { event_payload: { card: '1730.0001' } },
      },
    });
  });

  it('asks to wait while the referenced message is not delivered yet', () => {
    const pending: RefTarget = { status: 'in_flight', response: null, lastError: null };
    expect(resolvePayloadRefs({ ts: outboxRef('obx_post') }, () => pending)).toEqual({ ok: false, reason: 'pending', outboxId: 'obx_post' });
  });

  it('fails with the referenced error when the referenced message failed for good', () => {
    const failed: RefTarget = { status: 'failed', response: null, lastError: 'channel_not_found' };
    expect(resolvePayloadRefs({ ts: outboxRef('obx_post') }, () => failed)).toEqual({
      ok: false,
      reason: 'failed',
      outboxId: 'obx_post',
      detail: 'referenced message obx_post failed: channel_not_found',
    });
  });

  it('fails when the referenced message or the referenced field does not exist', () => {
    expect(resolvePayloadRefs({ ts: outboxRef('obx_gone') }, () => undefined)).toMatchObject({ ok: false, reason: 'missing', outboxId: 'obx_gone' });
    const result = resolvePayloadRefs({ ts: outboxRef('obx_post', 'message.thread_ts') }, () => delivered({ ts: '1' }));
    expect(result).toMatchObject({ ok: false, reason: 'missing', detail: 'response of obx_post has no "message.thread_ts"' });
  });

  it('leaves a payload without placeholders as it is', () => {
    const payload = { channel: 'C1', text: 'hello', blocks: [] };
    expect(collectPayloadRefs(payload)).toEqual([]);
    expect(resolvePayloadRefs(payload, () => undefined)).toEqual({ ok: true, payload });
  });
});

describe('isOutboxRef', () => {
  it('accepts only the exact placeholder shape, so user content with a $ref key stays data', () => {
    expect(isOutboxRef(outboxRef('obx_1'))).toBe(true);
    expect(isOutboxRef({ $ref: { outboxId: 'obx_1', path: 'ts' }, extra: 1 })).toBe(false);
    expect(isOutboxRef({ $ref: '#/definitions/x' })).toBe(false);
    expect(isOutboxRef([outboxRef('obx_1')])).toBe(false);
  });
});
