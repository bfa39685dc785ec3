import { and, asc, eq, gt, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { affectedRows, type DbExecutor } from '../../platform/db.ts';
import type { Detection } from '../checks/checks.models.ts';
import { eventsTable } from './events.table.ts';

// What the retention module may do to events, and nothing more: find them by a data
// subject or by age, erase their text in place, delete them. Every function joins the
// caller's transaction, so an erasure across modules commits whole.

/** What an erased text field holds: the row keeps its shape (output is NOT NULL), not its content. */
export const ERASED_TEXT = '[erased]';

export type EventSubject = { userId: string } | { sessionId: string } | { eventId: string };

function subjectCondition(subject: EventSubject): SQL {
  if ('userId' in subject) return eq(eventsTable.userId, subject.userId);
  if ('sessionId' in subject) return eq(eventsTable.sessionId, subject.sessionId);
  return eq(eventsTable.id, subject.eventId);
}

/** Seqs of a source's events of one user, session or id that still hold their text, in order, from `afterSeq`. */
export async function findUnerasedEventSeqs(
  db: DbExecutor,
  filter: { source: string; subject: EventSubject; afterSeq: number; limit: number },
): Promise<number[]> {
  const rows = await db
    .select({ seq: eventsTable.seq })
    .from(eventsTable)
    .where(and(eq(eventsTable.source, filter.source), subjectCondition(filter.subject), isNull(eventsTable.erasedAt), gt(eventsTable.seq, filter.afterSeq)))
    .orderBy(asc(eventsTable.seq))
    .limit(filter.limit);
  return rows.map((row) => row.seq);
}

/** Replaces the text of events (input, output, metadata, detector evidence, user and session ids) and stamps erased_at. */
export async function eraseEventTexts(db: DbExecutor, seqs: readonly number[], now: number): Promise<void> {
  if (seqs.length === 0) return;
  const rows = await db.select({ seq: eventsTable.seq, detections: eventsTable.detections }).from(eventsTable).where(inArray(eventsTable.seq, [...seqs]));
  for (const row of rows) {
    // The kind of finding and its severity stay (they are counted); the masked excerpt goes.
    const detections: Detection[] = row.detections.map((detection) => ({ ...detection, start: 0, end: 0, evidence: ERASED_TEXT }));
    await db
      .update(eventsTable)
      .set({
        input: sql`CASE WHEN ${eventsTable.input} IS NULL THEN NULL ELSE ${ERASED_TEXT} END`,
        output: ERASED_TEXT,
        metadata: null,
        detections,
        userId: null,
        sessionId: null,
        erasedAt: now,
      })
      .where(eq(eventsTable.seq, row.seq));
  }
}

/** A source's events stored before `before`, in seq order after `afterSeq` (the purge's next batch). */
export async function findEventsReceivedBefore(
  db: DbExecutor,
  filter: { source: string; before: number; afterSeq: number; limit: number },
): Promise<{ seq: number; receivedAt: number }[]> {
  return db
    .select({ seq: eventsTable.seq, receivedAt: eventsTable.receivedAt })
    .from(eventsTable)
    .where(and(eq(eventsTable.source, filter.source), lt(eventsTable.receivedAt, filter.before), gt(eventsTable.seq, filter.afterSeq)))
    .orderBy(asc(eventsTable.seq))
    .limit(filter.limit);
}

export async function deleteEventRows(db: DbExecutor, seqs: readonly number[]): Promise<number> {
  if (seqs.length === 0) return 0;
  return affectedRows(await db.delete(eventsTable).where(inArray(eventsTable.seq, [...seqs])));
}
