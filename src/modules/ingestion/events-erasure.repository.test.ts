import { asc, eq, inArray } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { deleteGradingRows, eraseGraderResultTexts } from '../checks/grading-erasure.repository.ts';
import { graderResultsTable, gradingJobsTable } from '../checks/grading.table.ts';
import { deleteEventRows, eraseEventTexts, ERASED_TEXT, findEventsReceivedBefore, findUnerasedEventSeqs } from './events-erasure.repository.ts';
import { createEventsRepository } from './events.repository.ts';
import { eventsTable } from './events.table.ts';
import { makeNewEvent, seedSources, TEST_EVENT_TIME as T0 } from './events.test-utils.ts';

// The functions retention works through, on either store: what an erasure keeps and what it
// clears, and the deletion of expired events with their grading rows.

describe('events erasure repository', () => {
  let database: TestDb;
  let seqs: number[];

  beforeEach(async () => {
    database = await createTestDb((d) => seedSources(d, 'support-bot'));
    const detection = { detector: 'pii', kind: 'email', field: 'output', score: 0.9, severity: 'warn', start: 3, end: 20, evidence: 'a***@example.com' } as const;
    seqs = (await createEventsRepository({ db: database.db }).insertBatch(
      [
        makeNewEvent('e1', { userId: 'u-1', sessionId: 's-1', detections: [detection] }),
        makeNewEvent('e2', { userId: 'u-1', input: null, receivedAt: T0 + 1000 }),
        makeNewEvent('e3', { userId: 'u-2', receivedAt: T0 + 2000 }),
      ],
      [[{ grader: 'tone', graderVersion: 'tone-v1' }], [], []],
      T0,
    )) as number[];
    await database.db
      .insert(graderResultsTable)
      .values({ eventSeq: seqs[0]!, source: 'support-bot', grader: 'tone', graderVersion: 'tone-v1', contentHash: 'h', score: 0.9, label: 'rude', reason: 'quotes "FAQ"', hijacked: false, cached: false, createdAt: T0 });
  });
  afterEach(() => database.close());

  it('erases the text of a user’s events and keeps their counts, and does not match them again', async () => {
    const found = await findUnerasedEventSeqs(database.db, { source: 'support-bot', subject: { userId: 'u-1' }, afterSeq: 0, limit: 10 });
    expect(found).toEqual(seqs.slice(0, 2));
    await database.db.transaction(async (tx) => {
      await eraseEventTexts(tx, found, T0 + 5000);
      await eraseGraderResultTexts(tx, found);
    });
    const rows = await database.db.select().from(eventsTable).where(inArray(eventsTable.seq, found)).orderBy(asc(eventsTable.seq));
    expect(rows.map((row) => [row.input, row.output, row.userId, row.sessionId, row.metadata, row.erasedAt])).toEqual([
      [ERASED_TEXT, ERASED_TEXT, null, null, null, T0 + 5000],
      [null, ERASED_TEXT, null, null, null, T0 + 5000],
    ]);
    expect(rows[0]!.detections).toEqual([expect.objectContaining({ detector: 'pii', kind: 'email', evidence: ERASED_TEXT, start: 0, end: 0 })]);
    expect(await database.db.select({ reason: graderResultsTable.reason, score: graderResultsTable.score }).from(graderResultsTable)).toEqual([{ reason: '[erased]', score: 0.9 }]);
    expect(await findUnerasedEventSeqs(database.db, { source: 'support-bot', subject: { userId: 'u-1' }, afterSeq: 0, limit: 10 })).toEqual([]);
  });

  it('walks events stored before a time in seq order and deletes them with their grading rows', async () => {
    const old = await findEventsReceivedBefore(database.db, { source: 'support-bot', before: T0 + 1500, afterSeq: 0, limit: 1 });
    expect(old).toEqual([{ seq: seqs[0], receivedAt: T0 }]);
    expect(await findEventsReceivedBefore(database.db, { source: 'support-bot', before: T0 + 1500, afterSeq: seqs[0]!, limit: 1 })).toEqual([{ seq: seqs[1], receivedAt: T0 + 1000 }]);
    const deleted = await database.db.transaction(async (tx) => {
      await deleteGradingRows(tx, seqs.slice(0, 2));
      return deleteEventRows(tx, seqs.slice(0, 2));
    });
    expect(deleted).toBe(2);
    expect(await database.db.select({ seq: eventsTable.seq }).from(eventsTable)).toEqual([{ seq: seqs[2] }]);
    expect(await database.db.select().from(gradingJobsTable).where(eq(gradingJobsTable.eventSeq, seqs[0]!))).toEqual([]);
    expect(await database.db.select().from(graderResultsTable)).toEqual([]);
  });
});
