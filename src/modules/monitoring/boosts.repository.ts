import { and, eq, gt, isNull } from 'drizzle-orm';
import { affectedRows, type Db } from '../../platform/db.ts';
import { samplingBoostsTable } from './monitoring.table.ts';

// Raised review sampling for a slice of a source's traffic, for a period. Rows are never
// deleted: stopping a boost records who stopped it and when.

export type SamplingBoostRow = typeof samplingBoostsTable.$inferSelect;

export function createBoostsRepository({ db }: { db: Db }) {
  return {
    async insertBoost(boost: { source: string; slice: string; metric: string; rate: number; startedAt: number; until: number; alertId: number | null }): Promise<SamplingBoostRow> {
      const [row] = await db.insert(samplingBoostsTable).values(boost).returning();
      return row!;
    },

    /** Boosts of `source` still running at `now`: not stopped and not past their end. */
    async listActiveBoosts(source: string, now: number): Promise<SamplingBoostRow[]> {
      return db
        .select()
        .from(samplingBoostsTable)
        .where(and(eq(samplingBoostsTable.source, source), gt(samplingBoostsTable.until, now), isNull(samplingBoostsTable.stoppedAt)))
        .orderBy(samplingBoostsTable.id);
    },

    async findBoost(id: number): Promise<SamplingBoostRow | undefined> {
      const [row] = await db.select().from(samplingBoostsTable).where(eq(samplingBoostsTable.id, id));
      return row;
    },

    async findBoostOfAlert(alertId: number): Promise<SamplingBoostRow | undefined> {
      const [row] = await db.select().from(samplingBoostsTable).where(eq(samplingBoostsTable.alertId, alertId)).orderBy(samplingBoostsTable.id).limit(1);
      return row;
    },

    /** Stops a running boost; false when it was already stopped (a double click changes nothing). */
    async stopBoost(id: number, actor: string, now: number): Promise<boolean> {
      const result = await db
        .update(samplingBoostsTable)
        .set({ stoppedBy: actor, stoppedAt: now })
        .where(and(eq(samplingBoostsTable.id, id), isNull(samplingBoostsTable.stoppedAt)));
      return affectedRows(result) > 0;
    },
  };
}

export type BoostsRepository = ReturnType<typeof createBoostsRepository>;
