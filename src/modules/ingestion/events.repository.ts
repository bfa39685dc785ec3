import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../app/db.ts';
import { eventsTable } from './events.table.ts';
import type { NewEvent, StoredEvent } from './ingestion.models.ts';

const eventColumns = {
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
};

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
    })
    .onConflictDoNothing()
    .prepare();

  return {
    /**
     * Inserts a batch in one transaction; an id already stored for its source (or
     * earlier in the same batch) is skipped. Returns, per event, whether it was new.
     */
    async insertBatch(events: NewEvent[]): Promise<boolean[]> {
      return db.transaction(
        () =>
          events.map(
            (event) =>
              insertEvent.run({
                ...event,
                metadata: event.metadata,
                appFlags: event.appFlags,
              }).changes === 1,
          ),
        { behavior: 'immediate' },
      );
    },

    async findById(id: string, sources: string[] | 'all', source?: string): Promise<StoredEvent[]> {
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
