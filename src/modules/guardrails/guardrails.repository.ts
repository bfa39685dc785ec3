import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { announceChange } from '../../platform/db-changes.ts';
import { executeStatement, type Db, type DbExecutor } from '../../platform/db.ts';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import type { AuditEntryInput } from '../audit/audit.models.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import type { OutboxMessageInput } from '../outbox/outbox.models.ts';
import { guardrailVersionsTable } from './guardrails.table.ts';
import type { GuardrailVersion } from './guardrails.models.ts';

/** What a writer decides from the latest version: the next row, its audit entry and webhook, or null for "nothing changes". */
export interface NextVersionPlan {
  row: Omit<GuardrailVersion, 'source' | 'version' | 'webhookOutboxId' | 'createdAt'>;
  audit(version: GuardrailVersion): AuditEntryInput;
  webhook?(version: GuardrailVersion): OutboxMessageInput;
}

export type NextVersionDecision = (latest: GuardrailVersion | undefined) => NextVersionPlan | null;

async function readLatest(db: DbExecutor, source: string): Promise<GuardrailVersion | undefined> {
  const [latest] = await db
    .select()
    .from(guardrailVersionsTable)
    .where(eq(guardrailVersionsTable.source, source))
    .orderBy(desc(guardrailVersionsTable.version))
    .limit(1);
  return latest;
}

/** The advisory-lock namespace of guardrail writers (the two-key form keeps it apart from the audit chain's one-key lock). */
const GUARDRAIL_LOCK_NAMESPACE = 0x67_72_64_6c;

/** PostgreSQL: one writer per source at a time, until the transaction ends (SQLite's write lock already serialises them). */
async function lockSource(tx: DbExecutor, source: string): Promise<void> {
  if (tx.dialect === 'postgres') await executeStatement(tx, sql`SELECT pg_advisory_xact_lock(${GUARDRAIL_LOCK_NAMESPACE}, hashtext(${source}))`);
}

export function createGuardrailsRepository({ db }: { db: Db }) {
  return {
    async findLatest(source: string): Promise<GuardrailVersion | undefined> {
      return readLatest(db, source);
    },

    async findVersion(source: string, version: number): Promise<GuardrailVersion | undefined> {
      const [found] = await db
        .select()
        .from(guardrailVersionsTable)
        .where(and(eq(guardrailVersionsTable.source, source), eq(guardrailVersionsTable.version, version)));
      return found;
    },

    /** Newest first. */
    async list(source: string, options: { limit?: number; beforeVersion?: number } = {}): Promise<GuardrailVersion[]> {
      const before = options.beforeVersion === undefined ? undefined : lt(guardrailVersionsTable.version, options.beforeVersion);
      return db
        .select()
        .from(guardrailVersionsTable)
        .where(and(eq(guardrailVersionsTable.source, source), before))
        .orderBy(desc(guardrailVersionsTable.version))
        .limit(options.limit ?? 50);
    },

    /** One index probe: what the live cache polls to notice a version written by another process. */
    async readMaxVersion(source: string): Promise<number> {
      const [row] = await db
        .select({ version: sql<number | null>`max(${guardrailVersionsTable.version})` })
        .from(guardrailVersionsTable)
        .where(eq(guardrailVersionsTable.source, source));
      return row?.version ?? 0;
    },

    /**
     * Reads the latest version and writes the next one in one transaction that serialises
     * writers of the source: SQLite takes the write lock before the read (BEGIN IMMEDIATE);
     * PostgreSQL takes a transaction-scoped advisory lock on the source. So a concurrent writer
     * (another request, the CLI, another instance) waits and then builds on this version instead
     * of overwriting it (or failing on the (source, version) key).
     * The audit entry and the webhook's outbox message commit with the version or not at all.
     */
    async writeNext(source: string, decide: NextVersionDecision, now: number): Promise<{ version: GuardrailVersion; created: boolean }> {
      return db.transaction(async (tx) => {
        await lockSource(tx, source);
        const latest = await readLatest(tx, source);
        const plan = decide(latest);
        if (!plan) {
          if (!latest) throw new Error(`guardrail of ${source} has no version and the change created none`);
          return { version: latest, created: false };
        }
        const draft: GuardrailVersion = { ...plan.row, source, version: (latest?.version ?? 0) + 1, webhookOutboxId: null, createdAt: now };
        const webhook = plan.webhook?.(draft);
        const version = { ...draft, webhookOutboxId: webhook ? (await enqueueOutboxMessage(tx, webhook, now)).id : null };
        await tx.insert(guardrailVersionsTable).values(version);
        await appendAuditEntry(tx, plan.audit(version), now);
        // Every other instance's /v1/check serves it as soon as this commits (the poll is the fallback).
        await announceChange(tx, 'guardrails');
        return { version, created: true };
      });
    },
  };
}

export type GuardrailsRepository = ReturnType<typeof createGuardrailsRepository>;
