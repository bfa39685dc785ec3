import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createSeededRandom } from '../../shared/random.ts';
import { reviewConfigSchema } from '../review/review.config.ts';
import { calibrationConfigSchema } from './calibration.config.ts';
import { computeFlaggedShare } from './calibration-load.models.ts';
import { cohensKappaBinary, recommendThreshold, type LabelledScore } from './calibration.models.ts';
import { createCalibrationRepository } from './calibration.repository.ts';
import { calibrationGoldItemsTable } from './calibration.table.ts';
import { seedCalibrationSource, seedLabelledItem, seedTraffic, SEED_START, type SeedItem } from './calibration.test-utils.ts';
import { calibrateGrader, loadDigestCalibration, type CalibrationContext } from './calibration.usecases.ts';

const DAY = 86_400_000;

function createContext(database: TestDb, calibration: Record<string, unknown> = {}, threshold = 0.5): CalibrationContext {
  return {
    repository: createCalibrationRepository({ db: database.db }),
    sources: {
      'support-bot': {
        calibration: calibrationConfigSchema.parse({ min_labels_per_class: 5, ...calibration }),
        review: reviewConfigSchema.parse({ channel: 'C07REVQUEUE', sampling: { baseline_rate: 0.02, uncertainty_band: { width: 0.1, rate: 0.5 } } }),
      },
    },
    graders: new Map([
      ['tone', { name: 'tone', version: 'v1', dimension: 'tone' }],
      ['brand', { name: 'brand', version: 'b1', dimension: 'brand' }],
    ]),
    thresholdOf: () => threshold,
    clock: createFakeClock(SEED_START + DAY),
  };
}

/** A stratified sample: every item over 0.5 reviewed (p = 1), 20% of the rest; violations more likely at high scores. */
function buildSample(n: number, seed: number): SeedItem[] {
  const rng = createSeededRandom(seed);
  return Array.from({ length: n }, () => {
    const score = Math.round(rng() * 1000) / 1000;
    return { score, violation: rng() < score, inclusionProbability: score >= 0.5 ? 1 : 0.2 };
  });
}

const toLabels = (items: SeedItem[]): LabelledScore[] => items.map((item) => ({ score: item.score, violation: Boolean(item.violation), weight: 1 / item.inclusionProbability }));

