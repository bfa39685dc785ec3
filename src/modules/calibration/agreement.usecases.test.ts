import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createSeededRandom } from '../../shared/random.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { createReviewRepository } from '../review/review.repository.ts';
import { reviewItemsTable } from '../review/review.table.ts';
import { reviewVerdictsTable } from '../review/verdicts.table.ts';
import { agreementWithConsensus, cohensKappa, goldAccuracy, krippendorffAlpha, weightedKappa } from './agreement.models.ts';
import { describeReviewerStanding } from './agreement-report.models.ts';
import { createAgreementRepository } from './agreement.repository.ts';
import { computeReviewerAgreement, mixGoldItems, type GoldMixContext } from './agreement.usecases.ts';
import { createCalibrationRepository } from './calibration.repository.ts';
import { calibrationGoldItemsTable } from './calibration.table.ts';
import { seedCalibrationSource, seedLabelledItem, SEED_START, type SeedVerdict } from './calibration.test-utils.ts';

const DAY = 86_400_000;
const [A, B, C] = ['U0ALICE001', 'U0BOB00001', 'U0CAROL001'];

/** Ten items judged by A and B (C joins three): decisions, tone and brand ratings, edge-case marks. */
const JUDGED: [SeedVerdict, SeedVerdict, SeedVerdict?][] = [
  [{ reviewerId: A, decision: 'reject', tone: 1, brand: 2 }, { reviewerId: B, decision: 'reject', tone: 2, brand: 2 }, { reviewerId: C, decision: 'reject', tone: 1 }],
  [{ reviewerId: A, decision: 'approve', tone: 4, brand: 5 }, { reviewerId: B, decision: 'approve', tone: 5, brand: 4 }, { reviewerId: C, decision: 'reject', tone: 3 }],
  [{ reviewerId: A, decision: 'approve', tone: 3 }, { reviewerId: B, decision: 'reject', tone: 2 }, { reviewerId: C, decision: 'reject' }],
  [{ reviewerId: A, decision: 'reject', tone: 2, brand: 1 }, { reviewerId: B, decision: 'reject', tone: 1, brand: 1 }],
  [{ reviewerId: A, decision: 'approve', tone: 5, brand: 5 }, { reviewerId: B, decision: 'approve', tone: 5, brand: 5 }],
  [{ reviewerId: A, decision: 'approve', tone: 4, brand: 3 }, { reviewerId: B, decision: 'approve', tone: 3, brand: 3 }],
  [{ reviewerId: A, decision: 'reject', tone: 2 }, { reviewerId: B, decision: 'approve', tone: 4 }],
  [{ reviewerId: A, decision: 'approve', tone: 5 }, { reviewerId: B, decision: 'approve', tone: 4 }],
  [{ reviewerId: A, decision: 'reject', tone: 1, brand: 2 }, { reviewerId: B, decision: 'reject', tone: 1, brand: 3 }],
  [{ reviewerId: A, decision: 'approve', tone: 4 }, { reviewerId: B, decision: 'approve', tone: 4 }],
];

