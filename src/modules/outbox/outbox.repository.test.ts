import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, testStore, type TestDb } from '../../platform/db.test-utils.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createOutboxRepository, enqueueOutboxMessage, type ClaimOptions } from './outbox.repository.ts';
import type { OutboxMessageInput } from './outbox.models.ts';
import { outboxTable } from './outbox.table.ts';

const START = Date.parse('2026-11-25T09:00:00Z');
const post = (channel: string, text: string, extra: Partial<OutboxMessageInput> = {}): OutboxMessageInput =>
  ({ kind: 'slack', method: 'chat.postMessage', payload: { channel, text }, ...extra }) as OutboxMessageInput;

describe('createOutboxRepository', () => {
  let database: TestDb;
  let clock: ReturnType<typeof createFakeClock>;
  let outbox: ReturnType<typeof createOutboxRepository>;
  const claim = (options: Partial<ClaimOptions> = {}) => outbox.claim({ owner: 'worker-a', limit: 10, leaseMs: 30_000, kinds: ['slack', 'webhook'], ...options });
  const texts = (rows: Array<{ payload: Record<string, unknown> }>) => rows.map((row) => row.payload.text);

  beforeEach(async () => {
    database = await createTestDb();
    clock = createFakeClock(START);
    outbox = createOutboxRepository({ db: database.db, clock });
  });
  afterEach(() => database.close());

  it('stores a pending message keyed by its channel, due now', async () => {
    const { id, created } = await outbox.enqueue(post('C1', 'first', { purpose: 'review.card_posted', purposeRef: 'itm_1' }));
    expect(id).toMatch(/^obx_/);
    expect(created).toBe(true);
    expect(await outbox.findById(id)).toMatchObject({
      kind: 'slack',
      orderKey: 'slack:C1',
      method: 'chat.postMessage',
      payload: { channel: 'C1', text: 'first' },
      status: 'pending',
      attempts: 0,
      nextAttemptAt: START,
      createdAt: START,
      purpose: 'review.card_posted',
      purposeRef: 'itm_1',
    });
  });

  it('adds nothing for a dedupe key it already holds and returns the first id', async () => {
    const first = await outbox.enqueue(post('C1', 'card', { dedupeKey: 'card:itm_1' }));
    const again = await outbox.enqueue(post('C1', 'card again', { dedupeKey: 'card:itm_1' }));
    expect(again).toEqual({ id: first.id, created: false });
    expect(await database.db.select().from(outboxTable)).toHaveLength(1);
  });

  it('commits or rolls back with the caller’s transaction', async () => {
    await database.db.transaction((tx) => enqueueOutboxMessage(tx, post('C1', 'kept'), START));
    await expect(
      database.db.transaction(async (tx) => {
        await enqueueOutboxMessage(tx, post('C1', 'rolled back'), START);
        throw new Error('domain change refused');
      }),
    ).rejects.toThrow('domain change refused');
    expect(texts(await database.db.select().from(outboxTable))).toEqual(['kept']);
  });

  it('refuses a webhook without an order key and a non-http URL', async () => {
    await expect(outbox.enqueue({ kind: 'webhook', orderKey: '', payload: { url: 'https://app.example/hook', body: {} } })).rejects.toThrow('order key');
    await expect(outbox.enqueue({ kind: 'webhook', orderKey: 'webhook:s', payload: { url: 'file:///etc/passwd', body: {} } })).rejects.toThrow('http(s)');
  });

  it('claims only the oldest open message of each order key', async () => {
    await outbox.enqueue(post('C1', 'c1-first'));
    await outbox.enqueue(post('C1', 'c1-second'));
    await outbox.enqueue(post('C2', 'c2-first'));
    const first = await claim();
    expect(texts(first)).toEqual(['c1-first', 'c2-first']);
    expect(first.every((row) => row.status === 'in_flight' && row.attempts === 1 && row.leaseOwner === 'worker-a')).toBe(true);
    expect(await claim()).toEqual([]);

    await outbox.complete(first[0]!.id, 'worker-a', { channel: 'C1', ts: '1.1' });
    expect(texts(await claim())).toEqual(['c1-second']);
  });

  it('holds an order key while its head waits for a retry, and frees it once the head failed', async () => {
    const { id } = await outbox.enqueue(post('C1', 'head'));
    await outbox.enqueue(post('C1', 'behind'));
    await claim();
    await outbox.reschedule(id, 'worker-a', { nextAttemptAt: START + 5000, error: 'http_500' });
    expect(await claim()).toEqual([]);
    expect(await outbox.readNextDueAt({ kinds: ['slack'] })).toBe(START + 5000);

    clock.advance(5000);
    const [retried] = await claim();
    expect(retried).toMatchObject({ id, attempts: 2, lastError: 'http_500' });
    await outbox.fail(id, 'worker-a', 'channel_not_found');
    expect(texts(await claim())).toEqual(['behind']);
  });

  it('gives an expired lease to another worker and ignores the first worker’s late result', async () => {
    const { id } = await outbox.enqueue(post('C1', 'card'));
    await claim({ owner: 'worker-a', leaseMs: 1000 });
    expect(await claim({ owner: 'worker-b' })).toEqual([]);
    expect(await outbox.readNextDueAt({ kinds: ['slack'] })).toBe(START + 1000);

    clock.advance(1000);
    const [taken] = await claim({ owner: 'worker-b' });
    expect(taken).toMatchObject({ id, leaseOwner: 'worker-b', attempts: 2 });
    expect(await outbox.complete(id, 'worker-a', { ts: 'late' })).toBe(false);
    expect(await outbox.complete(id, 'worker-b', { ts: '1.2' })).toBe(true);
    expect(await outbox.findById(id)).toMatchObject({ status: 'delivered', response: { ts: '1.2' }, deliveredAt: START + 1000, leaseOwner: null });
  });

  it('claims only the requested kinds and skips paused methods, with their order keys', async () => {
    await outbox.enqueue({ kind: 'webhook', orderKey: 'webhook:support-bot', payload: { url: 'https://app.example/hook', body: { n: 1 } } });
    await outbox.enqueue({ kind: 'slack', method: 'chat.update', payload: { channel: 'C1', ts: '1.1', text: 'update' } });
    await outbox.enqueue(post('C1', 'after the update'));
    await outbox.enqueue(post('C2', 'other channel'));
    expect((await claim({ kinds: ['webhook'] })).map((row) => row.method)).toEqual(['POST']);
    expect(texts(await claim({ kinds: ['slack'], excludeMethods: ['chat.update'] }))).toEqual(['other channel']);
  });

  it('does not count messages behind a busy head as due', async () => {
    await outbox.enqueue(post('C1', 'head'));
    clock.advance(10);
    await outbox.enqueue(post('C1', 'behind'));
    await claim({ leaseMs: 60_000 });
    expect(await outbox.readNextDueAt({ kinds: ['slack'] })).toBe(START + 10 + 60_000);
    expect(await outbox.readNextDueAt({ kinds: ['webhook'] })).toBeNull();
  });

  it('counts undelivered messages per kind with the oldest creation time', async () => {
    await outbox.enqueue(post('C1', 'a'));
    clock.advance(1000);
    await outbox.enqueue(post('C2', 'b'));
    await outbox.enqueue({ kind: 'webhook', orderKey: 'webhook:s', payload: { url: 'https://app.example/hook', body: {} } });
    const [first] = await claim({ kinds: ['slack'], limit: 1 });
    await outbox.complete(first!.id, 'worker-a', {});
    expect(await outbox.readQueueStats()).toEqual(
      expect.arrayContaining([
        { kind: 'slack', open: 1, oldestCreatedAt: START + 1000 },
        { kind: 'webhook', open: 1, oldestCreatedAt: START + 1000 },
      ]),
    );
  });

  it('lists finished messages whose hooks have not run, and prunes old hooked ones', async () => {
    const card = await outbox.enqueue(post('C1', 'card', { purpose: 'review.card_posted', purposeRef: 'itm_1' }));
    const plain = await outbox.enqueue(post('C2', 'no purpose'));
    await claim();
    await outbox.complete(card.id, 'worker-a', { ts: '1.1' });
    await outbox.complete(plain.id, 'worker-a', { ts: '1.2' });
    expect(await outbox.listUnhooked({ finishedBefore: START - 1, limit: 10 })).toEqual([]);
    expect((await outbox.listUnhooked({ finishedBefore: START, limit: 10 })).map((row) => row.id)).toEqual([card.id]);
    expect((await outbox.listByPurpose('review.card_posted', 'itm_1')).map((row) => row.status)).toEqual(['delivered']);

    clock.advance(10_000);
    expect(await outbox.prune({ finishedBefore: START + 5000 })).toBe(1);
    await outbox.markHooked(card.id);
    expect(await outbox.listUnhooked({ finishedBefore: clock.now(), limit: 10 })).toEqual([]);
    expect(await outbox.prune({ finishedBefore: START + 5000 })).toBe(1);
    expect(await outbox.findById(card.id)).toBeUndefined();
  });

  // SQLite only: the literal `in ('pending', 'in_flight')` is there for SQLite's partial-index
  // matching, and its query plan is what this reads; PostgreSQL's planner chooses by statistics.
  it.runIf(testStore() === 'sqlite')('on SQLite, checks the head of an order key on the index of open messages, not the delivered history', async () => {
    if (database.dialect !== 'sqlite') throw new Error('a SQLite test');
    const { sqlite } = database;
    const statements: string[] = [];
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => (statements.push(source), prepare(source))) as typeof sqlite.prepare;
    await claim();
    await outbox.readNextDueAt({ kinds: ['slack'] });
    const headChecks = statements.filter((source) => source.includes('not exists'));
    expect(headChecks).toHaveLength(2);
    for (const source of headChecks) {
      const nulls = Array.from({ length: source.match(/\?/g)?.length ?? 0 }, () => null);
      const plan = prepare(`EXPLAIN QUERY PLAN ${source}`).all(...nulls) as Array<{ detail: string }>;
      expect(plan.map((step) => step.detail)).toContainEqual(expect.stringMatching(/^SEARCH earlier USING (COVERING )?INDEX outbox_open_idx \(order_key=\? AND seq<\?\)$/));
    }
  });
});
