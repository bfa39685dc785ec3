import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl, createTestDb, testStore, type TestDb } from '../../platform/db.test-utils.ts';
import { openDatabase, runMigrations } from '../../platform/db.ts';
import { createTempDir } from '../../../test/helpers/temp-dir.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import type { BoostCandidate } from '../monitoring/boosts.models.ts';
import { buildReviewCardMessage } from './review.blocks.ts';
import { renderCard } from './review-card.usecases.ts';
import { createReviewRepository } from './review.repository.ts';
import { reviewDuplicatesTable, reviewItemsTable } from './review.table.ts';
import { sampleBatch } from './review-sampler.usecases.ts';
import { createTestReviewContext, insertEvent, insertGraderResult, parseReviewConfig, seedSource, TEST_START } from './review-context.test-utils.ts';

/** Two connections to one migrated database, as two Vigil processes have: a SQLite file, or a PostgreSQL database. */
async function openSharedDatabase(): Promise<{ url: string; remove(): Promise<void> }> {
  if (testStore() === 'postgres') {
    const created = await createTestDatabaseUrl();
    return { url: created.url, remove: created.drop };
  }
  const dir = createTempDir();
  const url = `${dir.path}/vigil.db`;
  const migrated = openDatabase({ url });
  await runMigrations(migrated);
  await migrated.close();
  return { url, remove: async () => dir.remove() };
}

