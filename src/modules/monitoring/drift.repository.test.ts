import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, testStore, type TestDb } from '../../platform/db.test-utils.ts';
import { createDriftRepository } from './drift.repository.ts';
import { piiFlag, seedEvents, seedSource } from './monitoring.test-utils.ts';

const T0 = Date.UTC(2026, 10, 24, 0, 0, 0);

describe('drift repository', () => {
  let database: TestDb;
  beforeEach(async () => {
    database = await createTestDb((db) => seedSource(db));
  });
  afterEach(() => database.close());

  it('pages through a window in index order, visiting each live event once even when many share a millisecond', async () => {
    // 12 events over 4 ms: three per millisecond, so pages of 5 end inside a millisecond.
    await seedEvents(database, { from: T0, to: T0 + 4, count: 12 }, (i) => ({ output: `answer ${i}` }));
    await seedEvents(database, { from: T0, to: T0 + 4, count: 3 }, () => ({ origin: 'probe', output: 'probe answer' }));
    const visited: string[] = [];
    await createDriftRepository({ db: database.db, outputPageSize: 5 }).forEachOutput('support-bot', { from: T0, to: T0 + 4 }, (_length, head) => visited.push(head));
    expect(visited).toEqual(Array.from({ length: 12 }, (_, i) => `answer ${i}`));
  });

  // SQLite only: its planner is deterministic on a small table. PostgreSQL's picks a sequential
  // scan for a table this small, whatever the indexes, so the plan says nothing there.
  it.runIf(testStore() === 'sqlite')('walks the output pages along the (source, occurred_at) index rather than scanning and sorting (SQLite plan)', () => {
    if (database.dialect !== 'sqlite') throw new Error('a SQLite-only test ran on PostgreSQL');
    const plan = database.sqlite
      .prepare(
        `EXPLAIN QUERY PLAN SELECT seq FROM events WHERE source = ? AND origin = 'live' AND occurred_at >= ? AND occurred_at < ?
         AND (occurred_at > ? OR seq > ?) ORDER BY occurred_at, seq LIMIT 5000`,
      )
      .all('support-bot', 0, 1, 0, 0) as { detail: string }[];
    const details = plan.map((row) => row.detail).join(' | ');
    expect(details).toContain('events_source_occurred_idx');
    expect(details).not.toContain('TEMP B-TREE');
  });

  it('counts events per detector once, however many flags of it they carry', async () => {
    const second = { ...piiFlag, kind: 'phone' };
    await seedEvents(database, { from: T0, to: T0 + 10, count: 10 }, (i) => ({ flags: i < 3 ? [piiFlag, second] : i < 4 ? [{ ...piiFlag, origin: 'app' }] : [] }));
    expect(await createDriftRepository({ db: database.db }).countDetectorFlags('support-bot', { from: T0, to: T0 + 10 })).toEqual({ pii: 3 });
  });

  it('finds the current release and when it went live', async () => {
    await seedEvents(database, { from: T0, to: T0 + 100, count: 10 }, (i) => ({ release: i < 4 ? 'r1' : 'r2' }));
    await seedEvents(database, { from: T0 + 200, to: T0 + 210, count: 2 }, () => ({ release: 'r9', origin: 'probe' }));
    expect(await createDriftRepository({ db: database.db }).findCurrentRelease('support-bot', T0 + 1000)).toEqual({ release: 'r2', firstSeenAt: T0 + 40 });
  });
});