describe('reviewer agreement', () => {
  let database: TestDb;
  afterEach(() => database.close());

  it('matches the pure kappa, alpha, consensus and gold functions on a seeded multi-reviewer set', async () => {
    database = await createTestDb(async (db) => {
      await seedCalibrationSource(db.db);
      for (const verdicts of JUDGED) await seedLabelledItem(db.db, { score: 0.5, inclusionProbability: 1, verdicts: verdicts.filter((v): v is SeedVerdict => v !== undefined) });
      await seedLabelledItem(db.db, { score: 0.5, inclusionProbability: 1, verdicts: [{ reviewerId: A, decision: 'approve' }] });
      const gold = [await seedLabelledItem(db.db, { score: 0.5, inclusionProbability: 1, verdicts: [{ reviewerId: A, decision: 'reject' }] }), await seedLabelledItem(db.db, { score: 0.5, inclusionProbability: 1, verdicts: [{ reviewerId: B, decision: 'reject' }] })];
      for (const itemId of gold) await db.db.insert(calibrationGoldItemsTable).values({ itemId, source: 'support-bot', originItemId: 'rev_old', expectedOutcome: 'rejected', createdAt: SEED_START });
      await db.db.update(reviewVerdictsTable).set({ edgeCase: true }).where(eq(reviewVerdictsTable.reviewerId, C));
    });
    const report = await computeReviewerAgreement({ repository: createAgreementRepository({ db: database.db }), clock: createFakeClock(SEED_START + DAY) }, { source: 'support-bot', minPairItems: 3 });
    const pairsOf = (dimension: 'decision' | 'tone' | 'brand', a: string, b: string) =>
      JUDGED.flatMap(([x, y, z]) => {
        const byReviewer = new Map([x, y, z].filter((v): v is SeedVerdict => v !== undefined).map((v) => [v.reviewerId, v[dimension]]));
        const [va, vb] = [byReviewer.get(a), byReviewer.get(b)];
        return va != null && vb != null ? [[va, vb] as [string | number, string | number]] : [];
      });
    const decision = report.dimensions.find((d) => d.dimension === 'decision')!;
    expect(report.multiReviewedItems).toBe(10);
    expect(decision.alpha).toEqual(krippendorffAlpha(JUDGED.map((item) => item.flatMap((v) => (v ? [v.decision] : []))), 'nominal'));
    const kappaOf = (a: string, b: string) => cohensKappa(pairsOf('decision', a, b));
    expect(decision.pairs).toEqual([
      { reviewers: [A, B], items: 10, kappa: kappaOf(A, B).kappa, observedAgreement: kappaOf(A, B).observedAgreement },
      { reviewers: [A, C], items: 3, kappa: kappaOf(A, C).kappa, observedAgreement: kappaOf(A, C).observedAgreement },
      { reviewers: [B, C], items: 3, kappa: kappaOf(B, C).kappa, observedAgreement: kappaOf(B, C).observedAgreement },
    ]);
    expect(decision.pairs[0]!.observedAgreement).toBeCloseTo(0.8, 12);
    const tone = report.dimensions.find((d) => d.dimension === 'tone')!;
    expect(tone.level).toBe('ordinal');
    expect(tone.alpha).toEqual(krippendorffAlpha(JUDGED.map((item) => item.flatMap((v) => (v?.tone != null ? [v.tone] : []))), 'ordinal'));
    expect(tone.pairs[0]).toMatchObject({ reviewers: [A, B], items: 10, kappa: weightedKappa(pairsOf('tone', A, B) as [number, number][], 'quadratic', [1, 2, 3, 4, 5]).kappa });
    const brand = report.dimensions.find((d) => d.dimension === 'brand')!;
    expect(brand.alpha.pairableUnits).toBe(6);
    expect(report.dimensions.find((d) => d.dimension === 'edge_case')!.alpha.pairableUnits).toBe(10);
    expect(report.consensus).toEqual(agreementWithConsensus(JUDGED.map((item) => item.flatMap((v) => (v ? [{ reviewer: v.reviewerId, label: v.decision! }] : [])))));
    expect(report.gold).toEqual(goldAccuracy([{ reviewer: A, label: 'rejected', gold: 'rejected' }, { reviewer: B, label: 'rejected', gold: 'rejected' }]));
    expect(describeReviewerStanding(report, A)).toEqual(['Agreed with the other reviewers on 7 of 9 shared items (78%).', 'Matched the known answer on 1 of 1 check items (100%).']);
  });
});

