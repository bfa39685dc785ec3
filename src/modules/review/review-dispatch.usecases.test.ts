import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { auditLogTable } from '../audit/audit.table.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { reviewItemsTable } from './review.table.ts';
import { asc, eq } from 'drizzle-orm';
import { dispatchQueuedItems, recordCardOutcomes } from './review-dispatch.usecases.ts';
import { sampleBatch } from './review-sampler.usecases.ts';
import { createTestReviewContext, insertEvent, parseReviewConfig, seedSource, TEST_START, type TestReviewContext } from './review-context.test-utils.ts';

describe('dispatchQueuedItems', () => {
  let database: TestDb;
  let ctx: TestReviewContext;
  beforeEach(async () => {
    database = await createTestDb((db) => seedSource(db));
    ctx = createTestReviewContext(database, { sources: { 'support-bot': parseReviewConfig({ admin_channel: 'C0ADMIN01', sampling: { hourly_budget: 2, ttl_hours: 1 } }) } });
  });
  afterEach(() => database.close());

  const items = () => database.db.select().from(reviewItemsTable).orderBy(asc(reviewItemsTable.seq));
  const outbox = () => database.db.select().from(outboxTable).orderBy(asc(outboxTable.seq));
  const queue = async (n: number, severity: 'warn' | 'critical' = 'warn') => {
    for (let i = 0; i < n; i++) await insertEvent(database, { appFlags: [{ name: 'tone', severity }] });
    await sampleBatch(ctx);
  };

  it('enqueues one card per item within the hourly budget, and keeps the rest queued with the next slot time', async () => {
    await queue(3);
    const result = await dispatchQueuedItems(ctx);
    expect(result).toMatchObject({ sent: 2, expired: [], nextSlotAt: TEST_START + 3_600_000, more: false });
    expect((await items()).map((item) => item.state)).toEqual(['in_review', 'in_review', 'queued']);
    const posts = await outbox();
    expect(posts.map((row) => [row.method, row.orderKey, row.purpose, row.dedupeKey])).toEqual([
      ['chat.postMessage', 'slack:C07REVQUEUE', null, `review.card:${(await items())[0]!.id}`],
      ['chat.postMessage', 'slack:C07REVQUEUE', null, `review.card:${(await items())[1]!.id}`],
    ]);
    expect(posts[0]!.payload).toMatchObject({ channel: 'C07REVQUEUE', link_names: false, unfurl_links: false });
    expect((await items())[0]!.cardOutboxId).toBe(posts[0]!.id);
    expect((await dispatchQueuedItems(ctx)).sent).toBe(0);
  });

  it('sends a critical item before older warn items when a slot opens', async () => {
    ctx = createTestReviewContext(database, { sources: { 'support-bot': parseReviewConfig({ sampling: { hourly_budget: 1, ttl_hours: 3 } }) } });
    await queue(2);
    await dispatchQueuedItems(ctx);
    ctx.clock.advance(60_000);
    await queue(1, 'critical');
    expect((await dispatchQueuedItems(ctx)).sent).toBe(0);
    ctx.clock.advance(3_600_000 - 60_000);
    await dispatchQueuedItems(ctx);
    expect((await items()).map((item) => [item.priority, item.state])).toEqual([
      ['warn', 'in_review'],
      ['warn', 'queued'],
      ['critical', 'in_review'],
    ]);
  });

  it('sends nothing while Slack is off, but still expires what waits too long', async () => {
    await queue(2);
    expect(await dispatchQueuedItems(ctx, { send: false })).toMatchObject({ sent: 0, expired: [], nextSlotAt: null });
    expect(await outbox()).toEqual([]);
    ctx.clock.advance(3_600_000);
    expect((await dispatchQueuedItems(ctx, { send: false })).expired).toHaveLength(2);
  });

  it('expires items past their TTL, with an audit row and a metric', async () => {
    await queue(3);
    await dispatchQueuedItems(ctx);
    ctx.clock.advance(3_600_000);
    const result = await dispatchQueuedItems(ctx);
    expect(result.expired.map((item) => item.state)).toEqual(['expired']);
    expect(await database.db.select({ action: auditLogTable.action, subjectId: auditLogTable.subjectId }).from(auditLogTable)).toEqual([
      { action: 'review_item.expired', subjectId: (await items())[2]!.id },
    ]);
    expect(await ctx.registry.metrics()).toMatch(/vigil_review_items_expired_total\{source="support-bot"\} 1/);
  });

  it('reads back where cards landed, and reports a refused card once to the admin channel', async () => {
    ctx = createTestReviewContext(database, { sources: { 'support-bot': parseReviewConfig({ admin_channel: 'C0ADMIN01', sampling: { hourly_budget: 3 } }) } });
    await queue(3);
    await dispatchQueuedItems(ctx);
    const third = (await items())[2]!;
    const [first, second] = await items();
    const settle = async (outboxId: string, values: Partial<typeof outboxTable.$inferInsert>) => {
      await database.db.update(outboxTable).set(values).where(eq(outboxTable.id, outboxId));
    };
    await settle(first!.cardOutboxId!, { status: 'delivered', response: { channel: 'C07REVQUEUE', ts: '1730000000.000100' } });
    await settle(second!.cardOutboxId!, { status: 'failed', lastError: 'not_in_channel' });
    expect(await recordCardOutcomes(ctx)).toEqual({ posted: 1, failed: 1, inFlight: 1 });
    expect((await items()).map((item) => [item.cardChannel, item.cardTs, item.cardError])).toEqual([
      ['C07REVQUEUE', '1730000000.000100', null],
      [null, null, 'not_in_channel'],
      [null, null, null],
    ]);
    expect(await recordCardOutcomes(ctx)).toEqual({ posted: 0, failed: 0, inFlight: 1 });
    await settle(third.cardOutboxId!, { status: 'failed', lastError: 'not_in_channel' });
    await recordCardOutcomes(ctx);
    const reports = (await outbox()).filter((row) => row.payload.channel === 'C0ADMIN01');
    expect(reports).toHaveLength(1);
    expect(String(reports[0]!.payload.text)).toContain('Slack says `not_in_channel`');
    expect(await ctx.registry.metrics()).toMatch(/vigil_review_card_errors_total\{source="support-bot",code="not_in_channel"\} 2/);
  });
});
