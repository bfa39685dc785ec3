import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { reviewItemsTable } from './review.table.ts';
import { createReviewWorker, runReviewTasks } from './review.tasks.ts';
import { createTestReviewContext, insertEvent, parseReviewConfig, seedSource, type TestReviewContext } from './review-context.test-utils.ts';

describe('the review loop', () => {
  let database: TestDb;
  let ctx: TestReviewContext;
  beforeEach(async () => {
    database = await createTestDb((db) => seedSource(db));
    ctx = createTestReviewContext(database, { sources: { 'support-bot': parseReviewConfig({ sampling: { hourly_budget: 1 } }) } });
  });
  afterEach(() => database.close());

  it('samples, sends within the budget and counts the cards still in the outbox, in one pass', async () => {
    await insertEvent(database);
    await insertEvent(database);
    const result = await runReviewTasks(ctx, { sla: true });
    expect(result).toEqual({ sampled: 2, created: 2, sent: 1, expired: 0, reminded: 0, nextSlotAt: ctx.clock.now() + 3_600_000, cardsInFlight: 1 });
    expect(ctx.notified).toBe(1);
    expect(await database.db.select().from(outboxTable)).toHaveLength(1);
  });

  it('leaves queued items waiting and sends nothing while Slack is off', async () => {
    await insertEvent(database);
    expect(await runReviewTasks(ctx, { sla: false, sendCards: false })).toMatchObject({ created: 1, sent: 0, nextSlotAt: null });
    expect(await database.db.select({ state: reviewItemsTable.state }).from(reviewItemsTable)).toEqual([{ state: 'queued' }]);
  });

  it('processes events stored after start when notified, and stops cleanly', async () => {
    const worker = createReviewWorker(ctx, { pollMs: 60_000 });
    worker.start();
    await worker.runNow();
    await insertEvent(database);
    worker.notify();
    worker.notify();
    await worker.runNow();
    expect(await database.db.select().from(reviewItemsTable)).toHaveLength(1);
    await worker.stop();
    await insertEvent(database);
    worker.notify();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await database.db.select().from(reviewItemsTable)).toHaveLength(1);
  });
});
