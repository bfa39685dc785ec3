import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { gradingJobsTable } from '../checks/grading.table.ts';
import { createEventsRepository, type EventsRepository } from './events.repository.ts';
import { makeNewEvent, seedSources, TEST_EVENT_TIME } from './events.test-utils.ts';

// The batch insert on either store: SQLite's prepared statement and PostgreSQL's multi-row
// insert must agree on duplicates, on the seq of each event and on the grading jobs.

describe('createEventsRepository', () => {
  let database: TestDb;
  let events: EventsRepository;

  beforeEach(async () => {
    database = await createTestDb((d) => seedSources(d, 'support-bot', 'billing-bot'));
    events = createEventsRepository({ db: database.db });
  });
  afterEach(() => database.close());

  it('returns a seq per new event and null for an id already stored or repeated in the batch', async () => {
    const [first] = await events.insertBatch([makeNewEvent('e1')]);
    const seqs = await events.insertBatch([
      makeNewEvent('e2'),
      makeNewEvent('e1'),
      makeNewEvent('e1', { source: 'billing-bot' }),
      makeNewEvent('e2', { output: 'the repeat is not stored' }),
      makeNewEvent('e3'),
    ]);
    expect(seqs.map((seq) => seq === null)).toEqual([false, true, false, true, false]);
    const stored = seqs.filter((seq): seq is number => seq !== null);
    expect(new Set([first!, ...stored]).size).toBe(4);
    expect(await events.count()).toBe(4);
    expect(await events.count('billing-bot')).toBe(1);
    const [e2] = await events.findById('e2', 'all');
    expect(e2).toMatchObject({ seq: seqs[0], output: 'Read the FAQ like everyone else.', metadata: { context: 'Billing FAQ' } });
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
