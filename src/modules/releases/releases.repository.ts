import { and, desc, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { affectedRows, executeStatement, type Db } from '../../platform/db.ts';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import type { AuditEntryInput } from '../audit/audit.models.ts';
import { releasesTable, type ReleaseRow } from './releases.table.ts';

export interface ReleaseInput {
  source: string;
  release: string;
  model: string | null;
  promptVersion: string | null;
  metadata: Record<string, unknown> | null;
  registeredBy: string;
}

export function createReleasesRepository({ db }: { db: Db }) {
  const find = async (source: string, release: string): Promise<ReleaseRow | undefined> => {
    const [row] = await db.select().from(releasesTable).where(and(eq(releasesTable.source, source), eq(releasesTable.release, release)));
    return row;
  };

  return {
    async find(source: string, release: string): Promise<ReleaseRow | undefined> {
      return find(source, release);
    },

    /** Most recently live first. */
    async list(source: string, limit = 100): Promise<ReleaseRow[]> {
      return db.select().from(releasesTable).where(eq(releasesTable.source, source)).orderBy(desc(releasesTable.lastLiveAt)).limit(limit);
    },

    /**
     * Makes the release the live one of its source: the previous live release banks its
     * live time. Every instance of the app reports its release when it starts, so reporting
     * the release that is already live changes nothing and writes no audit entry. Instances
     * starting together on PostgreSQL take turns per source (a transaction-scoped advisory
     * lock), so exactly one of them flips the live release and audits it.
     */
    async registerLive(input: ReleaseInput, now: number, audit: (previous: string | null) => AuditEntryInput): Promise<{ release: ReleaseRow; changed: boolean }> {
      return db.transaction(async (tx) => {
        if (tx.dialect === 'postgres') await executeStatement(tx, sql`SELECT pg_advisory_xact_lock(hashtext(${`release:${input.source}`}))`);
        const existing = await find(input.source, input.release);
        if (existing?.liveSince != null) return { release: existing, changed: false };
        const [previous] = await tx
          .select()
          .from(releasesTable)
          .where(and(eq(releasesTable.source, input.source), isNotNull(releasesTable.liveSince), ne(releasesTable.release, input.release)))
          .limit(1);
        if (previous) {
          await tx
            .update(releasesTable)
            .set({ liveSince: null, liveMs: previous.liveMs + Math.max(0, now - (previous.liveSince ?? now)) })
            .where(and(eq(releasesTable.source, input.source), eq(releasesTable.release, previous.release)));
        }
        const [release] = await tx
          .insert(releasesTable)
          .values({ ...input, firstSeenAt: now, lastLiveAt: now, liveSince: now, liveMs: 0 })
          .onConflictDoUpdate({
            target: [releasesTable.source, releasesTable.release],
            set: {
              model: input.model ?? existing?.model ?? null,
              promptVersion: input.promptVersion ?? existing?.promptVersion ?? null,
              metadata: input.metadata ?? existing?.metadata ?? null,
              lastLiveAt: now,
              liveSince: now,
            },
          })
          .returning();
        await appendAuditEntry(tx, audit(previous?.release ?? null), now);
        return { release: release!, changed: true };
      });
    },

    /** False when it was already marked (or is unknown): the update is conditional, so of two marks at once one wins. */
    async markKnownGood(source: string, release: string, actor: string, now: number, audit: AuditEntryInput): Promise<boolean> {
      return db.transaction(async (tx) => {
        const marked = await tx
          .update(releasesTable)
          .set({ knownGoodAt: now, knownGoodBy: actor })
          .where(and(eq(releasesTable.source, source), eq(releasesTable.release, release), isNull(releasesTable.knownGoodAt)));
        if (affectedRows(marked) === 0) return false;
        await appendAuditEntry(tx, audit, now);
        return true;
      });
    },
  };
}

export type ReleasesRepository = ReturnType<typeof createReleasesRepository>;
