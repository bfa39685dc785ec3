import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { executeStatement } from '../../platform/db.ts';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { appendAuditEntry, createAuditRepository } from './audit.repository.ts';
import { computeAuditHash, GENESIS_HASH } from './audit.models.ts';
import { auditLogTable } from './audit.table.ts';

const START = Date.parse('2026-11-25T09:00:00Z');

describe('createAuditRepository', () => {
  let database: TestDb;
  afterEach(() => database.close());

  async function seedLog(count: number) {
    database = await createTestDb();
    const clock = createFakeClock(START);
    const audit = createAuditRepository({ db: database.db, clock });
    for (let n = 1; n <= count; n++) {
      await audit.append({ actor: 'cli:alice', action: 'api_key.created', source: n % 2 ? 'support-bot' : 'billing-bot', subjectType: 'api_key', subjectId: `key_${n}`, details: { n, scopes: ['ingest'] } });
      clock.advance(1000);
    }
    return audit;
  }

  it('links each appended entry to the one before it, from the genesis hash', async () => {
    const audit = await seedLog(3);
    const entries = await audit.list({});
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
    expect(entries[2]).toMatchObject({ actor: 'cli:alice', action: 'api_key.created', subjectId: 'key_3', at: START + 2000, details: { n: 3, scopes: ['ingest'] } });
    expect(await audit.verify()).toEqual({ ok: true, checked: 3 });
  });

  it('filters the list by time, sequence and source', async () => {
    const audit = await seedLog(5);
    expect((await audit.list({ since: START + 3000 })).map((e) => e.seq)).toEqual([4, 5]);
    expect((await audit.list({ afterSeq: 2, limit: 2 })).map((e) => e.seq)).toEqual([3, 4]);
    expect((await audit.list({ source: 'billing-bot' })).map((e) => e.seq)).toEqual([2, 4]);
  });

  it('reports the modified row when a row is changed with raw SQL', async () => {
    const audit = await seedLog(5);
    await executeStatement(database.db, sql`UPDATE audit_log SET details = '{"n":3,"scopes":["admin"]}' WHERE seq = 3`);
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: false, checked: 2, brokenAt: { seq: 3 } });
    expect(result.ok === false && result.reason).toContain('modified');
  });

  it('reports the row after a deleted middle row', async () => {
    const audit = await seedLog(5);
    await executeStatement(database.db, sql`DELETE FROM audit_log WHERE seq = 3`);
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: false, checked: 2, brokenAt: { seq: 4 } });
    expect(result.ok === false && result.reason).toContain('previous-hash link');
  });

  it('verifies across its 5000-row pages and finds a change on the second page', async () => {
    database = await createTestDb();
    // A valid chain written in multi-row inserts: the repository's per-append read of the
    // last hash would make 5000 rows slow, and the reader is what is under test.
    const rows: (typeof auditLogTable.$inferInsert)[] = [];
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= 5003; seq++) {
      const entry = { id: `aud_${seq}`, at: START + seq, actor: 'system', action: 'test.appended', source: null, subjectType: null, subjectId: null, details: { seq } };
      const hash = computeAuditHash(prevHash, entry);
      rows.push({ seq, ...entry, prevHash, hash });
      prevHash = hash;
    }
    await database.db.transaction(async (tx) => {
      for (let start = 0; start < rows.length; start += 500) await tx.insert(auditLogTable).values(rows.slice(start, start + 500));
    });
    const audit = createAuditRepository({ db: database.db, clock: createFakeClock(START) });
    expect(await audit.verify()).toEqual({ ok: true, checked: 5003 });
    await executeStatement(database.db, sql`UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 5002`);
    expect(await audit.verify()).toMatchObject({ ok: false, checked: 5001, brokenAt: { seq: 5002, id: 'aud_5002' } });
  });

  it('writes no entry when the transaction of the decision it records rolls back', async () => {
    const audit = await seedLog(1);
    await expect(
      database.db.transaction(async (tx) => {
        await appendAuditEntry(tx, { actor: 'cli:alice', action: 'api_key.revoked', subjectId: 'key_1' }, START + 5000);
        throw new Error('the decision failed');
      }),
    ).rejects.toThrow('the decision failed');
    expect((await audit.list({})).map((e) => e.action)).toEqual(['api_key.created']);
    expect(await audit.verify()).toEqual({ ok: true, checked: 1 });
  });
});
