import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { makeNewEvent, seedSources, TEST_EVENT_TIME } from '../ingestion/events.test-utils.ts';
import { createEventsRepository } from '../ingestion/events.repository.ts';
import type { Flag } from './checks.models.ts';
import { createGradingRepository, type GradingRepository, type NewGraderResult } from './grading.repository.ts';

const T0 = TEST_EVENT_TIME;
const LEASE = 60_000;
const policy = () => ({ threshold: 0.6 });

const makeEvent = (id: string, flags: Flag[] = []) => makeNewEvent(id, { flags, checksStatus: 'grading' });

function makeResult(score: number, overrides: Partial<NewGraderResult> = {}): NewGraderResult {
  return { contentHash: 'hash-1', score, label: score >= 0.6 ? 'violation' : 'ok', reason: 'because', hijacked: false, cached: false, createdAt: T0, ...overrides };
}

describe('grading repository', () => {
  let database: TestDb;
  let grading: GradingRepository;
  let insert: (id: string, graders: string[], flags?: Flag[]) => Promise<number>;
  const readEvent = async (seq: number) => {
    const [row] = await database.db.select({ flags: eventsTable.flags, status: eventsTable.checksStatus }).from(eventsTable).where(eq(eventsTable.seq, seq));
    return row!;
  };

  beforeEach(async () => {
    database = await createTestDb((d) => seedSources(d, 'support-bot'));
    const events = createEventsRepository({ db: database.db });
    grading = createGradingRepository({ db: database.db });
    insert = async (id, graders, flags = []) => {
      const [seq] = await events.insertBatch([makeEvent(id, flags)], [graders.map((grader) => ({ grader, graderVersion: `${grader}-v1` }))], T0);
      return seq!;
    };
  });
  afterEach(() => database.close());

  it('leases due jobs with the event texts, counts the attempt, and does not hand them out twice', async () => {
    const seq = await insert('e1', ['tone']);
    const [job, ...rest] = await grading.claimDue(T0, 10, LEASE);
    expect(rest).toEqual([]);
    expect(job).toMatchObject({ eventSeq: seq, grader: 'tone', graderVersion: 'tone-v1', status: 'in_flight', attempts: 1 });
    expect(job).toMatchObject({ input: 'Why was I charged twice?', output: 'Read the FAQ like everyone else.', metadata: { context: 'Billing FAQ' } });
    expect(await grading.claimDue(T0 + 1, 10, LEASE)).toEqual([]);
    expect(await grading.countPending()).toBe(1);
  });

  it('hands a job out again once the lease of a crashed worker has run out', async () => {
    await insert('e1', ['tone']);
    await grading.claimDue(T0, 10, LEASE);
    expect(await grading.claimDue(T0 + LEASE - 1, 10, LEASE)).toEqual([]);
    const [again] = await grading.claimDue(T0 + LEASE + 1, 10, LEASE);
    expect(again?.attempts).toBe(2);
  });

  it('keeps a job for later and leaves the attempt uncounted when it only waited for budget', async () => {
    await insert('e1', ['tone']);
    const [job] = await grading.claimDue(T0, 10, LEASE);
    await grading.retryLater(job!, T0 + 5_000, 'waiting: call budget exhausted', T0, false);
    expect(await grading.claimDue(T0 + 4_999, 10, LEASE)).toEqual([]);
    const [again] = await grading.claimDue(T0 + 5_000, 10, LEASE);
    expect(again).toMatchObject({ attempts: 1, lastError: 'waiting: call budget exhausted' });
  });

  it('completes the event only when its last grading is done, and returns the flags it added', async () => {
    const detectorFlag: Flag = { check: 'pii', origin: 'detector', kind: 'email', severity: 'warn', score: 0.9 };
    const seq = await insert('e1', ['tone', 'brand'], [detectorFlag]);
    const claimed = await grading.claimDue(T0, 10, LEASE);
    const [tone, brand] = ['tone', 'brand'].map((grader) => claimed.find((job) => job.grader === grader));

    expect(await grading.complete(tone!, makeResult(0.92), T0, policy)).toBeNull();
    expect((await readEvent(seq)).status).toBe('grading');

    const added = await grading.complete(brand!, makeResult(0.2, { contentHash: 'hash-2' }), T0, policy);
    expect(added).toEqual([{ check: 'tone', origin: 'grader', kind: 'violation', severity: 'warn', score: 0.92, reason: 'because' }]);
    expect((await readEvent(seq)).status).toBe('complete');
    expect((await readEvent(seq)).flags).toEqual([detectorFlag, ...added!]);
    expect((await grading.listResults(seq)).map((r) => [r.grader, r.score])).toEqual([
      ['brand', 0.2],
      ['tone', 0.92],
    ]);
    expect(await grading.countPending()).toBe(0);
  });

  it('flags a hijacked judge as critical whatever score it gave', async () => {
    await insert('e1', ['tone']);
    const [job] = await grading.claimDue(T0, 10, LEASE);
    const added = await grading.complete(job!, makeResult(0, { hijacked: true }), T0, policy);
    expect(added).toEqual([expect.objectContaining({ check: 'tone', origin: 'grader', kind: 'judge_hijacked', severity: 'critical' })]);
  });

  it('marks an event whose grading failed or was skipped grader_unavailable, with the reasons', async () => {
    const seq = await insert('e1', ['tone', 'brand']);
    const claimed = await grading.claimDue(T0, 10, LEASE);
    const [tone, brand] = ['tone', 'brand'].map((grader) => claimed.find((job) => job.grader === grader));
    expect(await grading.giveUp(tone!, 'failed', 'transient: the judge failed with 500', T0, policy)).toBeNull();
    const added = await grading.giveUp(brand!, 'skipped', 'call budget exhausted', T0, policy);
    expect(added).toEqual([{ check: 'grader_unavailable', origin: 'system', severity: 'warn', reason: expect.any(String) }]);
    expect(added![0]!.reason!.split('; ').sort()).toEqual(['brand: call budget exhausted', 'tone: transient: the judge failed with 500']);
    expect((await readEvent(seq)).status).toBe('complete');
  });

  it('adds no flags twice when a late worker completes an already completed event', async () => {
    const seq = await insert('e1', ['tone']);
    const [job] = await grading.claimDue(T0, 10, LEASE);
    await grading.complete(job!, makeResult(0.9), T0, policy);
    expect(await grading.complete(job!, makeResult(0.9), T0 + 1, policy)).toBeNull();
    expect((await readEvent(seq)).flags).toHaveLength(1);
    expect(await grading.listResults(seq)).toHaveLength(1);
  });

  it('finds an earlier result by grader version and content hash', async () => {
    await insert('e1', ['tone']);
    const [job] = await grading.claimDue(T0, 10, LEASE);
    await grading.complete(job!, makeResult(0.7, { contentHash: 'same-text' }), T0, policy);
    expect(await grading.findCached('tone-v1', 'same-text')).toMatchObject({ score: 0.7, grader: 'tone' });
    expect(await grading.findCached('tone-v2', 'same-text')).toBeUndefined();
    expect(await grading.findCached('tone-v1', 'other-text')).toBeUndefined();
  });

  it('leases a job to one of two workers claiming at the same moment', async () => {
    await insert('e1', ['tone', 'brand']);
    const [first, second] = await Promise.all([grading.claimDue(T0, 10, LEASE), grading.claimDue(T0, 10, LEASE)]);
    const ids = [...first!, ...second!].map((job) => job.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('completes the event once when two workers settle its last two jobs at the same moment', async () => {
    const seq = await insert('e1', ['tone', 'brand']);
    const claimed = await grading.claimDue(T0, 10, LEASE);
    const added = await Promise.all(claimed.map((job, index) => grading.complete(job, makeResult(0.9, { contentHash: `hash-${index}` }), T0, policy)));
    expect(added.filter((flags) => flags !== null)).toHaveLength(1);
    expect((await readEvent(seq)).status).toBe('complete');
    expect((await readEvent(seq)).flags).toHaveLength(2);
  });
});
