import { execFileSync } from 'node:child_process';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourcesTable } from '../modules/sources/sources.table.ts';
import { affectedRows, executeStatement, selectRows } from './db.ts';
import { createTestDb, testStore, type TestDb } from './db.test-utils.ts';

// The store's contract, on whichever store this test project runs (SQLite, or PostgreSQL when
// VIGIL_TEST_POSTGRES_URL is set): transactions are all or nothing, a repository's own `db`
// joins its caller's transaction, nested transactions are savepoints, and a write from another
// request never lands inside (or is rolled back with) someone else's transaction.

const source = (name: string) => ({ name, createdAt: 0, updatedAt: 0 });
const names = async (database: TestDb) => (await database.db.select({ name: sourcesTable.name }).from(sourcesTable).orderBy(sourcesTable.name)).map((row) => row.name);

describe(`the ${testStore()} store`, () => {
  let database: TestDb;
  beforeEach(async () => {
    database = await createTestDb();
  });
  afterEach(async () => {
    await database.close();
  });

  it('commits a transaction whole, or not at all when it throws', async () => {
    await database.db.transaction(async (tx) => {
      await tx.insert(sourcesTable).values(source('a'));
      await tx.insert(sourcesTable).values(source('b'));
    });
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(sourcesTable).values(source('c'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await names(database)).toEqual(['a', 'b']);
  });

  it('puts the queries of the transaction’s async context in it, through tx or the outer db', async () => {
    await expect(
      database.db.transaction(async () => {
        await database.db.insert(sourcesTable).values(source('through-db'));
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await names(database)).toEqual([]);
  });

  it('rolls a nested transaction back to its savepoint and keeps the outer work', async () => {
    await database.db.transaction(async (tx) => {
      await tx.insert(sourcesTable).values(source('outer'));
      await expect(
        tx.transaction(async (inner) => {
          await inner.insert(sourcesTable).values(source('inner'));
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
    });
    expect(await names(database)).toEqual(['outer']);
  });

  it('keeps a concurrent write outside a failing transaction', async () => {
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const failing = database.db.transaction(async (tx) => {
      await tx.insert(sourcesTable).values(source('doomed'));
      await paused;
      throw new Error('rolled back');
    });
    // Another request writes while the transaction above is open.
    const independent = database.db.insert(sourcesTable).values(source('independent')).then(() => 'done');
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await expect(failing).rejects.toThrow('rolled back');
    expect(await independent).toBe('done');
    expect(await names(database)).toEqual(['independent']);
  });

  it('counts changed rows and runs raw SQL the same way on both stores', async () => {
    await database.db.insert(sourcesTable).values([source('x'), source('y')]);
    expect(affectedRows(await database.db.update(sourcesTable).set({ updatedAt: 5 }).where(eq(sourcesTable.name, 'x')))).toBe(1);
    expect(await executeStatement(database.db, sql`UPDATE sources SET updated_at = 7`)).toBe(2);
    const rows = await selectRows<{ n: number; latest: number }>(database.db, sql`SELECT count(*) AS n, max(updated_at) AS latest FROM sources`);
    expect(rows).toEqual([{ n: 2, latest: 7 }]);
  });
});

describe('the PostgreSQL migrations', () => {
  it('are what drizzle-kit generates from the tables today (no schema change without its migration)', () => {
    for (const config of ['drizzle.sqlite.config.ts', 'drizzle.postgres.config.ts']) {
      const output = execFileSync('npx', ['drizzle-kit', 'generate', '--config', config], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(output, config).toContain('No schema changes');
    }
  }, 60_000);
});
