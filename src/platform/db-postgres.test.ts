import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { taskRunsTable } from '../modules/tasks/task-runs.table.ts';
import { selectRows } from './db.ts';
import { readPostgresCode } from './db-postgres.ts';
import { createTestDb, type TestDb } from './db.test-utils.ts';

// Epoch milliseconds and counts are int8 on PostgreSQL, which `pg` returns as strings unless
// told otherwise; arithmetic on them (`claimedAt + leaseMs`) would then concatenate.
describe('numbers from the store', () => {
  let database: TestDb | undefined;
  afterEach(() => database?.close());

  it('come back as JS numbers from builders and raw queries alike', async () => {
    database = await createTestDb();
    await database.db.insert(taskRunsTable).values({ task: 't', periodKey: 'p', status: 'done', claimedAt: 1_795_420_800_000 });
    const [row] = await database.db.select({ claimedAt: taskRunsTable.claimedAt, runs: sql<number>`count(*)` }).from(taskRunsTable).groupBy(taskRunsTable.claimedAt);
    const [raw] = await selectRows<{ runs: number; total: number }>(database.db, sql`select count(*) as runs, sum(claimed_at) as total from task_runs`);
    expect(row).toEqual({ claimedAt: 1_795_420_800_000, runs: 1 });
    expect(raw).toEqual({ runs: 1, total: 1_795_420_800_000 });
  });
});

describe('readPostgresCode', () => {
  it('finds the SQLSTATE on the error or on the error drizzle wrapped it in', () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    expect(readPostgresCode(deadlock)).toBe('40P01');
    expect(readPostgresCode(new Error('Failed query: update …', { cause: deadlock }))).toBe('40P01');
    expect(readPostgresCode(new Error('no code'))).toBe('');
  });
});
