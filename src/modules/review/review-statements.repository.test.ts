import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { readAndRecordFirstSeen } from './review-statements.repository.ts';
import { seedSource, TEST_START } from './review-context.test-utils.ts';

describe('readAndRecordFirstSeen', () => {
  let database: TestDb;
  beforeEach(async () => {
    database = await createTestDb((db) => seedSource(db));
  });
  afterEach(() => database.close());

  const release = { source: 'support-bot', kind: 'release', value: 'r7' } as const;

  it('answers the sighting before this one, and keeps the earliest when events arrive out of order', async () => {
    expect(await readAndRecordFirstSeen(database.db, release, TEST_START + 5_000)).toBeUndefined();
    expect(await readAndRecordFirstSeen(database.db, release, TEST_START + 9_000)).toBe(TEST_START + 5_000);
    expect(await readAndRecordFirstSeen(database.db, release, TEST_START)).toBe(TEST_START + 5_000);
    expect(await readAndRecordFirstSeen(database.db, release, TEST_START + 1_000)).toBe(TEST_START);
    expect(await readAndRecordFirstSeen(database.db, { ...release, kind: 'model_version' }, TEST_START + 2_000)).toBeUndefined();
  });
});
