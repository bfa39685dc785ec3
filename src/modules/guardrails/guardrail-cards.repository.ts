import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../platform/db.ts';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import type { AuditEntryInput } from '../audit/audit.models.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import type { OutboxMessageInput } from '../outbox/outbox.models.ts';
import { outboxTable, type OutboxRow } from '../outbox/outbox.table.ts';
import { reviewItemsTable } from '../review/review.table.ts';
import { guardrailCardNotesTable, type GuardrailCardNoteRow } from './guardrail-notes.table.ts';

// The reads the guardrail side of a review card needs (the item, its event, its scores, the
// source's recent traffic) and the notes it writes. Every query joins the caller's transaction
// when there is one, so the review module can render a card's notes inside its own.

export type NewCardNote = Omit<GuardrailCardNoteRow, 'id'>;

export interface CardItem {
  id: string;
  source: string;
  eventSeq: number;
  state: string;
  channel: string;
}

export function createGuardrailCardsRepository({ db }: { db: Db }) {
  return {
    async findItem(itemId: string): Promise<CardItem | undefined> {
      const [item] = await db
        .select({ id: reviewItemsTable.id, source: reviewItemsTable.source, eventSeq: reviewItemsTable.eventSeq, state: reviewItemsTable.state, channel: reviewItemsTable.channel })
        .from(reviewItemsTable)
        .where(eq(reviewItemsTable.id, itemId));
      return item;
    },

    async loadEvent(seq: number) {
      const [event] = await db
        .select({ output: eventsTable.output, detections: eventsTable.detections, release: eventsTable.release, occurredAt: eventsTable.occurredAt })
        .from(eventsTable)
        .where(eq(eventsTable.seq, seq));
      return event;
    },

    async loadScores(seq: number): Promise<{ grader: string; score: number }[]> {
      return db
        .select({ grader: graderResultsTable.grader, score: graderResultsTable.score })
        .from(graderResultsTable)
        .where(eq(graderResultsTable.eventSeq, seq))
        .orderBy(asc(graderResultsTable.grader), asc(graderResultsTable.id));
    },

    /**
     * One page of the source's events since `since`, newest first, before the cursor: previews
     * read the last 7 days page by page, so a busy source never holds the event loop for long.
     */
    async listRecentEvents(source: string, since: number, limit: number, before?: { occurredAt: number; seq: number }) {
      const cursor = before ? sql`(${eventsTable.occurredAt}, ${eventsTable.seq}) < (${before.occurredAt}, ${before.seq})` : undefined;
      return db
        .select({ seq: eventsTable.seq, output: eventsTable.output, detections: eventsTable.detections, occurredAt: eventsTable.occurredAt })
        .from(eventsTable)
        .where(and(eq(eventsTable.source, source), gte(eventsTable.occurredAt, since), cursor))
        .orderBy(desc(eventsTable.occurredAt), desc(eventsTable.seq))
        .limit(limit);
    },

    /** Scored events of a grader since `since`, and how many fall in [from, to): what a lower threshold would add. */
    async countScoresBetween(source: string, grader: string, since: number, from: number, to: number): Promise<{ scored: number; between: number }> {
      const recent = and(eq(graderResultsTable.source, source), eq(graderResultsTable.grader, grader), gte(graderResultsTable.createdAt, since));
      const [row] = await db
        .select({
          scored: sql<number>`count(*)`,
          between: sql<number>`coalesce(sum(case when ${graderResultsTable.score} >= ${from} and ${graderResultsTable.score} < ${to} then 1 else 0 end), 0)`,
        })
        .from(graderResultsTable)
        .where(recent);
      return { scored: row?.scored ?? 0, between: row?.between ?? 0 };
    },

    async listNotes(itemId: string): Promise<GuardrailCardNoteRow[]> {
      return db.select().from(guardrailCardNotesTable).where(eq(guardrailCardNotesTable.itemId, itemId)).orderBy(guardrailCardNotesTable.id);
    },

    async listItemsOfWebhook(outboxId: string): Promise<string[]> {
      const rows = await db
        .selectDistinct({ itemId: guardrailCardNotesTable.itemId })
        .from(guardrailCardNotesTable)
        .where(eq(guardrailCardNotesTable.webhookOutboxId, outboxId))
        .orderBy(guardrailCardNotesTable.itemId);
      return rows.map((row) => row.itemId);
    },

    async listItemsOfRequest(requestId: string): Promise<string[]> {
      const rows = await db
        .selectDistinct({ itemId: guardrailCardNotesTable.itemId })
        .from(guardrailCardNotesTable)
        .where(eq(guardrailCardNotesTable.rollbackRequestId, requestId))
        .orderBy(guardrailCardNotesTable.itemId);
      return rows.map((row) => row.itemId);
    },

    async findOutboxRows(ids: readonly string[]): Promise<OutboxRow[]> {
      return ids.length === 0 ? [] : db.select().from(outboxTable).where(inArray(outboxTable.id, [...ids]));
    },

    /** Pending webhooks of notes created since `since` (the delivery watcher's list after a restart). */
    async listOpenWebhooks(since: number): Promise<string[]> {
      const rows = await db
        .selectDistinct({ id: outboxTable.id })
        .from(guardrailCardNotesTable)
        .innerJoin(outboxTable, eq(outboxTable.id, guardrailCardNotesTable.webhookOutboxId))
        .where(and(gte(guardrailCardNotesTable.createdAt, since), inArray(outboxTable.status, ['pending', 'in_flight'])));
      return rows.map((row) => row.id);
    },

    /** Writes notes, audit entries and Slack messages in one transaction; returns the outbox ids in order. */
    async record(write: CardWrites, now: number): Promise<string[]> {
      return db.transaction((tx) => writeAll(tx, write, now));
    },

    /** The same, inside a caller's transaction (e.g. with a rollback request row). */
    async writeIn(tx: DbExecutor, write: CardWrites, now: number): Promise<string[]> {
      return writeAll(tx, write, now);
    },
  };
}

export interface CardWrites {
  notes?: NewCardNote[];
  audit?: AuditEntryInput[];
  messages?: OutboxMessageInput[];
}

async function writeAll(tx: DbExecutor, write: CardWrites, now: number): Promise<string[]> {
  for (const note of write.notes ?? []) await tx.insert(guardrailCardNotesTable).values(note);
  for (const entry of write.audit ?? []) await appendAuditEntry(tx, entry, now);
  const ids: string[] = [];
  // One after another: the outbox keeps the order they were enqueued in.
  for (const message of write.messages ?? []) ids.push((await enqueueOutboxMessage(tx, message, now)).id);
  return ids;
}

export type GuardrailCardsRepository = ReturnType<typeof createGuardrailCardsRepository>;