describe('calibrateGrader', () => {
  let database: TestDb;
  afterEach(() => database.close());

  async function seed(items: SeedItem[], traffic: number[] = []) {
    database = await createTestDb(async (db) => {
      await seedCalibrationSource(db.db);
      for (const item of items) await seedLabelledItem(db.db, item);
      await seedTraffic(db.db, traffic);
    });
  }

  it('reports the same threshold, figures and intervals as recommendThreshold on the same labels', async () => {
    const items = buildSample(120, 11);
    const traffic = buildSample(300, 12).map((item) => item.score);
    await seed(items, traffic);
    const { report } = await calibrateGrader(createContext(database, { target_recall: 0.9 }), { source: 'support-bot', grader: 'tone' });
    const allScores = Float64Array.from([...items.map((item) => item.score), ...traffic]).sort();
    const expected = recommendThreshold(toLabels(items), { kind: 'target_recall', recall: 0.9 }, {
      minPerClass: 5,
      currentThreshold: 0.5,
      eventsPerDay: allScores.length / 7,
      flaggedShareAt: (t) => computeFlaggedShare(allScores, t),
    });
    if (expected.status !== 'ok') throw new Error('the sample should have enough labels');
    expect(report.recommendation).toEqual({ status: 'ok', threshold: expected.threshold, change: expected.threshold - 0.5 });
    expect(report.proposed).toEqual(expected.proposed);
    expect(report.current).toEqual(expected.current);
    expect(report.curve).toEqual(expected.curve);
    expect(report.labels).toMatchObject(expected.labels);
    expect(report.traffic?.gradedEvents).toBe(allScores.length);
    expect(report.traffic?.proposed?.flagsPerDay).toBeCloseTo(expected.load.proposed.flagsPerDay!, 9);
    expect(report.traffic?.deltaFlagsPerDay).toBeCloseTo(expected.load.deltaFlagsPerDay!, 9);
  });

  it('weights verdicts by 1 / inclusion probability, which moves the recommended threshold', async () => {
    // 90 violations at 0.9 reviewed for sure; 10 at 0.3 reviewed with p = 0.1 stand for 100 live ones.
    const items: SeedItem[] = [
      ...Array.from({ length: 90 }, () => ({ score: 0.9, violation: true, inclusionProbability: 1 })),
      ...Array.from({ length: 10 }, () => ({ score: 0.3, violation: true, inclusionProbability: 0.1 })),
      ...Array.from({ length: 40 }, () => ({ score: 0.1, violation: false, inclusionProbability: 0.1 })),
    ];
    await seed(items);
    const { report } = await calibrateGrader(createContext(database, { target_recall: 0.9 }), { source: 'support-bot', grader: 'tone' });
    const unweighted = recommendThreshold(toLabels(items).map((label) => ({ ...label, weight: 1 })), { kind: 'target_recall', recall: 0.9 }, { minPerClass: 5 });
    expect(unweighted.status === 'ok' && unweighted.threshold).toBe(0.9);
    expect(report.recommendation).toMatchObject({ status: 'ok', threshold: 0.3 });
    expect(report.proposed?.unweighted.recall).toBe(1);
    expect(report.current?.weighted.recall).toBeCloseTo(90 / 190, 12);
  });

  it('says how many more labels of each class are needed when there are too few', async () => {
    await seed([
      ...Array.from({ length: 3 }, () => ({ score: 0.8, violation: true, inclusionProbability: 1 })),
      ...Array.from({ length: 12 }, () => ({ score: 0.2, violation: false, inclusionProbability: 0.5 })),
    ]);
    const { report } = await calibrateGrader(createContext(database, { min_labels_per_class: 10 }), { source: 'support-bot', grader: 'tone' });
    expect(report.recommendation).toEqual({
      status: 'insufficient_labels',
      needed: { violations: 7, nonViolations: 0 },
      message: 'needs 7 more violations labelled before a threshold is proposed',
    });
    expect(report.proposed).toBeNull();
    expect(report.current?.threshold).toBe(0.5);
    expect(report.judge?.confusion.raw).toEqual({ tp: 3, fp: 0, fn: 0, tn: 12 });
  });

  it('derives labels from ratings and reject dimensions, and counts duplicates with their own weight', async () => {
    await seed([
      { score: 0.7, inclusionProbability: 1, verdicts: [{ reviewerId: 'U1', decision: 'approve', tone: 2 }] },
      { score: 0.6, inclusionProbability: 1, verdicts: [{ reviewerId: 'U1', decision: 'reject', dimension: 'brand' }] },
      { score: 0.2, inclusionProbability: 0.5, verdicts: [{ reviewerId: 'U1', decision: 'reject', dimension: 'tone', reasonCategory: 'tone' }], duplicates: [0.25] },
      { score: 0.1, inclusionProbability: 0.5, verdicts: [{ reviewerId: 'U1', decision: 'approve', tone: 4 }] },
    ]);
    const ctx = createContext(database);
    const tone = await calibrateGrader(ctx, { source: 'support-bot', grader: 'tone' });
    expect(tone.items.map(({ score, violation, weight, basis, duplicate }) => ({ score, violation, weight, basis, duplicate }))).toEqual([
      { score: 0.7, violation: true, weight: 1, basis: 'rating', duplicate: false },
      { score: 0.6, violation: false, weight: 1, basis: 'reject_other_dimension', duplicate: false },
      { score: 0.2, violation: true, weight: 2, basis: 'reject_dimension', duplicate: false },
      { score: 0.2, violation: true, weight: 4, basis: 'reject_dimension', duplicate: true },
      { score: 0.1, violation: false, weight: 2, basis: 'approve', duplicate: false },
    ]);
    expect(tone.report.labels).toMatchObject({ violations: 3, nonViolations: 2, items: 5, duplicates: 1, weightedViolations: 7, weightedNonViolations: 3 });
  });

  it('leaves out open items, gold items, probes, hijacked scores and other grader versions', async () => {
    database = await createTestDb(async (db) => {
      await seedCalibrationSource(db.db);
      await seedLabelledItem(db.db, { score: 0.9, violation: true, inclusionProbability: 1 });
      await seedLabelledItem(db.db, { score: 0.9, violation: true, inclusionProbability: 1, state: 'in_review' });
      const gold = await seedLabelledItem(db.db, { score: 0.9, violation: true, inclusionProbability: 1 });
      await db.db.insert(calibrationGoldItemsTable).values({ itemId: gold, source: 'support-bot', originItemId: 'rev_old', expectedOutcome: 'rejected', createdAt: SEED_START });
      await seedLabelledItem(db.db, { score: 0.9, violation: true, inclusionProbability: 1, origin: 'probe' });
      await seedLabelledItem(db.db, { score: 0.9, violation: true, inclusionProbability: 1, hijacked: true });
      await seedLabelledItem(db.db, { score: 0.9, violation: true, inclusionProbability: 1, graderVersion: 'v0' });
      await seedLabelledItem(db.db, { score: 0.4, violation: false, inclusionProbability: 1, graderVersion: 'v0' });
    });
    const { report } = await calibrateGrader(createContext(database), { source: 'support-bot', grader: 'tone' });
    expect(report.labels.items).toBe(1);
    expect(report.graderVersion).toBe('v1');
    expect(report.otherVersions).toEqual([{ graderVersion: 'v0', labels: 2 }]);
    const old = await calibrateGrader(createContext(database), { source: 'support-bot', grader: 'tone', graderVersion: 'v0' });
    expect(old.report.labels).toMatchObject({ violations: 1, nonViolations: 1 });
  });

  it("judges the grader at the live threshold: kappa, confusion, and its mistakes linked to their cards, most confident first", async () => {
    const items: SeedItem[] = [
      { score: 0.95, violation: false, inclusionProbability: 1, cardTs: '1740000000.000100' },
      { score: 0.65, violation: false, inclusionProbability: 1 },
      { score: 0.8, violation: true, inclusionProbability: 1 },
      { score: 0.05, violation: true, inclusionProbability: 0.5 },
      { score: 0.3, violation: true, inclusionProbability: 0.5, cardTs: null },
      { score: 0.2, violation: false, inclusionProbability: 0.5 },
    ];
    await seed(items);
    const { report } = await calibrateGrader(createContext(database), { source: 'support-bot', grader: 'tone' });
    const judge = report.judge!;
    expect(judge.kappa).toEqual(cohensKappaBinary(toLabels(items), 0.5));
    expect(judge.confusion.raw).toEqual({ tp: 1, fp: 2, fn: 2, tn: 1 });
    expect(judge.falsePositives.map((mistake) => mistake.score)).toEqual([0.95, 0.65]);
    expect(judge.falseNegatives.map((mistake) => mistake.score)).toEqual([0.05, 0.3]);
    expect(judge.falsePositives[0]!.cardUrl).toBe('https://slack.com/archives/C07REVQUEUE/p1740000000000100');
    expect(judge.falseNegatives[1]!.cardUrl).toBeNull();
  });

  it('gives the digest the labels decided in its week, with the live threshold', async () => {
    await seed([
      { score: 0.9, violation: true, inclusionProbability: 1, at: SEED_START },
      { score: 0.2, violation: false, inclusionProbability: 0.5, at: SEED_START + 2 * DAY },
      { score: 0.7, violation: false, inclusionProbability: 1, at: SEED_START + 9 * DAY },
    ]);
    expect(await loadDigestCalibration(createContext(database), 'support-bot', { start: SEED_START, end: SEED_START + 7 * DAY })).toEqual([
      { grader: 'tone', threshold: 0.5, labels: [expect.objectContaining({ score: 0.9, violation: true, weight: 1 }), expect.objectContaining({ score: 0.2, violation: false, weight: 2 })] },
    ]);
  });

  it('counts only the configured days of traffic for flags per day and the review load', async () => {
    database = await createTestDb(async (db) => {
      await seedCalibrationSource(db.db);
      await seedTraffic(db.db, [0.9, 0.7, 0.55, 0.45, 0.2, 0.1, 0.05], { at: SEED_START });
      await seedTraffic(db.db, [0.9, 0.9, 0.9], { at: SEED_START - 30 * DAY });
    });
    const { report } = await calibrateGrader(createContext(database, { traffic_days: 7 }), { source: 'support-bot', grader: 'tone' });
    // 7 events in 7 days; at 0.5: 3 flags reviewed for sure, 0.45 in the band (0.5 ∪ 0.02), 3 others at the 2% baseline.
    expect(report.traffic).toMatchObject({ days: 7, gradedEvents: 7, gradedPerDay: 1 });
    expect(report.traffic?.current.flagsPerDay).toBeCloseTo(3 / 7, 12);
    expect(report.traffic?.current.reviewItemsPerDay).toBeCloseTo((3 + (0.5 + 0.02 - 0.01) + 3 * 0.02) / 7, 12);
    expect(report.recommendation.status).toBe('insufficient_labels');
  });
});
