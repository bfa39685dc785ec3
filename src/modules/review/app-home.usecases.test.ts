import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { loadAppHome } from './app-home.usecases.ts';
import { createReviewQueriesRepository } from './review-queries.repository.ts';
import { createTestReviewContext, parseReviewConfig, REVIEWER, seedSource } from './review-context.test-utils.ts';

describe('loadAppHome: reviewer standing', () => {
  let database: TestDb;
  beforeEach(async () => {
    database = await createTestDb((db) => seedSource(db));
  });
  afterEach(() => database.close());

  const sources = { 'support-bot': parseReviewConfig(), 'billing-bot': parseReviewConfig() };

  it('asks calibration for the user\'s lines in each source they review, in source order', async () => {
    const asked: string[] = [];
    const describeReviewerStanding = async (source: string, reviewerId: string) => {
      asked.push(`${source}:${reviewerId}`);
      return source === 'support-bot' ? ['Agreed with the other reviewers on 3 of 4 shared items (75%).'] : [];
    };
    const ctx = createTestReviewContext(database, { sources, hooks: { describeReviewerStanding } });
    const home = await loadAppHome(ctx, createReviewQueriesRepository({ db: database.db }), REVIEWER);
    expect(home.standing).toEqual([
      { source: 'billing-bot', lines: [] },
      { source: 'support-bot', lines: ['Agreed with the other reviewers on 3 of 4 shared items (75%).'] },
    ]);
    expect(asked.sort()).toEqual([`billing-bot:${REVIEWER}`, `support-bot:${REVIEWER}`]);
  });

  it('leaves the standing out when calibration is not wired', async () => {
    const ctx = createTestReviewContext(database, { sources });
    const home = await loadAppHome(ctx, createReviewQueriesRepository({ db: database.db }), REVIEWER);
    expect(home.standing).toBeUndefined();
  });
});
