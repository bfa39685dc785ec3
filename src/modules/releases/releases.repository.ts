import { and, desc, eq, isNotNull, ne } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
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
  const find = (source: string, release: string) =>
    db.select().from(releasesTable).where(and(eq(releasesTable.source, source), eq(releasesTable.release, release))).get();

  return {
    async find(source: string, release: string): Promise<ReleaseRow | undefined> {
      return find(source, release);
    },

    /** Most recently live first. */
    async list(source: string, limit = 100): Promise<ReleaseRow[]> {
      return db.select().from(releasesTable).where(eq(releasesTable.source, source)).orderBy(desc(releasesTable.lastLiveAt)).limit(limit).all();
    },

    /**
     * Makes the release the live one of its source: the previous live release banks its
     * live time. Every instance of the app reports its release when it starts, so reporting
     * the release that is already live changes nothing and writes no audit entry.
     */
    async registerLive(input: ReleaseInput, now: number, audit: (previous: string | null) => AuditEntryInput): Promise<{ release: ReleaseRow; changed: boolean }> {
      return db.transaction(
        (tx) => {
          const existing = find(input.source, input.release);
          if (existing?.liveSince != null) return { release: existing, changed: false };
          const previous = tx
            .select()
            .from(releasesTable)
            .where(and(eq(releasesTable.source, input.source), isNotNull(releasesTable.liveSince), ne(releasesTable.release, input.release)))
            .get();
          if (previous) {
            tx.update(releasesTable)
              .set({ liveSince: null, liveMs: previous.liveMs + Math.max(0, now - (previous.liveSince ?? now)) })
              .where(and(eq(releasesTable.source, input.source), eq(releasesTable.release, previous.release)))
              .run();
          }
          const release = tx
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
            .returning()
            .get();
          appendAuditEntry(tx, audit(previous?.release ?? null), now);
          return { release, changed: true };
        },
        { behavior: 'immediate' },
      );
    },

    /** False when it was already marked. */
    async markKnownGood(source: string, release: string, actor: string, now: number, audit: AuditEntryInput): Promise<boolean> {
      return db.transaction(
        (tx) => {
          const current = find(source, release);
          if (!current || current.knownGoodAt !== null) return false;
          tx.update(releasesTable)
            .set({ knownGoodAt: now, knownGoodBy: actor })
            .where(and(eq(releasesTable.source, source), eq(releasesTable.release, release)))
            .run();
          appendAuditEntry(tx, audit, now);
          return true;
        },
        { behavior: 'immediate' },
      );
    },
  };
}

export type ReleasesRepository = ReturnType<typeof createReleasesRepository>;
