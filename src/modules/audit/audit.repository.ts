import { asc, desc, gt, gte, and, eq, sql, type SQL } from 'drizzle-orm';
import { executeStatement, type Db, type DbExecutor } from '../../platform/db.ts';
import type { Clock } from '../../shared/clock.ts';
import { generateId } from '../../shared/ids.ts';
import { auditLogTable } from './audit.table.ts';
import { computeAuditHash, GENESIS_HASH, verifyAuditChain, type AuditEntry, type AuditEntryInput } from './audit.models.ts';

/** Any constant every instance agrees on: the lock that keeps the hash chain a chain. */
const AUDIT_CHAIN_LOCK_KEY = 0x76_61_75_64;

/**
 * Appends one entry, linked to the previous one. Call it inside the write
 * transaction of the decision it records, so the decision and its audit row
 * commit together (both or neither). Two writers must never link to the same
 * previous entry: SQLite's transactions already hold the write lock; on PostgreSQL
 * a transaction-scoped advisory lock serialises appends across instances.
 */
export async function appendAuditEntry(db: DbExecutor, entry: AuditEntryInput, now: number): Promise<AuditEntry> {
  if (db.dialect === 'postgres') await executeStatement(db, sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
  const [last] = await db.select({ hash: auditLogTable.hash }).from(auditLogTable).orderBy(desc(auditLogTable.seq)).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const row = {
    id: generateId('audit', now),
    at: now,
    actor: entry.actor,
    action: entry.action,
    source: entry.source ?? null,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    // Stored as JSON, so hash what JSON keeps (no Dates, no undefined): verify() recomputes from the stored row.
    details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
  };
  const hash = computeAuditHash(prevHash, row);
  const [stored] = await db.insert(auditLogTable).values({ ...row, prevHash, hash }).returning();
  return stored!;
}

export function createAuditRepository({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async append(entry: AuditEntryInput): Promise<AuditEntry> {
      return db.transaction((tx) => appendAuditEntry(tx, entry, clock.now()));
    },

    async list(filter: { since?: number; afterSeq?: number; source?: string; limit?: number }): Promise<AuditEntry[]> {
      const conditions: SQL[] = [];
      if (filter.since !== undefined) conditions.push(gte(auditLogTable.at, filter.since));
      if (filter.afterSeq !== undefined) conditions.push(gt(auditLogTable.seq, filter.afterSeq));
      if (filter.source !== undefined) conditions.push(eq(auditLogTable.source, filter.source));
      return db
        .select()
        .from(auditLogTable)
        .where(and(...conditions))
        .orderBy(asc(auditLogTable.seq))
        .limit(filter.limit ?? 1000);
    },

    async verify() {
      // Pages through the log so a long chain is never loaded whole.
      async function* entriesInOrder() {
        let afterSeq = 0;
        for (;;) {
          const page = await db.select().from(auditLogTable).where(gt(auditLogTable.seq, afterSeq)).orderBy(asc(auditLogTable.seq)).limit(5000);
          yield* page;
          if (page.length < 5000) return;
          afterSeq = page[page.length - 1]!.seq;
        }
      }
      return verifyAuditChain(entriesInOrder());
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
