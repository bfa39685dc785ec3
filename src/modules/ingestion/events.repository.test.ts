import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { gradingJobsTable } from '../checks/grading.table.ts';
import { createSourcesRepository } from '../sources/sources.repository.ts';
import { createEventsRepository, type EventsRepository } from './events.repository.ts';
import type { NewEvent } from './ingestion.models.ts';
import { makeNewEvent, TEST_EVENT_TIME } from './events.test-utils.ts';

// The batch insert on either store (SQLite's prepared multi-row statement, PostgreSQL's column
// arrays read back by unnest) must agree on duplicates, on each event's seq, on the stored columns and on grading jobs.

const T0 = TEST_EVENT_TIME;
const makeEvent = (id: string, overrides: Partial<NewEvent> = {}) => makeNewEvent(id, { model: 'gpt-4o-mini', promptVersion: 'v12', release: 'r1', metadata: { locale: 'en-GB' }, ...overrides });

describe('events repository: multi-row insert', () => {
  let database: TestDb;
  let events: EventsRepository;

  beforeEach(async () => {
    database = await createTestDb();
    await createSourcesRepository({ db: database.db, clock: { now: () => T0 } }).upsertMany([{ name: 'support-bot' }, { name: 'billing-bot' }]);
    events = createEventsRepository({ db: database.db });
  });
  afterEach(() => database.close());

  it('returns a row number per new event and null for each duplicate, across statement chunks and within the batch', async () => {
    await events.insertBatch([makeEvent('e-7')], [], T0);
    const batch = Array.from({ length: 250 }, (_, i) => makeEvent(`e-${i}`));
    batch[150] = makeEvent('e-10'); // the same id as index 10, in another 100-row chunk
    batch[200] = makeEvent('e-10', { source: 'billing-bot' }); // the same id in another source is another event
    const seqs = await events.insertBatch(batch, [], T0);

    expect(seqs).toHaveLength(250);
    expect(seqs[7]).toBeNull();
    expect(seqs[150]).toBeNull();
    expect(seqs[10]).toEqual(expect.any(Number));
    expect(seqs[200]).toEqual(expect.any(Number));
    expect(seqs.filter((seq) => seq === null)).toHaveLength(2);
    expect(new Set(seqs.filter((seq) => seq !== null)).size).toBe(248);
    expect(await events.count()).toBe(249);
  });

  it('stores every column as the event had it, JSON columns included', async () => {
    const event = makeEvent('full-1', {
      sessionId: 's1',
      userId: 'u1',
      appFlags: [{ name: 'toxicity', score: 0.2 }],
      detections: [{ detector: 'pii', kind: 'email', severity: 'warn', score: 1, field: 'output', start: 0, end: 3, evidence: 'a***' }],
      flags: [{ check: 'pii', origin: 'detector', kind: 'email', severity: 'warn', score: 1 }],
      checksStatus: 'grading',
    });
    const [seq] = await events.insertBatch([event], [], T0);
    const [stored] = await events.findById('full-1', 'all');
    expect(stored).toEqual({ ...event, seq, erasedAt: null });
  });

  it('stores text that array literals must escape exactly as sent, and nulls as nulls', async () => {
    const awkward = ['quote " and backslash \\ and {braces}, commas', 'NULL', '', 'line\nbreak\ttab', 'emoji 👩🏽‍💻 and 中文', "it's \\\" nested"];
    const batch = awkward.map((text, i) => makeEvent(`awk-${i}`, { input: text, output: text, userId: i % 2 ? null : text, metadata: i % 2 ? null : { note: text } }));
    await events.insertBatch(batch, [], T0);
    for (const [i, event] of batch.entries()) {
      const [stored] = await events.findById(`awk-${i}`, 'all');
      expect(stored).toMatchObject({ input: event.input, output: event.output, userId: event.userId, metadata: event.metadata });
    }
  });

  it('writes nothing of a batch whose insert fails (one transaction)', async () => {
    const batch = [makeEvent('ok-1'), makeEvent('ok-2', { source: 'no-such-source' })];
    // SQLite says FOREIGN KEY constraint failed; PostgreSQL wraps 'violates foreign key constraint' in drizzle's query error.
    await expect(events.insertBatch(batch, [], T0)).rejects.toThrow();
    expect(await events.count()).toBe(0);
  });

  it('creates the grading jobs of the new events only, in the same transaction', async () => {
    await events.insertBatch([makeNewEvent('e1')]);
    const grading = [{ grader: 'tone', graderVersion: 'tone-v1' }];
    const seqs = await events.insertBatch([makeNewEvent('e1'), makeNewEvent('e2'), makeNewEvent('e3')], [grading, [], grading], TEST_EVENT_TIME);
    const jobs = await database.db.select().from(gradingJobsTable).orderBy(asc(gradingJobsTable.eventSeq));
    expect(jobs.map((job) => [job.eventSeq, job.grader, job.status, job.nextAttemptAt])).toEqual([[seqs[2], 'tone', 'pending', TEST_EVENT_TIME]]);
  });

  it('stores nothing of a batch whose grading jobs cannot be written', async () => {
    const broken = [{ grader: 'tone', graderVersion: null as unknown as string }];
    await expect(events.insertBatch([makeNewEvent('e1'), makeNewEvent('e2')], [[], broken])).rejects.toThrow();
    expect(await events.count()).toBe(0);
  });

  it('finds an event by id among the sources a key may read', async () => {
    await events.insertBatch([makeNewEvent('same'), makeNewEvent('same', { source: 'billing-bot' })]);
    expect((await events.findById('same', 'all')).map((event) => event.source)).toEqual(['support-bot', 'billing-bot']);
    expect((await events.findById('same', ['billing-bot'])).map((event) => event.source)).toEqual(['billing-bot']);
    expect(await events.findById('same', 'all', 'other-bot')).toEqual([]);
  });
});
