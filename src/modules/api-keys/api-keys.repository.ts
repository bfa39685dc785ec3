import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import type { AuditEntryInput } from '../audit/audit.models.ts';
import { apiKeysTable } from './api-keys.table.ts';
import type { ApiKey } from './api-keys.models.ts';

const publicColumns = {
  id: apiKeysTable.id,
  name: apiKeysTable.name,
  prefix: apiKeysTable.prefix,
  scopes: apiKeysTable.scopes,
  sources: apiKeysTable.sources,
  createdBy: apiKeysTable.createdBy,
  createdAt: apiKeysTable.createdAt,
  revokedAt: apiKeysTable.revokedAt,
};

export function createApiKeysRepository({ db }: { db: Db }) {
  return {
    /** Stores the key and its audit entry in one transaction. */
    async insert(key: ApiKey & { hash: string }, audit: AuditEntryInput): Promise<void> {
      db.transaction(
        (tx) => {
          tx.insert(apiKeysTable).values(key).run();
          appendAuditEntry(tx, audit, key.createdAt);
        },
        { behavior: 'immediate' },
      );
    },

    async findActiveByHash(hash: string): Promise<ApiKey | undefined> {
      return db
        .select(publicColumns)
        .from(apiKeysTable)
        .where(and(eq(apiKeysTable.hash, hash), isNull(apiKeysTable.revokedAt)))
        .get();
    },

    async findById(id: string): Promise<ApiKey | undefined> {
      return db.select(publicColumns).from(apiKeysTable).where(eq(apiKeysTable.id, id)).get();
    },

    async list(): Promise<ApiKey[]> {
      return db.select(publicColumns).from(apiKeysTable).orderBy(asc(apiKeysTable.createdAt)).all();
    },

    /** Marks the key revoked (once) and audits it; false when it was already revoked. */
    async revoke(id: string, now: number, audit: AuditEntryInput): Promise<boolean> {
      return db.transaction(
        (tx) => {
          const result = tx
            .update(apiKeysTable)
            .set({ revokedAt: now })
            .where(and(eq(apiKeysTable.id, id), isNull(apiKeysTable.revokedAt)))
            .run();
          if (result.changes === 0) return false;
          appendAuditEntry(tx, audit, now);
          return true;
        },
        { behavior: 'immediate' },
      );
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;
