import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../platform/db.ts';
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

function readLatest(db: DbExecutor, source: string): GuardrailVersion | undefined {
  return db
    .select()
    .from(guardrailVersionsTable)
    .where(eq(guardrailVersionsTable.source, source))
    .orderBy(desc(guardrailVersionsTable.version))
    .limit(1)
    .get();
}

export function createGuardrailsRepository({ db }: { db: Db }) {
  const maxVersion = db
    .select({ version: sql<number | null>`max(${guardrailVersionsTable.version})` })
    .from(guardrailVersionsTable)
    .where(eq(guardrailVersionsTable.source, sql.placeholder('source')))
    .prepare();

  return {
    async findLatest(source: string): Promise<GuardrailVersion | undefined> {
      return readLatest(db, source);
    },

    async findVersion(source: string, version: number): Promise<GuardrailVersion | undefined> {
      return db
        .select()
        .from(guardrailVersionsTable)
        .where(and(eq(guardrailVersionsTable.source, source), eq(guardrailVersionsTable.version, version)))
        .get();
    },

    /** Newest first. */
    async list(source: string, options: { limit?: number; beforeVersion?: number } = {}): Promise<GuardrailVersion[]> {
      const before = options.beforeVersion === undefined ? undefined : lt(guardrailVersionsTable.version, options.beforeVersion);
      return db
        .select()
        .from(guardrailVersionsTable)
        .where(and(eq(guardrailVersionsTable.source, source), before))
        .orderBy(desc(guardrailVersionsTable.version))
        .limit(options.limit ?? 50)
        .all();
    },

    /** One index probe: what the live cache polls to notice a version written by another process. */
    readMaxVersion(source: string): number {
      return maxVersion.get({ source })?.version ?? 0;
    },

    /**
     * Reads the latest version and writes the next one in one BEGIN IMMEDIATE transaction:
     * the write lock is taken before the read, so a concurrent writer (another request, the
     * CLI, another process) waits and then builds on this version instead of overwriting it.
     * The audit entry and the webhook's outbox message commit with the version or not at all.
     */
    async writeNext(source: string, decide: NextVersionDecision, now: number): Promise<{ version: GuardrailVersion; created: boolean }> {
      return db.transaction(
        (tx) => {
          const latest = readLatest(tx, source);
          const plan = decide(latest);
          if (!plan) {
            if (!latest) throw new Error(`guardrail of ${source} has no version and the change created none`);
            return { version: latest, created: false };
          }
          const draft: GuardrailVersion = { ...plan.row, source, version: (latest?.version ?? 0) + 1, webhookOutboxId: null, createdAt: now };
          const webhook = plan.webhook?.(draft);
          const version = { ...draft, webhookOutboxId: webhook ? enqueueOutboxMessage(tx, webhook, now).id : null };
          tx.insert(guardrailVersionsTable).values(version).run();
          appendAuditEntry(tx, plan.audit(version), now);
          return { version, created: true };
        },
        { behavior: 'immediate' },
      );
    },
  };
}

export type GuardrailsRepository = ReturnType<typeof createGuardrailsRepository>;