describe('gold items', () => {
  let database: TestDb;
  afterEach(() => database.close());

  function createGoldContext(now: number): GoldMixContext {
    return { repository: createAgreementRepository({ db: database.db }), review: createReviewRepository({ db: database.db }), clock: createFakeClock(now), rng: createSeededRandom(9) };
  }

  it('queues blind copies of settled past items, never counted as calibration labels', async () => {
    const now = SEED_START + 10 * DAY;
    database = await createTestDb(async (db) => {
      await seedCalibrationSource(db.db);
      const twoAgree = [{ reviewerId: A, decision: 'reject' as const }, { reviewerId: B, decision: 'reject' as const }];
      await seedLabelledItem(db.db, { score: 0.9, inclusionProbability: 1, verdicts: twoAgree, priority: 'critical' });
      await seedLabelledItem(db.db, { score: 0.2, inclusionProbability: 1, verdicts: [{ reviewerId: A, decision: 'approve' }, { reviewerId: B, decision: 'reject' }], outcome: 'approved', decisionMode: 'adjudication' });
      await seedLabelledItem(db.db, { score: 0.2, inclusionProbability: 1, verdicts: [{ reviewerId: A, decision: 'approve' }] });
      await seedLabelledItem(db.db, { score: 0.9, inclusionProbability: 1, verdicts: twoAgree, at: now - DAY });
      for (let i = 0; i < 18; i++) await seedLabelledItem(db.db, { score: 0.5, inclusionProbability: 1, state: 'in_review', at: now - 60_000 });
    });
    const created = await mixGoldItems(createGoldContext(now), { source: 'support-bot', goldShare: 0.1, windowMs: 3_600_000 });
    // 18 real items this hour at a 10% share: 2 gold items, one rejected and one approved answer.
    expect(created).toHaveLength(2);
    const gold = await database.db.select().from(calibrationGoldItemsTable);
    expect(gold.map((row) => row.expectedOutcome).sort()).toEqual(['approved', 'rejected']);
    for (const id of created) {
      const [item] = await database.db.select().from(reviewItemsTable).where(eq(reviewItemsTable.id, id));
      const [event] = await database.db.select().from(eventsTable).where(eq(eventsTable.seq, item!.eventSeq));
      expect(item).toMatchObject({ state: 'queued', requiredVerdicts: 1, priority: 'warn' });
      expect(item!.outputHash.startsWith('gold:')).toBe(true);
      expect(event).toMatchObject({ origin: 'gold', reviewStatus: 'done', checksStatus: 'complete' });
    }
    await database.db.update(reviewItemsTable).set({ state: 'final', outcome: 'rejected', decisionMode: 'consensus', finalAt: now }).where(eq(reviewItemsTable.id, created[0]!));
    await database.db.insert(reviewVerdictsTable).values({ itemId: created[0]!, reviewerId: C, decision: 'reject', createdAt: now, updatedAt: now });
    const [goldItem] = await database.db.select().from(reviewItemsTable).where(eq(reviewItemsTable.id, created[0]!));
    await database.db.insert(graderResultsTable).values({ eventSeq: goldItem!.eventSeq, source: 'support-bot', grader: 'tone', graderVersion: 'v1', contentHash: 'gold', score: 0.9, label: 'violation', reason: 'r', hijacked: false, cached: false, createdAt: now });
    const labels = await createCalibrationRepository({ db: database.db }).listLabelRows('support-bot', 'tone', 'v1');
    expect(labels.map((row) => row.itemId)).not.toContain(created[0]);
    expect(labels).toHaveLength(4);
    const report = await computeReviewerAgreement({ repository: createAgreementRepository({ db: database.db }), clock: createFakeClock(now) }, { source: 'support-bot' });
    const expected = gold.find((row) => row.itemId === created[0])!.expectedOutcome;
    expect(report.gold).toEqual([{ reviewer: C, answered: 1, correct: expected === 'rejected' ? 1 : 0, accuracy: expected === 'rejected' ? 1 : 0, interval: expect.any(Object) }]);
  });

  it('adds nothing without real items, and never more than ten open gold items', async () => {
    const now = SEED_START + 10 * DAY;
    database = await createTestDb(async (db) => {
      await seedCalibrationSource(db.db);
      for (let i = 0; i < 30; i++) await seedLabelledItem(db.db, { score: 0.9, inclusionProbability: 1, verdicts: [{ reviewerId: A, decision: 'reject' }], decisionMode: 'adjudication' });
    });
    const ctx = createGoldContext(now);
    expect(await mixGoldItems(ctx, { source: 'support-bot', goldShare: 0.5, windowMs: 3_600_000 })).toEqual([]);
    await database.db.update(reviewItemsTable).set({ createdAt: now - 1000 });
    expect(await mixGoldItems(ctx, { source: 'support-bot', goldShare: 0.5, windowMs: 3_600_000 })).toHaveLength(10);
    expect(await mixGoldItems(ctx, { source: 'support-bot', goldShare: 0.5, windowMs: 3_600_000 })).toEqual([]);
  });
});
