import { and, eq, lte } from 'drizzle-orm';
import { monotonicFactory } from 'ulid';
import type { Db, DbExecutor } from '../../platform/db.ts';
import { rollbackRequestsTable, type RollbackRequestRow, type RollbackRequestState } from './rollback-requests.table.ts';

// Two-person rollback requests. A decision is a conditional update from `pending`: of two
// approvers confirming at once, or a confirmation racing the expiry sweep, exactly one wins.

const nextUlid = monotonicFactory();
/** `rbr_` + a ULID: 30 characters, fits a button value. */
export const generateRollbackRequestId = (now: number) => `rbr_${nextUlid(now)}`;

export type NewRollbackRequest = Omit<RollbackRequestRow, 'decidedBy' | 'decidedAt' | 'outcome' | 'version' | 'messageOutboxId'>;

export function createRollbackRequestsRepository({ db }: { db: Db }) {
  return {
    find(id: string): RollbackRequestRow | undefined {
      return db.select().from(rollbackRequestsTable).where(eq(rollbackRequestsTable.id, id)).get();
    },

    insert(tx: DbExecutor, request: NewRollbackRequest): void {
      tx.insert(rollbackRequestsTable).values(request).run();
    },

    setMessage(tx: DbExecutor, id: string, messageOutboxId: string): void {
      tx.update(rollbackRequestsTable).set({ messageOutboxId }).where(eq(rollbackRequestsTable.id, id)).run();
    },

    /** Moves a pending request to a final state; undefined when it was no longer pending (someone else decided). */
    decide(tx: DbExecutor, id: string, change: { state: Exclude<RollbackRequestState, 'pending'>; decidedBy: string | null; decidedAt: number; outcome?: string }): RollbackRequestRow | undefined {
      return tx
        .update(rollbackRequestsTable)
        .set({ state: change.state, decidedBy: change.decidedBy, decidedAt: change.decidedAt, outcome: change.outcome ?? change.state })
        .where(and(eq(rollbackRequestsTable.id, id), eq(rollbackRequestsTable.state, 'pending')))
        .returning()
        .get();
    },

    setVersion(tx: DbExecutor, id: string, version: number): void {
      tx.update(rollbackRequestsTable).set({ version }).where(eq(rollbackRequestsTable.id, id)).run();
    },

    listExpired(now: number): RollbackRequestRow[] {
      return db
        .select()
        .from(rollbackRequestsTable)
        .where(and(eq(rollbackRequestsTable.state, 'pending'), lte(rollbackRequestsTable.expiresAt, now)))
        .all();
    },

    transaction<T>(work: (tx: DbExecutor) => T): T {
      return db.transaction(work, { behavior: 'immediate' });
    },
  };
}

export type RollbackRequestsRepository = ReturnType<typeof createRollbackRequestsRepository>;