describe('sampleBatch', async () => {
  let database: TestDb;
  beforeEach(async () => {
    database = await createTestDb((db) => seedSource(db));
  });
  afterEach(() => database.close());

  const items = () => database.db.select().from(reviewItemsTable).orderBy(asc(reviewItemsTable.seq));
  const reviewStatus = async (seq: number) => (await database.db.select({ s: eventsTable.reviewStatus }).from(eventsTable).where(eq(eventsTable.seq, seq)))[0]?.s;

  it('queues a flagged event with its reasons and inclusion probability, and marks every sampled event done', async () => {
    const ctx = createTestReviewContext(database);
    const flagged = await insertEvent(database, { appFlags: [{ name: 'leak', severity: 'critical' }] });
    const quiet = await insertEvent(database, { appFlags: null });
    const result = await sampleBatch(ctx);
    expect(result.processed).toBe(2);
    expect(await items()).toEqual([
      expect.objectContaining({
        eventSeq: flagged,
        channel: 'C07REVQUEUE',
        state: 'queued',
        priority: 'critical',
        inclusionProbability: 1,
        requiredVerdicts: 2,
        reasons: [expect.objectContaining({ code: 'flag', detail: 'leak flag (critical)', probability: 1 })],
      }),
    ]);
    expect([await reviewStatus(flagged), await reviewStatus(quiet)]).toEqual(['done', 'done']);
    expect((await sampleBatch(ctx)).processed).toBe(0);
  });

  it('leaves events still being graded for later', async () => {
    const ctx = createTestReviewContext(database);
    const grading = await insertEvent(database, { checksStatus: 'grading' });
    expect((await sampleBatch(ctx)).processed).toBe(0);
    expect(await reviewStatus(grading)).toBe('pending');
  });

  it('samples scores near a grader threshold at the band rate and records that probability', async () => {
    const sources = { 'support-bot': parseReviewConfig({ sampling: { uncertainty_band: { width: 0.1, rate: 1 } } }) };
    const ctx = createTestReviewContext(database, { sources, threshold: 0.7 });
    const seq = await insertEvent(database, { appFlags: null });
    await insertGraderResult(database, seq, 'tone', 0.65);
    await sampleBatch(ctx);
    expect((await items())[0]).toMatchObject({ priority: 'info', reasons: [expect.objectContaining({ code: 'uncertainty', check: 'tone', probability: 1 })] });
  });

  it('routes an item to every matching channel, once per channel', async () => {
    const sources = {
      'support-bot': parseReviewConfig({ sampling: { routes: [{ channel: 'CTRUST', flags: ['leak'] }, { channel: 'CBRAND', reasons: ['flag'] }] } }),
    };
    const ctx = createTestReviewContext(database, { sources });
    await insertEvent(database, { appFlags: [{ name: 'leak', severity: 'warn' }] });
    await sampleBatch(ctx);
    expect((await items()).map((item) => item.channel)).toEqual(['CTRUST', 'CBRAND']);
  });

  it('attaches an identical output picked within the dedupe window to the earlier item instead of queueing it', async () => {
    const ctx = createTestReviewContext(database);
    await insertEvent(database, { output: 'same words' });
    await sampleBatch(ctx);
    ctx.clock.advance(10 * 60_000);
    const duplicate = await insertEvent(database, { output: 'same words' });
    await sampleBatch(ctx);
    expect(await items()).toHaveLength(1);
    expect((await items())[0]!.seenCount).toBe(2);
    expect(await database.db.select().from(reviewDuplicatesTable)).toEqual([
      { eventSeq: duplicate, itemId: (await items())[0]!.id, inclusionProbability: 1, createdAt: TEST_START + 10 * 60_000 },
    ]);
    ctx.clock.advance(60 * 60_000);
    await insertEvent(database, { output: 'same words' });
    await sampleBatch(ctx);
    expect(await items()).toHaveLength(2);
  });

  it('marks events of a source without a review channel done without queueing them', async () => {
    const ctx = createTestReviewContext(database, { sources: { 'support-bot': parseReviewConfig({ channel: undefined }) } });
    const seq = await insertEvent(database);
    await sampleBatch(ctx);
    expect(await items()).toEqual([]);
    expect(await reviewStatus(seq)).toBe('done');
  });

  it('boosts a release during its first hours, from the first sighting on', async () => {
    const sources = { 'support-bot': parseReviewConfig({ sampling: { release_boost: { hours: 2, rate: 1 } } }) };
    const ctx = createTestReviewContext(database, { sources });
    await insertEvent(database, { appFlags: null, release: 'r9', modelVersion: null, occurredAt: TEST_START });
    await insertEvent(database, { appFlags: null, release: 'r9', modelVersion: null, occurredAt: TEST_START + 3 * 3_600_000 });
    await sampleBatch(ctx);
    expect((await items()).map((item) => item.reasons.map((reason) => reason.code))).toEqual([['release_boost']]);
  });

  it('asks two reviewers of every item when the overlap share is 1', async () => {
    const ctx = createTestReviewContext(database, { overlapShare: 1 });
    for (let i = 0; i < 5; i++) await insertEvent(database);
    await insertEvent(database, { appFlags: [{ name: 'leak', severity: 'critical' }] });
    await sampleBatch(ctx);
    expect((await items()).map((item) => item.requiredVerdicts)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('draws the overlap once per event, so its items in every channel ask for the same reviewers', async () => {
    const sources = { 'support-bot': parseReviewConfig({ sampling: { routes: [{ channel: 'CTRUST', reasons: ['flag'] }, { channel: 'CBRAND', reasons: ['flag'] }] } }) };
    const ctx = createTestReviewContext(database, { sources, overlapShare: 0.5 });
    for (let i = 0; i < 12; i++) await insertEvent(database);
    await sampleBatch(ctx);
    const byEvent = new Map<number, number[]>();
    for (const item of await items()) byEvent.set(item.eventSeq, [...(byEvent.get(item.eventSeq) ?? []), item.requiredVerdicts]);
    expect([...byEvent.values()].every(([first, second]) => first === second)).toBe(true);
    expect(byEvent.size).toBe(12);
    expect(new Set((await items()).map((item) => item.requiredVerdicts))).toEqual(new Set([1, 2]));
  });

  it('keeps the configured reviewers per item when the overlap share is 0', async () => {
    const ctx = createTestReviewContext(database, { overlapShare: 0 });
    for (let i = 0; i < 5; i++) await insertEvent(database);
    await insertEvent(database, { appFlags: [{ name: 'leak', severity: 'critical' }] });
    await sampleBatch(ctx);
    expect((await items()).map((item) => item.requiredVerdicts)).toEqual([1, 1, 1, 1, 1, 2]);
  });

  it('adds a drift boost as a reason with its rate in the inclusion probability, and says so on the card', async () => {
    const asked: BoostCandidate[] = [];
    const boostFor = (source: string, candidate: BoostCandidate, now: number) => {
      asked.push(candidate);
      return source === 'support-bot' && now === TEST_START ? { id: 4, slice: 'prompt_version:p7', rate: 0.3, metric: 'output_length' } : null;
    };
    const ctx = createTestReviewContext(database, { hooks: { boostFor } });
    for (let i = 0; i < 20; i++) await insertEvent(database, { appFlags: null, promptVersion: 'p7' });
    await sampleBatch(ctx);
    expect(asked).toHaveLength(20);
    expect(asked[0]).toMatchObject({ promptVersion: 'p7', modelVersion: '2024-07-18', output: expect.stringMatching(/^Your refund was sent \(\d+\)\.$/) });
    const picked = await items();
    expect(picked.length).toBeGreaterThan(0);
    expect(picked.length).toBeLessThan(20);
    for (const item of picked) {
      expect(item).toMatchObject({ inclusionProbability: 0.3, reasons: [{ code: 'drift_boost', detail: 'output_length drift, rate 30%', probability: 0.3 }] });
    }
    const card = buildReviewCardMessage(await renderCard(ctx, ctx.repository, picked[0]!));
    expect(JSON.stringify(card.blocks)).toContain('*Why you are seeing this:* Output length has drifted, so Vigil checks more answers for now.');
    expect(card.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Drift check: a support-bot answer to check' } });
  });

  it('gives a boost no reason on an event a flag already picks', async () => {
    const ctx = createTestReviewContext(database, { hooks: { boostFor: () => ({ id: 4, slice: 'all', rate: 0.3, metric: 'output_length' }) } });
    await insertEvent(database, { appFlags: [{ name: 'leak', severity: 'critical' }] });
    await sampleBatch(ctx);
    expect((await items())[0]).toMatchObject({ inclusionProbability: 1, reasons: [expect.objectContaining({ code: 'flag' })] });
  });

  it('never queues an event twice, also when two processes sample the same database', async () => {
    const shared = await openSharedDatabase();
    const first = openDatabase({ url: shared.url });
    const second = openDatabase({ url: shared.url });
    try {
      await seedSource(first);
      await insertEvent(first);
      await insertEvent(first);
      const a = createTestReviewContext(first);
      const b = createTestReviewContext(second);
      expect((await sampleBatch(a)).created).toHaveLength(2);
      expect((await sampleBatch(b)).created).toHaveLength(0);
      const repository = createReviewRepository({ db: second.db });
      const [existing] = await first.db.select().from(reviewItemsTable).orderBy(asc(reviewItemsTable.seq)).limit(1);
      const { id: _id, seq: _seq, ...copy } = existing!;
      expect(await repository.transaction((tx) => tx.insertItem(copy))).toBeUndefined();
      expect(await second.db.select().from(reviewItemsTable)).toHaveLength(2);
    } finally {
      await first.close();
      await second.close();
      await shared.remove();
    }
  });
});
