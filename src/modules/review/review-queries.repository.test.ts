import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createReviewQueriesRepository } from './review-queries.repository.ts';
import { insertEvent, insertReviewItem, seedSource, TEST_START } from './review-context.test-utils.ts';

describe('countRejectedCritical', () => {
  let database: TestDb;
  beforeEach(async () => {
    database = await createTestDb(async (db) => {
      await seedSource(db);
      await seedSource(db, 'sales-bot');
    });
  });
  afterEach(() => database.close());

  const HOUR = 3_600_000;
  const rejectedCritical = { state: 'final', outcome: 'rejected', priority: 'critical', finalAt: TEST_START + 5 * HOUR } as const;
  const count = (source: string, release: string, since: number) => createReviewQueriesRepository({ db: database.db }).countRejectedCritical(source, release, since);

  it('counts finally rejected critical items of the release whose event occurred since the given time', async () => {
    const since = TEST_START;
    await insertReviewItem(database, await insertEvent(database, { release: 'r2', occurredAt: since }), rejectedCritical);
    await insertReviewItem(database, await insertEvent(database, { release: 'r2', occurredAt: since + 2 * HOUR }), rejectedCritical);
    // Each of these misses one condition.
    await insertReviewItem(database, await insertEvent(database, { release: 'r2', occurredAt: since - 1 }), rejectedCritical);
    await insertReviewItem(database, await insertEvent(database, { release: 'r1', occurredAt: since + HOUR }), rejectedCritical);
    await insertReviewItem(database, await insertEvent(database, { release: 'r2', occurredAt: since + HOUR }), { ...rejectedCritical, priority: 'warn' });
    await insertReviewItem(database, await insertEvent(database, { release: 'r2', occurredAt: since + HOUR }), { ...rejectedCritical, outcome: 'approved' });
    await insertReviewItem(database, await insertEvent(database, { release: 'r2', occurredAt: since + HOUR }), { state: 'needs_adjudication', priority: 'critical' });
    await insertReviewItem(database, await insertEvent(database, { release: 'r2', occurredAt: since + HOUR, origin: 'gold' }), rejectedCritical);
    await insertReviewItem(database, await insertEvent(database, { source: 'sales-bot', release: 'r2', occurredAt: since + HOUR }), { ...rejectedCritical, source: 'sales-bot' });
    expect(await count('support-bot', 'r2', since)).toBe(2);
    expect(await count('support-bot', 'r2', since + HOUR)).toBe(1);
    expect(await count('sales-bot', 'r2', since)).toBe(1);
    expect(await count('support-bot', 'r3', since)).toBe(0);
  });

  it('counts an event routed to two channels and rejected in both once', async () => {
    const seq = await insertEvent(database, { release: 'r2' });
    await insertReviewItem(database, seq, { ...rejectedCritical, channel: 'CTRUST' });
    await insertReviewItem(database, seq, { ...rejectedCritical, channel: 'CBRAND' });
    expect(await count('support-bot', 'r2', TEST_START)).toBe(1);
  });
});
