import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxTable } from '../outbox/outbox.table.ts';
import { auditLogTable } from '../audit/audit.table.ts';
import { APPROVERS, createGuardrailSlackTestContext, LOG_CHANNEL, SOURCE, type GuardrailSlackTestContext } from '../guardrails/guardrails-slack.test-utils.ts';
import { cancelRollbackRequest, confirmRollbackRequest, expireRollbackRequests, performRollback, requestRollback } from './rollback-approval.usecases.ts';

const [FIRST, SECOND] = APPROVERS as [string, string];
const ITEM = 'rev_01JBXK5M2N3P4Q5R6S7T8V9W0X';

describe('two-person rollback requests', () => {
  let t: GuardrailSlackTestContext;

  beforeEach(async () => {
    t = await createGuardrailSlackTestContext({ twoPerson: true });
    await t.register('r-41');
    await t.register('r-42');
  });
  afterEach(() => t.database.close());

  const actions = async () => (await t.database.db.select().from(auditLogTable)).map((row) => [row.action, row.actor]);
  const slackCalls = async () => (await t.database.db.select().from(outboxTable)).map((row) => [row.method, row.payload.channel]);
  const latest = async () => (await t.ctx.versions.repository.findLatest(SOURCE))!;

  it('posts a pending request to the log channel, notes it on the card, and rolls back nothing yet', async () => {
    const outcome = await requestRollback(t.ctx, { userId: FIRST }, { source: SOURCE, itemId: ITEM, reason: 'r-42 leaks' });
    expect(outcome.status).toBe('requested');
    const request = (await t.ctx.requests.find(outcome.status === 'requested' ? outcome.requestId : ''))!;
    expect(request).toMatchObject({ state: 'pending', requestedBy: FIRST, targetRelease: 'r-41', fromRelease: 'r-42', expiresAt: t.clock.now() + 10 * 60_000 });
    expect((await latest()).version).toBe(1);
    expect(await slackCalls()).toEqual([['chat.postMessage', LOG_CHANNEL]]);
    expect(await actions()).toContainEqual(['release.rollback_requested', `slack:${FIRST}`]);
    expect(await t.ctx.cards.listNotes(ITEM)).toEqual([expect.objectContaining({ rollbackRequestId: request.id })]);
    expect(t.refreshed).toEqual([ITEM]);
  });

  it('expires a request in the sweep once its 10 minutes are over, exactly once', async () => {
    const outcome = await requestRollback(t.ctx, { userId: FIRST }, { source: SOURCE, itemId: ITEM, reason: 'r' });
    const id = outcome.status === 'requested' ? outcome.requestId : '';
    t.clock.advance(10 * 60_000 - 1);
    expect(await expireRollbackRequests(t.ctx, t.clock.now())).toBe(0);
    t.clock.advance(1);
    expect(await expireRollbackRequests(t.ctx, t.clock.now())).toBe(1);
    expect(await expireRollbackRequests(t.ctx, t.clock.now())).toBe(0);
    expect(await t.ctx.requests.find(id)).toMatchObject({ state: 'expired', decidedBy: null });
    expect(await actions()).toContainEqual(['release.rollback_expired', 'system']);
    const update = (await t.database.db.select().from(outboxTable)).find((row) => row.method === 'chat.update')!;
    expect(JSON.stringify(update.payload.blocks)).toContain('expired: no second approver');
    expect(JSON.stringify(update.payload.blocks)).not.toContain('guardrails.confirm_rollback');
    const confirm = await confirmRollbackRequest(t.ctx, { userId: SECOND, channelId: LOG_CHANNEL }, id);
    expect(confirm).toMatchObject({ status: 'refused' });
    expect((await latest()).version).toBe(1);
  });

  it('lets a different approver confirm once; a second confirmation is refused', async () => {
    const outcome = await requestRollback(t.ctx, { userId: FIRST }, { source: SOURCE, itemId: ITEM, reason: 'r' });
    const id = outcome.status === 'requested' ? outcome.requestId : '';
    expect(await confirmRollbackRequest(t.ctx, { userId: FIRST }, id)).toMatchObject({ status: 'refused', message: expect.stringContaining('*different* approver') });
    expect(await confirmRollbackRequest(t.ctx, { userId: SECOND }, id)).toMatchObject({ status: 'rolled_back', version: 2, created: true });
    expect(await t.ctx.requests.find(id)).toMatchObject({ state: 'confirmed', decidedBy: SECOND, version: 2 });
    expect((await latest()).spec.pinned_release).toMatchObject({ release: 'r-41' });
    expect(await confirmRollbackRequest(t.ctx, { userId: SECOND }, id)).toMatchObject({ status: 'refused', message: 'This rollback request is already confirmed.' });
    expect((await latest()).version).toBe(2);
  });

  it('withdraws a request whose target is no longer the last known-good release', async () => {
    const outcome = await requestRollback(t.ctx, { userId: FIRST }, { source: SOURCE, itemId: ITEM, reason: 'r' });
    const id = outcome.status === 'requested' ? outcome.requestId : '';
    await t.register('r-43');
    expect(await confirmRollbackRequest(t.ctx, { userId: SECOND }, id)).toMatchObject({ status: 'failed', message: expect.stringContaining('now r-42') });
    expect(await t.ctx.requests.find(id)).toMatchObject({ state: 'cancelled', outcome: 'target_changed' });
    expect((await latest()).version).toBe(1);
  });

  it('cancels a pending request, after which it cannot be confirmed', async () => {
    const outcome = await requestRollback(t.ctx, { userId: FIRST }, { source: SOURCE, itemId: ITEM, reason: 'r' });
    const id = outcome.status === 'requested' ? outcome.requestId : '';
    expect(await cancelRollbackRequest(t.ctx, { userId: SECOND }, id)).toBe(true);
    expect(await cancelRollbackRequest(t.ctx, { userId: SECOND }, id)).toBe(false);
    expect(await confirmRollbackRequest(t.ctx, { userId: SECOND }, id)).toMatchObject({ status: 'refused' });
    expect(await actions()).toContainEqual(['release.rollback_cancelled', `slack:${SECOND}`]);
  });

  it('fails without a known-good release, and a direct rollback notes the card with its webhook', async () => {
    const direct = await createGuardrailSlackTestContext({ twoPerson: false, webhookUrl: 'http://127.0.0.1:9/hook' });
    await direct.register('r-1');
    expect(await performRollback(direct.ctx, { userId: FIRST }, { source: SOURCE, itemId: ITEM, reason: 'r' })).toMatchObject({ status: 'failed' });
    await direct.register('r-2');
    expect(await performRollback(direct.ctx, { userId: FIRST }, { source: SOURCE, itemId: ITEM, reason: 'r' })).toMatchObject({ status: 'rolled_back', version: 2 });
    const [note] = await direct.ctx.cards.listNotes(ITEM);
    expect(note).toMatchObject({ version: 2, actor: `slack:${FIRST}`, text: ':shield: guardrail v2 by <@U0APPR0001>: rolled back to `r-1` from `r-2`' });
    expect(direct.watched).toEqual([note!.webhookOutboxId]);
    await direct.database.close();
  });
});
