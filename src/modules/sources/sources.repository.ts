import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import type { Clock } from '../../shared/clock.ts';
import { sourcesTable } from './sources.table.ts';

export function createSourcesRepository({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /** Records every source of the config file; a source removed from the file keeps its row (its events reference it). */
    async upsertMany(sources: { name: string; description?: string | undefined }[]): Promise<void> {
      if (sources.length === 0) return;
      const now = clock.now();
      await db
        .insert(sourcesTable)
        .values(sources.map((s) => ({ name: s.name, description: s.description ?? null, createdAt: now, updatedAt: now })))
        .onConflictDoUpdate({
          target: sourcesTable.name,
          set: { description: sql`excluded.description`, updatedAt: now },
        });
    },

    async listNames(): Promise<string[]> {
      const rows = await db.select({ name: sourcesTable.name }).from(sourcesTable);
      return rows.map((row) => row.name);
    },
  };
}

export type SourcesRepository = ReturnType<typeof createSourcesRepository>;
