import { setImmediate as yieldToIngest } from 'node:timers/promises';
import type { DbExecutor } from '../../platform/db.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AuditEntryInput } from '../audit/audit.models.ts';
import type { EventSubject } from '../ingestion/events-erasure.repository.ts';
import type { RetentionConfig } from './retention.config.ts';
import { computePurgeCutoffs, isDueForPurge } from './retention.models.ts';

// Erasure and the retention purge. Both work in small batches, each its own short
// transaction, and yield to the event loop between batches: SQLite has one writer, and an
// ingest request waiting behind a purge of a million rows would time out. The audit log
// records what was done and how many rows, never the text nor the user or session id.

/** The other modules' small repository functions retention works through, all in the caller's transaction. */
export interface RetentionStores {
  transaction<T>(run: (tx: DbExecutor) => Promise<T>): Promise<T>;
  findUnerasedEventSeqs(tx: DbExecutor, filter: { source: string; subject: EventSubject; afterSeq: number; limit: number }): Promise<number[]>;
  eraseEventTexts(tx: DbExecutor, seqs: readonly number[], now: number): Promise<void>;
  eraseGraderResultTexts(tx: DbExecutor, seqs: readonly number[]): Promise<void>;
  listItemIdsOfEvents(tx: DbExecutor, seqs: readonly number[]): Promise<string[]>;
  eraseVerdictNotes(tx: DbExecutor, itemIds: readonly string[]): Promise<void>;
  eraseOutboxPayloadsNaming(tx: DbExecutor, ids: readonly string[], now: number): Promise<number>;
  findEventsReceivedBefore(
    tx: DbExecutor,
    filter: { source: string; before: number; afterSeq: number; limit: number },
  ): Promise<{ seq: number; receivedAt: number }[]>;
  listReviewedEventSeqs(tx: DbExecutor, seqs: readonly number[]): Promise<Set<number>>;
  deleteGradingRows(tx: DbExecutor, seqs: readonly number[]): Promise<void>;
  deleteReviewRows(tx: DbExecutor, seqs: readonly number[]): Promise<string[]>;
  deleteEventRows(tx: DbExecutor, seqs: readonly number[]): Promise<number>;
  appendAudit(tx: DbExecutor, entry: AuditEntryInput, now: number): Promise<void>;
}

export interface RetentionDeps {
  stores: RetentionStores;
  clock: Clock;
  retentionOf(source: string): RetentionConfig | undefined;
  /**
   * After an erasure commits: update these items' Slack cards (through the outbox) to say the
   * content was erased. Awaited, so `vigil erase` has queued every card update before it exits.
   */
  updateErasedCards(itemIds: string[]): void | Promise<void>;
  batchSize?: number;
}

export interface ErasureResult {
  events: number;
  review_items: number;
  outbox_rows: number;
}

const DEFAULT_BATCH_SIZE = 200;

function describeSubject(subject: EventSubject): string {
  if ('userId' in subject) return 'user_id';
  if ('sessionId' in subject) return 'session_id';
  return 'event_id';
}

/**
 * Erases the text of a source's events of one user, session or event id everywhere Vigil
 * stores it (events, grader reasons and cache keys, verdict notes, outbox payloads), keeping
 * counts, flags, scores and verdict labels. Idempotent: an erased event is not matched again.
 */
export async function eraseEvents(deps: RetentionDeps, request: { source: string; subject: EventSubject; actor: string }): Promise<ErasureResult> {
  const { stores } = deps;
  const limit = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const result: ErasureResult = { events: 0, review_items: 0, outbox_rows: 0 };
  for (let afterSeq = 0; ; ) {
    const now = deps.clock.now();
    const batch = await stores.transaction(async (tx) => {
      const seqs = await stores.findUnerasedEventSeqs(tx, { source: request.source, subject: request.subject, afterSeq, limit });
      await stores.eraseEventTexts(tx, seqs, now);
      await stores.eraseGraderResultTexts(tx, seqs);
      const itemIds = await stores.listItemIdsOfEvents(tx, seqs);
      await stores.eraseVerdictNotes(tx, itemIds);
      const outboxRows = await stores.eraseOutboxPayloadsNaming(tx, itemIds, now);
      return { seqs, itemIds, outboxRows };
    });
    result.events += batch.seqs.length;
    result.review_items += batch.itemIds.length;
    result.outbox_rows += batch.outboxRows;
    if (batch.itemIds.length > 0) await deps.updateErasedCards(batch.itemIds);
    if (batch.seqs.length < limit) break;
    afterSeq = batch.seqs.at(-1)!;
    await yieldToIngest();
  }
  await stores.transaction((tx) =>
    stores.appendAudit(
      tx,
      { actor: request.actor, action: 'events.erased', source: request.source, subjectType: 'events', details: { by: describeSubject(request.subject), ...result } },
      deps.clock.now(),
    ),
  );
  return result;
}

/** Deletes one source's events past its retention, with their grading, review rows and card payloads. */
export async function purgeExpiredEvents(deps: RetentionDeps, source: string, now: number): Promise<{ events: number; review_items: number }> {
  const cutoffs = computePurgeCutoffs(deps.retentionOf(source), now);
  const purged = { events: 0, review_items: 0 };
  if (!cutoffs) return purged;
  const { stores } = deps;
  const limit = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  for (let afterSeq = 0; ; ) {
    const batch = await stores.transaction(async (tx) => {
      const candidates = await stores.findEventsReceivedBefore(tx, { source, before: cutoffs.before, afterSeq, limit });
      const reviewed = await stores.listReviewedEventSeqs(tx, candidates.map((event) => event.seq));
      const due = candidates.filter((event) => isDueForPurge({ receivedAt: event.receivedAt, reviewed: reviewed.has(event.seq) }, cutoffs)).map((event) => event.seq);
      await stores.deleteGradingRows(tx, due);
      const itemIds = await stores.deleteReviewRows(tx, due);
      await stores.eraseOutboxPayloadsNaming(tx, itemIds, now);
      await stores.deleteEventRows(tx, due);
      return { candidates: candidates.length, lastSeq: candidates.at(-1)?.seq, events: due.length, items: itemIds.length };
    });
    purged.events += batch.events;
    purged.review_items += batch.items;
    if (batch.candidates < limit || batch.lastSeq === undefined) break;
    afterSeq = batch.lastSeq;
    await yieldToIngest();
  }
  if (purged.events > 0) {
    await stores.transaction((tx) =>
      stores.appendAudit(
        tx,
        { actor: 'system', action: 'events.purged', source, subjectType: 'events', details: { ...purged, stored_before: new Date(cutoffs.before).toISOString() } },
        deps.clock.now(),
      ),
    );
  }
  return purged;
}
