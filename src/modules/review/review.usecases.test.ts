import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { auditLogTable } from '../audit/audit.table.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { reviewItemsTable } from './review.table.ts';
import { reviewVerdictsTable } from './verdicts.table.ts';
import { asc, eq } from 'drizzle-orm';
import { dispatchQueuedItems } from './review-dispatch.usecases.ts';
import { sampleBatch } from './review-sampler.usecases.ts';
import { adjudicateItem, recordDecision, refreshCard } from './review.usecases.ts';
import { checkRejectChoices, prepareRejectModal, recordRating } from './review-ratings.usecases.ts';
import {
  APPROVER, createTestReviewContext, insertEvent, insertGraderResult, REVIEWER, REVIEWER_2, seedSource, type TestReviewContext,
} from './review-context.test-utils.ts';

describe('verdict use cases', () => {
  let database: TestDb;
  let ctx: TestReviewContext;
  let itemId: string;
  const channel = 'C07REVQUEUE';

  const messages = async (method: string) => (await database.db.select().from(outboxTable).orderBy(asc(outboxTable.seq))).filter((row) => row.method === method);
  const audit = async () => (await database.db.select({ action: auditLogTable.action }).from(auditLogTable).orderBy(asc(auditLogTable.seq))).map((row) => row.action);
  const item = async () => (await database.db.select().from(reviewItemsTable).orderBy(asc(reviewItemsTable.seq)))[0]!;

  beforeEach(async () => {
    database = await createTestDb((db) => seedSource(db));
    ctx = createTestReviewContext(database);
    const seq = await insertEvent(database, { appFlags: [{ name: 'leak', severity: 'critical' }] });
    await insertGraderResult(database, seq, 'tone', 0.8);
    await sampleBatch(ctx);
    await dispatchQueuedItems(ctx);
    itemId = (await item()).id;
  });
  afterEach(() => database.close());

  it('updates the card through a $ref to its post while Slack has not answered, then by ts', async () => {
    await recordDecision(ctx, { userId: REVIEWER, channelId: channel }, { itemId, decision: 'approve' });
    const [early] = await messages('chat.update');
    const { cardOutboxId } = await item();
    expect(early!.payload.ts).toEqual({ $ref: { outboxId: cardOutboxId, path: 'ts' } });
    expect(early!.orderKey).toBe('slack:C07REVQUEUE');
    await database.db.update(outboxTable).set({ status: 'delivered', response: { channel, ts: '1730000000.000100' } }).where(eq(outboxTable.id, cardOutboxId!));
    await recordDecision(ctx, { userId: REVIEWER_2, channelId: channel }, { itemId, decision: 'approve' });
    expect((await messages('chat.update'))[1]!.payload).toMatchObject({ channel, ts: '1730000000.000100' });
    expect(await item()).toMatchObject({ cardChannel: channel, cardTs: '1730000000.000100' });
    expect(await item()).toMatchObject({ state: 'final', outcome: 'approved', decisionMode: 'consensus' });
  });

  it('shows a blind reviewer the grader scores in an ephemeral after their vote, and keeps them off the card until final', async () => {
    await recordDecision(ctx, { userId: REVIEWER, channelId: channel }, { itemId, decision: 'approve' });
    const [ephemeral] = await messages('chat.postEphemeral');
    expect(ephemeral!.payload).toMatchObject({ channel, user: REVIEWER });
    expect(JSON.stringify(ephemeral!.payload.blocks)).toContain('*tone* 0.80, at or over its 0.50 threshold, flagged');
    expect(JSON.stringify((await messages('chat.update'))[0]!.payload.blocks)).toContain('hidden until you vote');
    await recordDecision(ctx, { userId: REVIEWER_2, channelId: channel }, { itemId, decision: 'approve' });
    expect(JSON.stringify((await messages('chat.update'))[1]!.payload.blocks)).toContain('*tone* 0.80');
    expect(await messages('chat.postEphemeral')).toHaveLength(1);
  });

  it('treats a repeated decision as a no-op and a changed one as an audited change', async () => {
    const actor = { userId: REVIEWER, channelId: channel };
    expect(await recordDecision(ctx, actor, { itemId, decision: 'approve' })).toMatchObject({ status: 'recorded', changed: true });
    expect(await recordDecision(ctx, actor, { itemId, decision: 'approve' })).toMatchObject({ status: 'recorded', changed: false });
    const reject = { reasonCategory: 'unsafe', dimension: 'safety', note: null };
    expect(await recordDecision(ctx, actor, { itemId, decision: 'reject', reject })).toMatchObject({ changed: true });
    expect(await database.db.select().from(reviewVerdictsTable)).toEqual([expect.objectContaining({ decision: 'reject', reasonCategory: 'unsafe', dimension: 'safety' })]);
    expect(await audit()).toEqual(['verdict.created', 'verdict.changed']);
    expect(await messages('chat.update')).toHaveLength(2);
  });

  it('refuses users without the role, and approvers settle only real disagreements', async () => {
    expect(await recordDecision(ctx, { userId: 'U0STRANGER', channelId: channel }, { itemId, decision: 'approve' })).toEqual({ status: 'refused', role: 'reviewer' });
    expect(await adjudicateItem(ctx, { userId: REVIEWER, channelId: channel }, { itemId, outcome: 'approved' })).toEqual({ status: 'refused', role: 'approver' });
    expect(await adjudicateItem(ctx, { userId: APPROVER, channelId: channel }, { itemId, outcome: 'approved' })).toMatchObject({ status: 'recorded', changed: false });
    await recordDecision(ctx, { userId: REVIEWER, channelId: channel }, { itemId, decision: 'approve' });
    await recordDecision(ctx, { userId: REVIEWER_2, channelId: channel }, { itemId, decision: 'reject', reject: { reasonCategory: 'tone', dimension: null, note: 'meh' } });
    expect((await item()).state).toBe('needs_adjudication');
    expect((await messages('chat.postMessage')).filter((row) => row.dedupeKey === `review.adjudication:${itemId}`)).toHaveLength(1);
    expect(await adjudicateItem(ctx, { userId: APPROVER, channelId: channel }, { itemId, outcome: 'rejected' })).toMatchObject({ status: 'recorded', changed: true });
    expect(await item()).toMatchObject({ state: 'final', outcome: 'rejected', decisionMode: 'adjudication', decidedBy: APPROVER });
    expect(await recordDecision(ctx, { userId: REVIEWER, channelId: channel }, { itemId, decision: 'reject' })).toMatchObject({ status: 'closed' });
    expect(await audit()).toEqual(['review.refused', 'review.refused', 'verdict.created', 'verdict.created', 'review_item.needs_adjudication', 'review_item.adjudicated']);
  });

  it('stores ratings as sets (a repeated click changes nothing) before any decision', async () => {
    const actor = { userId: REVIEWER, channelId: channel };
    expect(await recordRating(ctx, actor, { itemId, rating: { tone: 3 } })).toEqual({ status: 'recorded', changed: true });
    expect(await recordRating(ctx, actor, { itemId, rating: { tone: 3 } })).toEqual({ status: 'recorded', changed: false });
    await recordRating(ctx, actor, { itemId, rating: { edgeCase: true } });
    expect(await recordRating(ctx, actor, { itemId, rating: { edgeCase: true } })).toEqual({ status: 'recorded', changed: false });
    expect(await database.db.select().from(reviewVerdictsTable)).toEqual([expect.objectContaining({ decision: null, tone: 3, edgeCase: true })]);
    expect((await item()).state).toBe('in_review');
  });

  it('refreshes a card in place with what other modules add to it, and skips items without a card', async () => {
    ctx.decorateCard = (_item, card) => ({ ...card, notes: [...card.notes, ':lock: Guardrail tightened'] });
    expect(await refreshCard(ctx, itemId)).toBe(true);
    const [update] = await messages('chat.update');
    expect(JSON.stringify(update!.payload.blocks)).toContain(':lock: Guardrail tightened');
    expect(await refreshCard(ctx, 'rev_missing')).toBe(false);
  });

  it('builds the reject modal from the source lists and checks the submitted choices against them', async () => {
    const modal = await prepareRejectModal(ctx, { userId: REVIEWER, channelId: channel }, itemId, { channel, ts: '1730000000.000100' });
    expect(modal.status).toBe('ok');
    const view = modal.status === 'ok' ? modal.view : null;
    expect(JSON.parse(view!.private_metadata!)).toEqual({ itemId, channel, ts: '1730000000.000100' });
    expect(await checkRejectChoices(ctx, { itemId, reasonCategory: 'unsafe', dimension: 'tone' })).toBeNull();
    expect(await checkRejectChoices(ctx, { itemId, reasonCategory: 'nope', dimension: 'nope' })).toEqual({
      reject_reason: 'Choose one of the listed reasons.',
      reject_dimension: 'Choose one of the listed dimensions.',
    });
  });
});
