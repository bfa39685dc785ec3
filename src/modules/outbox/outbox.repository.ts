import { and, type AnyColumn, asc, eq, inArray, isNotNull, isNull, lt, lte, notExists, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { affectedRows, executeStatement, type Db, type DbExecutor } from '../../platform/db.ts';
import type { Clock } from '../../shared/clock.ts';
import { generateId } from '../../shared/ids.ts';
import { deriveSlackOrderKey, type OutboxKind, type OutboxMessageInput } from './outbox.models.ts';
import { outboxTable, type OutboxRow } from './outbox.table.ts';

const OPEN: Array<'pending' | 'in_flight'> = ['pending', 'in_flight'];
// Written as a literal, not bound parameters: SQLite uses the partial index of open
// rows only when the query repeats the index's WHERE term, and the head-of-key check
// must not scan a channel's whole delivered history.
const isOpen = (column: AnyColumn) => sql`${column} in ('pending', 'in_flight')`;
const SLACK_METHOD = /^[a-z]+(\.[a-zA-Z]+)+$/;
/** Any constant every instance agrees on: one claim at a time keeps each order key's head unique. */
const OUTBOX_CLAIM_LOCK_KEY = 0x76_6f_75_74;

/**
 * Adds a message. Call it inside the caller's write transaction so the domain change
 * and its Slack message or webhook commit together (both or neither), then call the
 * worker's `notify()` after the commit. With a `dedupeKey` already present it adds
 * nothing and returns the existing message's id (`created: false`).
 */
export async function enqueueOutboxMessage(db: DbExecutor, message: OutboxMessageInput, now: number): Promise<{ id: string; created: boolean }> {
  checkMessageIsValid(message);
  const id = generateId('outbox', now);
  const [inserted] = await db
    .insert(outboxTable)
    .values({
      id,
      kind: message.kind,
      orderKey: message.orderKey ?? (message.kind === 'slack' ? deriveSlackOrderKey(message.method, message.payload) : ''),
      method: message.kind === 'slack' ? message.method : 'POST',
      payload: message.payload as unknown as Record<string, unknown>,
      status: 'pending',
      nextAttemptAt: message.notBefore ?? now,
      dedupeKey: message.dedupeKey ?? null,
      purpose: message.purpose ?? null,
      purposeRef: message.purposeRef ?? null,
      createdAt: now,
    })
    .onConflictDoNothing({ target: outboxTable.dedupeKey })
    .returning({ id: outboxTable.id });
  if (inserted) return { id: inserted.id, created: true };
  const [existing] = await db.select({ id: outboxTable.id }).from(outboxTable).where(eq(outboxTable.dedupeKey, message.dedupeKey ?? ''));
  if (!existing) throw new Error('outbox: insert ignored without a matching dedupe key');
  return { id: existing.id, created: false };
}

function checkMessageIsValid(message: OutboxMessageInput) {
  if (message.kind === 'slack' && !SLACK_METHOD.test(message.method)) throw new Error(`outbox: "${message.method}" is not a Slack Web API method name`);
  if (message.kind === 'webhook') {
    const protocol = new URL(message.payload.url).protocol;
    if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`outbox: webhook URL must be http(s), got ${protocol}`);
    if (!message.orderKey) throw new Error('outbox: a webhook needs an order key (webhookOrderKey(source))');
  }
}

export interface ClaimOptions {
  owner: string;
  limit: number;
  leaseMs: number;
  kinds: readonly OutboxKind[];
  /** Methods paused by a workspace-wide rate limit: their rows wait, and so does their order key. */
  excludeMethods?: readonly string[];
}

