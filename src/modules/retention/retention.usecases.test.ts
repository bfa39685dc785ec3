import { describe, expect, it } from 'vitest';
import type { DbExecutor } from '../../platform/db.ts';
import { DAY_MS } from './retention.models.ts';
import { eraseEvents, purgeExpiredEvents, type RetentionDeps, type RetentionStores } from './retention.usecases.ts';

// The purge and the erasure over an in-memory stand-in of the stores: batches, the
// reviewed-events exception, and the yield between batches that lets ingest interleave.

interface FakeEvent {
  seq: number;
  source: string;
  receivedAt: number;
  reviewed: boolean;
  userId: string | null;
  erased: boolean;
}

function createFakeStores(events: FakeEvent[]) {
  const log = { transactions: 0, audits: [] as { action: string; details?: Record<string, unknown> }[] };
  const tx = {} as DbExecutor;
  const bySeqs = (seqs: readonly number[]) => events.filter((event) => seqs.includes(event.seq));
  const stores: RetentionStores = {
    transaction: (run) => {
      log.transactions++;
      return run(tx);
    },
    findUnerasedEventSeqs: async (_tx, filter) =>
      events
        .filter((e) => e.source === filter.source && !e.erased && 'userId' in filter.subject && e.userId === filter.subject.userId && e.seq > filter.afterSeq)
        .slice(0, filter.limit)
        .map((e) => e.seq),
    eraseEventTexts: async (_tx, seqs) => {
      for (const event of bySeqs(seqs)) event.erased = true;
    },
    eraseGraderResultTexts: async () => {},
    listItemIdsOfEvents: async (_tx, seqs) => bySeqs(seqs).filter((e) => e.reviewed).map((e) => `rev_${e.seq}`),
    eraseVerdictNotes: async () => {},
    eraseOutboxPayloadsNaming: async (_tx, ids) => ids.length,
    findEventsReceivedBefore: async (_tx, filter) =>
      events.filter((e) => e.source === filter.source && e.receivedAt < filter.before && e.seq > filter.afterSeq).slice(0, filter.limit),
    listReviewedEventSeqs: async (_tx, seqs) => new Set(bySeqs(seqs).filter((e) => e.reviewed).map((e) => e.seq)),
    deleteGradingRows: async () => {},
    deleteReviewRows: async (_tx, seqs) => bySeqs(seqs).filter((e) => e.reviewed).map((e) => `rev_${e.seq}`),
    deleteEventRows: async (_tx, seqs) => {
      const before = events.length;
      events.splice(0, events.length, ...events.filter((event) => !seqs.includes(event.seq)));
      return before - events.length;
    },
    appendAudit: async (_tx, entry) => {
      log.audits.push({ action: entry.action, details: entry.details });
    },
  };
  return { stores, log };
}

const NOW = Date.parse('2026-06-01T00:00:00Z');

function makeEvents(count: number, overrides: (index: number) => Partial<FakeEvent>): FakeEvent[] {
  return Array.from({ length: count }, (_, index) => ({ seq: index + 1, source: 's', receivedAt: NOW - 40 * DAY_MS, reviewed: false, userId: null, erased: false, ...overrides(index) }));
}

function deps(stores: RetentionStores, updated: string[] = []): RetentionDeps {
  return {
    stores,
    clock: { now: () => NOW },
    retentionOf: () => ({ events_days: 30, keep_reviewed_days: 90 }),
    updateErasedCards: async (ids) => {
      updated.push(...ids);
    },
    batchSize: 10,
  };
}

describe('purgeExpiredEvents', () => {
  it('deletes events past events_days but keeps reviewed ones until keep_reviewed_days, in batches', async () => {
    const events = makeEvents(35, (i) => ({ reviewed: i % 5 === 0, receivedAt: i < 30 ? NOW - 40 * DAY_MS : NOW - DAY_MS }));
    const { stores, log } = createFakeStores(events);
    const purged = await purgeExpiredEvents(deps(stores), 's', NOW);
    expect(purged).toEqual({ events: 24, review_items: 0 });
    expect(events.map((e) => e.seq)).toEqual([1, 6, 11, 16, 21, 26, 31, 32, 33, 34, 35]);
    // Three full batches, the empty fourth that ends the walk, and the audit entry.
    expect(log.transactions).toBe(4 + 1);
    expect(log.audits).toEqual([{ action: 'events.purged', details: expect.objectContaining({ events: 24 }) }]);
  });

  it('commits one batch, then yields to the event loop before the next, so ingest requests interleave', async () => {
    const { stores, log } = createFakeStores(makeEvents(50, () => ({})));
    const order: string[] = [];
    const transaction = stores.transaction;
    stores.transaction = (run) => {
      order.push('batch');
      return transaction(run);
    };
    const running = purgeExpiredEvents(deps(stores), 's', NOW);
    // Queued now, it runs at the first turn of the event loop: after the first batch only if the purge yields.
    setImmediate(() => order.push('ingest'));
    await running;
    expect(order.slice(0, 3)).toEqual(['batch', 'ingest', 'batch']);
    expect(log.transactions).toBe(5 + 1 + 1);
  });

  it('does nothing, and audits nothing, for a source without retention', async () => {
    const { stores, log } = createFakeStores(makeEvents(5, () => ({})));
    const purged = await purgeExpiredEvents({ ...deps(stores), retentionOf: () => ({}) }, 's', NOW);
    expect(purged).toEqual({ events: 0, review_items: 0 });
    expect(log.transactions).toBe(0);
  });
});

describe('eraseEvents', () => {
  it('erases every event of the user across batches, updates their cards and audits counts without the user id', async () => {
    const events = makeEvents(25, (i) => ({ userId: i % 2 === 0 ? 'u-1' : 'u-2', reviewed: i === 4 }));
    const { stores, log } = createFakeStores(events);
    const updated: string[] = [];
    const result = await eraseEvents(deps(stores, updated), { source: 's', subject: { userId: 'u-1' }, actor: 'cli:ops' });
    expect(result).toEqual({ events: 13, review_items: 1, outbox_rows: 1 });
    expect(events.filter((e) => e.erased).every((e) => e.userId === 'u-1')).toBe(true);
    expect(updated).toEqual(['rev_5']);
    expect(log.audits).toEqual([{ action: 'events.erased', details: { by: 'user_id', events: 13, review_items: 1, outbox_rows: 1 } }]);
  });
});
