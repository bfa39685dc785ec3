import { and, asc, eq, lte } from 'drizzle-orm';
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
    async find(id: string): Promise<RollbackRequestRow | undefined> {
      const [row] = await db.select().from(rollbackRequestsTable).where(eq(rollbackRequestsTable.id, id));
      return row;
    },

    async insert(tx: DbExecutor, request: NewRollbackRequest): Promise<void> {
      await tx.insert(rollbackRequestsTable).values(request);
    },

    async setMessage(tx: DbExecutor, id: string, messageOutboxId: string): Promise<void> {
      await tx.update(rollbackRequestsTable).set({ messageOutboxId }).where(eq(rollbackRequestsTable.id, id));
    },

    /** Moves a pending request to a final state; undefined when it was no longer pending (someone else decided). */
    async decide(tx: DbExecutor, id: string, change: { state: Exclude<RollbackRequestState, 'pending'>; decidedBy: string | null; decidedAt: number; outcome?: string }): Promise<RollbackRequestRow | undefined> {
      const [row] = await tx
        .update(rollbackRequestsTable)
        .set({ state: change.state, decidedBy: change.decidedBy, decidedAt: change.decidedAt, outcome: change.outcome ?? change.state })
        .where(and(eq(rollbackRequestsTable.id, id), eq(rollbackRequestsTable.state, 'pending')))
        .returning();
      return row;
    },

    async setVersion(tx: DbExecutor, id: string, version: number): Promise<void> {
      await tx.update(rollbackRequestsTable).set({ version }).where(eq(rollbackRequestsTable.id, id));
    },

    /** Oldest first, so the sweep decides them in the order they were asked. */
    async listExpired(now: number): Promise<RollbackRequestRow[]> {
      return db
        .select()
        .from(rollbackRequestsTable)
        .where(and(eq(rollbackRequestsTable.state, 'pending'), lte(rollbackRequestsTable.expiresAt, now)))
        .orderBy(asc(rollbackRequestsTable.expiresAt), asc(rollbackRequestsTable.id));
    },

    async transaction<T>(work: (tx: DbExecutor) => Promise<T>): Promise<T> {
      return db.transaction(work);
    },
  };
}

export type RollbackRequestsRepository = ReturnType<typeof createRollbackRequestsRepository>;
