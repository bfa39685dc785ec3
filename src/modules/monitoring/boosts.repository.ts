import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { samplingBoostsTable } from './monitoring.table.ts';

// Raised review sampling for a slice of a source's traffic, for a period. Rows are never
// deleted: stopping a boost records who stopped it and when.

export type SamplingBoostRow = typeof samplingBoostsTable.$inferSelect;

export function createBoostsRepository({ db }: { db: Db }) {
  const readActiveBoosts = (source: string, now: number): SamplingBoostRow[] =>
    db
      .select()
      .from(samplingBoostsTable)
      .where(and(eq(samplingBoostsTable.source, source), gt(samplingBoostsTable.until, now), isNull(samplingBoostsTable.stoppedAt)))
      .orderBy(samplingBoostsTable.id)
      .all();

  return {
    async insertBoost(boost: { source: string; slice: string; metric: string; rate: number; startedAt: number; until: number; alertId: number | null }): Promise<SamplingBoostRow> {
      return db.insert(samplingBoostsTable).values(boost).returning().get();
    },

    /** Boosts of `source` still running at `now`: not stopped and not past their end. */
    async listActiveBoosts(source: string, now: number): Promise<SamplingBoostRow[]> {
      return readActiveBoosts(source, now);
    },

    /** The same read, synchronous: the review sampler asks inside its (synchronous) SQLite transaction. */
    readActiveBoosts,

    async findBoost(id: number): Promise<SamplingBoostRow | undefined> {
      return db.select().from(samplingBoostsTable).where(eq(samplingBoostsTable.id, id)).get();
    },

    async findBoostOfAlert(alertId: number): Promise<SamplingBoostRow | undefined> {
      return db.select().from(samplingBoostsTable).where(eq(samplingBoostsTable.alertId, alertId)).get();
    },

    /** Stops a running boost; false when it was already stopped (a double click changes nothing). */
    async stopBoost(id: number, actor: string, now: number): Promise<boolean> {
      const result = db
        .update(samplingBoostsTable)
        .set({ stoppedBy: actor, stoppedAt: now })
        .where(and(eq(samplingBoostsTable.id, id), isNull(samplingBoostsTable.stoppedAt)))
        .run();
      return result.changes > 0;
    },
  };
}

export type BoostsRepository = ReturnType<typeof createBoostsRepository>;
