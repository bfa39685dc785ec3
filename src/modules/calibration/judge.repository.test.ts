import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { calibrationGoldItemsTable } from './calibration.table.ts';
import { seedCalibrationSource, seedLabelledItem, SEED_START } from './calibration.test-utils.ts';
import { createJudgeRepository } from './judge.repository.ts';

// What `vigil export finetune` and `vigil grader examples` read, on either store: final live
// items oldest first with their content and verdicts in order; open items, probes and gold
// items left out.

describe('judge repository', () => {
  let database: TestDb;
  afterEach(() => database.close());

  it('pages through final live items, oldest first, with content and verdicts; loads contents by event', async () => {
    const ids: string[] = [];
    database = await createTestDb(async ({ db }) => {
      await seedCalibrationSource(db);
      ids.push(await seedLabelledItem(db, { score: 0.9, inclusionProbability: 1, output: 'first', verdicts: [{ reviewerId: 'U1', decision: 'reject', dimension: 'tone' }, { reviewerId: 'U2', decision: 'reject', tone: 1 }] }));
      await seedLabelledItem(db, { score: 0.5, inclusionProbability: 1, state: 'in_review' });
      await seedLabelledItem(db, { score: 0.5, inclusionProbability: 1, origin: 'probe' });
      const gold = await seedLabelledItem(db, { score: 0.5, inclusionProbability: 1 });
      await db.insert(calibrationGoldItemsTable).values({ itemId: gold, source: 'support-bot', originItemId: ids[0]!, expectedOutcome: 'rejected', createdAt: SEED_START });
      ids.push(await seedLabelledItem(db, { score: 0.1, inclusionProbability: 1, output: 'second', violation: false }));
    });
    const judge = createJudgeRepository({ db: database.db });
    const items = [];
    for await (const item of judge.iterateAdjudicatedItems('support-bot')) items.push(item);
    expect(items.map((item) => [item.itemId, item.outcome, item.content.output])).toEqual([
      [ids[0], 'rejected', 'first'],
      [ids[1], 'approved', 'second'],
    ]);
    expect(items[0]!.verdicts.map((verdict) => [verdict.reviewerId, verdict.dimension, verdict.tone])).toEqual([
      ['U1', 'tone', null],
      ['U2', null, 1],
    ]);
    const contents = await judge.loadContents([items[1]!.eventSeq]);
    expect(contents.get(items[1]!.eventSeq)).toMatchObject({ output: 'second' });
    expect(await judge.loadContents([])).toEqual(new Map());
  });
});