export function createOutboxRepository({ db, clock }: { db: Db; clock: Clock }) {
  const earlier = alias(outboxTable, 'earlier');
  // Only the oldest open message of an order key may go: a card update never overtakes its post.
  const isHeadOfOrderKey = notExists(
    db
      .select({ one: sql`1` })
      .from(earlier)
      .where(and(eq(earlier.orderKey, outboxTable.orderKey), lt(earlier.seq, outboxTable.seq), isOpen(earlier.status))),
  );
  const inKinds = (options: { kinds: readonly OutboxKind[]; excludeMethods?: readonly string[] }): SQL | undefined =>
    and(inArray(outboxTable.kind, [...options.kinds]), options.excludeMethods?.length ? notInArray(outboxTable.method, [...options.excludeMethods]) : undefined);
  const settle = async (id: string, owner: string, values: Partial<OutboxRow>): Promise<boolean> =>
    affectedRows(
      await db
        .update(outboxTable)
        .set({ ...values, leaseOwner: null, leaseUntil: null })
        .where(and(eq(outboxTable.id, id), eq(outboxTable.status, 'in_flight'), eq(outboxTable.leaseOwner, owner))),
    ) === 1;

  return {
    async enqueue(message: OutboxMessageInput) {
      return db.transaction((tx) => enqueueOutboxMessage(tx, message, clock.now()));
    },

    /**
     * Leases up to `limit` due messages, each the head of its order key; an in-flight row whose
     * lease ran out (its process died) is due again. Two processes never lease the same row:
     * on SQLite BEGIN IMMEDIATE takes the write lock before reading; on PostgreSQL claims take
     * turns under a transaction-scoped advisory lock, which also keeps the head-of-order-key
     * check true across instances (per-channel FIFO), and last a few milliseconds.
     */
    async claim(options: ClaimOptions): Promise<OutboxRow[]> {
      if (options.limit <= 0 || options.kinds.length === 0) return [];
      return db.transaction(async (tx) => {
          const now = clock.now();
          if (tx.dialect === 'postgres') await executeStatement(tx, sql`SELECT pg_advisory_xact_lock(${OUTBOX_CLAIM_LOCK_KEY})`);
          const due = or(
            and(eq(outboxTable.status, 'pending'), lte(outboxTable.nextAttemptAt, now)),
            and(eq(outboxTable.status, 'in_flight'), lte(outboxTable.leaseUntil, now)),
          );
          const candidates = tx
            .select({ seq: outboxTable.seq })
            .from(outboxTable)
            .where(and(inArray(outboxTable.status, OPEN), due, inKinds(options), isHeadOfOrderKey))
            .orderBy(asc(outboxTable.seq))
            .limit(options.limit);
          const claimed = await tx
            .update(outboxTable)
            .set({ status: 'in_flight', leaseOwner: options.owner, leaseUntil: now + options.leaseMs, attempts: sql`${outboxTable.attempts} + 1` })
            .where(inArray(outboxTable.seq, candidates))
            .returning();
          return claimed.sort((a, b) => a.seq - b.seq);
      });
    },

    /** False when the lease was lost (another process took the row over after it expired). */
    async complete(id: string, owner: string, response: Record<string, unknown>): Promise<boolean> {
      return settle(id, owner, { status: 'delivered', deliveredAt: clock.now(), response, lastError: null });
    },

    async reschedule(id: string, owner: string, retry: { nextAttemptAt: number; error: string }): Promise<boolean> {
      return settle(id, owner, { status: 'pending', nextAttemptAt: retry.nextAttemptAt, lastError: retry.error });
    },

    async fail(id: string, owner: string, error: string): Promise<boolean> {
      return settle(id, owner, { status: 'failed', failedAt: clock.now(), lastError: error });
    },

    async findById(id: string): Promise<OutboxRow | undefined> {
      const [row] = await db.select().from(outboxTable).where(eq(outboxTable.id, id));
      return row;
    },

    async findByIds(ids: readonly string[]): Promise<OutboxRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(outboxTable).where(inArray(outboxTable.id, [...ids]));
    },

    async listByPurpose(purpose: string, purposeRef?: string): Promise<OutboxRow[]> {
      const byRef = purposeRef === undefined ? undefined : eq(outboxTable.purposeRef, purposeRef);
      return db.select().from(outboxTable).where(and(eq(outboxTable.purpose, purpose), byRef)).orderBy(asc(outboxTable.seq));
    },

    /** When the next message of these kinds becomes due (a head's retry time or an expired lease); null if none. */
    async readNextDueAt(options: { kinds: readonly OutboxKind[]; excludeMethods?: readonly string[] }): Promise<number | null> {
      if (options.kinds.length === 0) return null;
      const dueAt = sql<number | null>`min(case when ${outboxTable.status} = 'pending' then ${outboxTable.nextAttemptAt} else ${outboxTable.leaseUntil} end)`;
      const [row] = await db
        .select({ dueAt })
        .from(outboxTable)
        .where(and(inArray(outboxTable.status, OPEN), inKinds(options), isHeadOfOrderKey));
      return row?.dueAt ?? null;
    },

    /** Undelivered messages per kind and the oldest one's creation time, for /metrics. */
    async readQueueStats(): Promise<Array<{ kind: OutboxKind; open: number; oldestCreatedAt: number | null }>> {
      return db
        .select({ kind: outboxTable.kind, open: sql<number>`count(*)`, oldestCreatedAt: sql<number | null>`min(${outboxTable.createdAt})` })
        .from(outboxTable)
        .where(inArray(outboxTable.status, OPEN))
        .groupBy(outboxTable.kind);
    },

    /** Finished messages whose hooks have not run, finished before `finishedBefore` (a crash between send and hook). */
    async listUnhooked(options: { finishedBefore: number; limit: number }): Promise<OutboxRow[]> {
      return db
        .select()
        .from(outboxTable)
        .where(
          and(
            isNull(outboxTable.hookedAt),
            isNotNull(outboxTable.purpose),
            inArray(outboxTable.status, ['delivered', 'failed']),
            lte(sql`coalesce(${outboxTable.deliveredAt}, ${outboxTable.failedAt})`, options.finishedBefore),
          ),
        )
        .orderBy(asc(outboxTable.seq))
        .limit(options.limit);
    },

    async markHooked(id: string): Promise<void> {
      await db.update(outboxTable).set({ hookedAt: clock.now() }).where(eq(outboxTable.id, id));
    },

    /** Deletes finished messages older than the cutoff; keep days of them, as `$ref`s and audits read them. */
    async prune(options: { finishedBefore: number }): Promise<number> {
      const finishedAt = sql`coalesce(${outboxTable.deliveredAt}, ${outboxTable.failedAt})`;
      const hooked = or(isNull(outboxTable.purpose), isNotNull(outboxTable.hookedAt));
      return affectedRows(
        await db.delete(outboxTable).where(and(inArray(outboxTable.status, ['delivered', 'failed']), hooked, lt(finishedAt, options.finishedBefore))),
      );
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
