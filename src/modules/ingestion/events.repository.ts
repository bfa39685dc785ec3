import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { eventsTable } from './events.table.ts';
import { gradingJobsTable } from '../checks/grading.table.ts';
import type { NewEvent, StoredEventWithSeq } from './ingestion.models.ts';

const eventColumns = {
  seq: eventsTable.seq,
  id: eventsTable.id,
  source: eventsTable.source,
  input: eventsTable.input,
  output: eventsTable.output,
  model: eventsTable.model,
  modelVersion: eventsTable.modelVersion,
  promptVersion: eventsTable.promptVersion,
  release: eventsTable.release,
  sessionId: eventsTable.sessionId,
  userId: eventsTable.userId,
  occurredAt: eventsTable.occurredAt,
  receivedAt: eventsTable.receivedAt,
  metadata: eventsTable.metadata,
  appFlags: eventsTable.appFlags,
  detections: eventsTable.detections,
  flags: eventsTable.flags,
  checksStatus: eventsTable.checksStatus,
  origin: eventsTable.origin,
  erasedAt: eventsTable.erasedAt,
};

/** A grading job to create with the event, in the same transaction. */
export interface PlannedGrading {
  grader: string;
  graderVersion: string;
}

export function createEventsRepository({ db }: { db: Db }) {
  // Prepared once: the batch insert is the ingest hot path.
  const insertEvent = db
    .insert(eventsTable)
    .values({
      id: sql.placeholder('id'),
      source: sql.placeholder('source'),
      input: sql.placeholder('input'),
      output: sql.placeholder('output'),
      model: sql.placeholder('model'),
      modelVersion: sql.placeholder('modelVersion'),
      promptVersion: sql.placeholder('promptVersion'),
      release: sql.placeholder('release'),
      sessionId: sql.placeholder('sessionId'),
      userId: sql.placeholder('userId'),
      occurredAt: sql.placeholder('occurredAt'),
      receivedAt: sql.placeholder('receivedAt'),
      metadata: sql.placeholder('metadata'),
      appFlags: sql.placeholder('appFlags'),
      detections: sql.placeholder('detections'),
      flags: sql.placeholder('flags'),
      checksStatus: sql.placeholder('checksStatus'),
      origin: sql.placeholder('origin'),
    })
    .onConflictDoNothing()
    .returning({ seq: eventsTable.seq })
    .prepare();

  return {
    /**
     * Inserts a batch and its grading jobs in one transaction; an id already stored
     * for its source (or earlier in the same batch) is skipped. Returns, per event,
     * its row number when it was new and null when it was a duplicate.
     */
    async insertBatch(events: NewEvent[], gradings: PlannedGrading[][] = [], now = Date.now()): Promise<(number | null)[]> {
      return db.transaction(
        (tx) =>
          events.map((event, index) => {
            const row = insertEvent.get({ ...event });
            if (!row) return null;
            const planned = gradings[index] ?? [];
            if (planned.length > 0) {
              tx.insert(gradingJobsTable)
                .values(planned.map((job) => ({ eventSeq: row.seq, source: event.source, ...job, nextAttemptAt: now, createdAt: now, updatedAt: now })))
                .run();
            }
            return row.seq;
          }),
        { behavior: 'immediate' },
      );
    },

    async findById(id: string, sources: string[] | 'all', source?: string): Promise<StoredEventWithSeq[]> {
      const conditions = [eq(eventsTable.id, id)];
      if (source !== undefined) conditions.push(eq(eventsTable.source, source));
      if (sources !== 'all') conditions.push(inArray(eventsTable.source, sources));
      return db.select(eventColumns).from(eventsTable).where(and(...conditions)).limit(10).all();
    },

    async count(source?: string): Promise<number> {
      const row = db
        .select({ n: sql<number>`count(*)` })
        .from(eventsTable)
        .where(source === undefined ? undefined : eq(eventsTable.source, source))
        .get();
      return row?.n ?? 0;
    },
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;
