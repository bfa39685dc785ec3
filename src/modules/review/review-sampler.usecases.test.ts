import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
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

describe('sampleBatch', () => {
  let database: TestDb;
  beforeEach(() => {
    database = createTestDb((db) => seedSource(db));
  });
  afterEach(() => database.close());

  const items = () => database.db.select().from(reviewItemsTable).all();
  const reviewStatus = (seq: number) => database.db.select({ s: eventsTable.reviewStatus }).from(eventsTable).where(eq(eventsTable.seq, seq)).get()?.s;

  it('queues a flagged event with its reasons and inclusion probability, and marks every sampled event done', () => {
    const ctx = createTestReviewContext(database);
    const flagged = insertEvent(database, { appFlags: [{ name: 'leak', severity: 'critical' }] });
    const quiet = insertEvent(database, { appFlags: null });
    const result = sampleBatch(ctx);
    expect(result.processed).toBe(2);
    expect(items()).toEqual([
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
    expect([reviewStatus(flagged), reviewStatus(quiet)]).toEqual(['done', 'done']);
    expect(sampleBatch(ctx).processed).toBe(0);
  });

  it('leaves events still being graded for later', () => {
    const ctx = createTestReviewContext(database);
    const grading = insertEvent(database, { checksStatus: 'grading' });
    expect(sampleBatch(ctx).processed).toBe(0);
    expect(reviewStatus(grading)).toBe('pending');
  });

  it('samples scores near a grader threshold at the band rate and records that probability', () => {
    const sources = { 'support-bot': parseReviewConfig({ sampling: { uncertainty_band: { width: 0.1, rate: 1 } } }) };
    const ctx = createTestReviewContext(database, { sources, threshold: 0.7 });
    const seq = insertEvent(database, { appFlags: null });
    insertGraderResult(database, seq, 'tone', 0.65);
    sampleBatch(ctx);
    expect(items()[0]).toMatchObject({ priority: 'info', reasons: [expect.objectContaining({ code: 'uncertainty', check: 'tone', probability: 1 })] });
  });

  it('routes an item to every matching channel, once per channel', () => {
    const sources = {
      'support-bot': parseReviewConfig({ sampling: { routes: [{ channel: 'CTRUST', flags: ['leak'] }, { channel: 'CBRAND', reasons: ['flag'] }] } }),
    };
    const ctx = createTestReviewContext(database, { sources });
    insertEvent(database, { appFlags: [{ name: 'leak', severity: 'warn' }] });
    sampleBatch(ctx);
    expect(items().map((item) => item.channel)).toEqual(['CTRUST', 'CBRAND']);
  });

  it('attaches an identical output picked within the dedupe window to the earlier item instead of queueing it', () => {
    const ctx = createTestReviewContext(database);
    insertEvent(database, { output: 'same words' });
    sampleBatch(ctx);
    ctx.clock.advance(10 * 60_000);
    const duplicate = insertEvent(database, { output: 'same words' });
    sampleBatch(ctx);
    expect(items()).toHaveLength(1);
    expect(items()[0]!.seenCount).toBe(2);
    expect(database.db.select().from(reviewDuplicatesTable).all()).toEqual([
      { eventSeq: duplicate, itemId: items()[0]!.id, inclusionProbability: 1, createdAt: TEST_START + 10 * 60_000 },
    ]);
    ctx.clock.advance(60 * 60_000);
    insertEvent(database, { output: 'same words' });
    sampleBatch(ctx);
    expect(items()).toHaveLength(2);
  });

  it('marks events of a source without a review channel done without queueing them', () => {
    const ctx = createTestReviewContext(database, { sources: { 'support-bot': parseReviewConfig({ channel: undefined }) } });
    const seq = insertEvent(database);
    sampleBatch(ctx);
    expect(items()).toEqual([]);
    expect(reviewStatus(seq)).toBe('done');
  });

  it('boosts a release during its first hours, from the first sighting on', () => {
    const sources = { 'support-bot': parseReviewConfig({ sampling: { release_boost: { hours: 2, rate: 1 } } }) };
    const ctx = createTestReviewContext(database, { sources });
    insertEvent(database, { appFlags: null, release: 'r9', modelVersion: null, occurredAt: TEST_START });
    insertEvent(database, { appFlags: null, release: 'r9', modelVersion: null, occurredAt: TEST_START + 3 * 3_600_000 });
    sampleBatch(ctx);
    expect(items().map((item) => item.reasons.map((reason) => reason.code))).toEqual([['release_boost']]);
  });

  it('asks two reviewers of every item when the overlap share is 1', () => {
    const ctx = createTestReviewContext(database, { overlapShare: 1 });
    for (let i = 0; i < 5; i++) insertEvent(database);
    insertEvent(database, { appFlags: [{ name: 'leak', severity: 'critical' }] });
    sampleBatch(ctx);
    expect(items().map((item) => item.requiredVerdicts)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('draws the overlap once per event, so its items in every channel ask for the same reviewers', () => {
    const sources = { 'support-bot': parseReviewConfig({ sampling: { routes: [{ channel: 'CTRUST', reasons: ['flag'] }, { channel: 'CBRAND', reasons: ['flag'] }] } }) };
    const ctx = createTestReviewContext(database, { sources, overlapShare: 0.5 });
    for (let i = 0; i < 12; i++) insertEvent(database);
    sampleBatch(ctx);
    const byEvent = new Map<number, number[]>();
    for (const item of items()) byEvent.set(item.eventSeq, [...(byEvent.get(item.eventSeq) ?? []), item.requiredVerdicts]);
    expect([...byEvent.values()].every(([first, second]) => first === second)).toBe(true);
    expect(byEvent.size).toBe(12);
    expect(new Set(items().map((item) => item.requiredVerdicts))).toEqual(new Set([1, 2]));
  });

  it('keeps the configured reviewers per item when the overlap share is 0', () => {
    const ctx = createTestReviewContext(database, { overlapShare: 0 });
    for (let i = 0; i < 5; i++) insertEvent(database);
    insertEvent(database, { appFlags: [{ name: 'leak', severity: 'critical' }] });
    sampleBatch(ctx);
    expect(items().map((item) => item.requiredVerdicts)).toEqual([1, 1, 1, 1, 1, 2]);
  });

  it('adds a drift boost as a reason with its rate in the inclusion probability, and says so on the card', () => {
    const asked: BoostCandidate[] = [];
    const boostFor = (source: string, candidate: BoostCandidate, now: number) => {
      asked.push(candidate);
      return source === 'support-bot' && now === TEST_START ? { id: 4, slice: 'prompt_version:p7', rate: 0.3, metric: 'output_length' } : null;
    };
    const ctx = createTestReviewContext(database, { hooks: { boostFor } });
    for (let i = 0; i < 20; i++) insertEvent(database, { appFlags: null, promptVersion: 'p7' });
    sampleBatch(ctx);
    expect(asked).toHaveLength(20);
    expect(asked[0]).toMatchObject({ promptVersion: 'p7', modelVersion: '2024-07-18', output: expect.stringMatching(/^Your refund was sent \(\d+\)\.$/) });
    const picked = items();
    expect(picked.length).toBeGreaterThan(0);
    expect(picked.length).toBeLessThan(20);
    for (const item of picked) {
      expect(item).toMatchObject({ inclusionProbability: 0.3, reasons: [{ code: 'drift_boost', detail: 'output_length drift, rate 30%', probability: 0.3 }] });
    }
    const card = buildReviewCardMessage(renderCard(ctx, ctx.repository, picked[0]!));
    expect(JSON.stringify(card.blocks)).toContain('*Why chosen:* drift_boost: output_length drift, rate 30%');
  });

  it('gives a boost no reason on an event a flag already picks', () => {
    const ctx = createTestReviewContext(database, { hooks: { boostFor: () => ({ id: 4, slice: 'all', rate: 0.3, metric: 'output_length' }) } });
    insertEvent(database, { appFlags: [{ name: 'leak', severity: 'critical' }] });
    sampleBatch(ctx);
    expect(items()[0]).toMatchObject({ inclusionProbability: 1, reasons: [expect.objectContaining({ code: 'flag' })] });
  });

  it('never queues an event twice, also when two processes sample the same file', () => {
    const dir = createTempDir();
    const url = `${dir.path}/vigil.db`;
    const first = openDatabase({ url });
    runMigrations(first.sqlite);
    const second = openDatabase({ url });
    try {
      seedSource(first);
      insertEvent(first);
      insertEvent(first);
      const a = createTestReviewContext(first);
      const b = createTestReviewContext(second);
      expect(sampleBatch(a).created).toHaveLength(2);
      expect(sampleBatch(b).created).toHaveLength(0);
      const repository = createReviewRepository({ db: second.db });
      const existing = first.db.select().from(reviewItemsTable).all()[0]!;
      const { id: _id, seq: _seq, ...copy } = existing;
      expect(repository.transaction((tx) => tx.insertItem(copy))).toBeUndefined();
      expect(second.db.select().from(reviewItemsTable).all()).toHaveLength(2);
    } finally {
      first.close();
      second.close();
      dir.remove();
    }
  });
});
