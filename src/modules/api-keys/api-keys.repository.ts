import { and, asc, eq, isNull } from 'drizzle-orm';
import { announceChange } from '../../platform/db-changes.ts';
import { affectedRows, type Db } from '../../platform/db.ts';
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
      await db.transaction(async (tx) => {
        await tx.insert(apiKeysTable).values(key);
        await appendAuditEntry(tx, audit, key.createdAt);
      });
    },

    async findActiveByHash(hash: string): Promise<ApiKey | undefined> {
      const [key] = await db
        .select(publicColumns)
        .from(apiKeysTable)
        .where(and(eq(apiKeysTable.hash, hash), isNull(apiKeysTable.revokedAt)))
        .limit(1);
      return key;
    },

    async findById(id: string): Promise<ApiKey | undefined> {
      const [key] = await db.select(publicColumns).from(apiKeysTable).where(eq(apiKeysTable.id, id));
      return key;
    },

    async list(): Promise<ApiKey[]> {
      return db.select(publicColumns).from(apiKeysTable).orderBy(asc(apiKeysTable.createdAt), asc(apiKeysTable.id));
    },

    /** Marks the key revoked (once) and audits it; false when it was already revoked. */
    async revoke(id: string, now: number, audit: AuditEntryInput): Promise<boolean> {
      return db.transaction(async (tx) => {
        const revoked = affectedRows(await tx.update(apiKeysTable).set({ revokedAt: now }).where(and(eq(apiKeysTable.id, id), isNull(apiKeysTable.revokedAt))));
        if (revoked === 0) return false;
        await appendAuditEntry(tx, audit, now);
        // Other instances drop their cached answer for it when this commits (otherwise within the cache TTL).
        await announceChange(tx, 'api_keys');
        return true;
      });
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;
