import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { sourcesTable } from '../sources/sources.table.ts';
import { createProbesRepository, type NewProbeRun } from './probes.repository.ts';

// The weekly digest's probe figures: week 2026-W47 in Europe/Paris, [start, end), with runs
// seeded on both edges of the week.

const START = Date.parse('2026-11-15T23:00:00Z');
const END = Date.parse('2026-11-22T23:00:00Z');
const WEEK = { start: START, end: END };

function run(runId: string, startedAt: number, release: string | null, probe: string, passed: boolean | null, source = 'support-bot'): NewProbeRun {
  return { runId, source, probe, category: 'injection', release, passed, reason: null, error: passed === null ? 'timeout' : null, latencyMs: 10, eventId: null, startedAt };
}

const seedSources = async (database: TestDb) => {
  await database.db.insert(sourcesTable).values([{ name: 'support-bot', createdAt: START, updatedAt: START }, { name: 'other-bot', createdAt: START, updatedAt: START }]);
};

async function createRepositoryWithWeekOfRuns(database: TestDb) {
  const repository = createProbesRepository({ db: database.db });
  await repository.insertRuns([
    run('before', START - 1, 'r-41', 'encoded-payload', false),
    run('first', START, 'r-42', 'encoded-payload', false),
    run('first', START, 'r-42', 'prompt-leak', true),
    run('first', START, 'r-42', 'role-play', null),
    run('second', START + 3_600_000, 'r-42', 'encoded-payload', false),
    run('second', START + 3_600_000, 'r-42', 'prompt-leak', true),
    run('second', START + 3_600_000, 'r-42', 'role-play', true),
    run('last', END - 1, null, 'prompt-leak', true),
    run('after', END, 'r-42', 'prompt-leak', false),
    run('elsewhere', START + 1, 'r-42', 'prompt-leak', false, 'other-bot'),
  ]);
  return repository;
}

describe('countProbeOutcomes', () => {
  let database: TestDb;
  afterEach(() => database.close());

  // The run at the week's start counts; the run 1 ms before it (r-41) and the one at its end (a breach of prompt-leak) do not.
  it('counts the runs started in [start, end) per release and probe, errors apart', async () => {
    database = await createTestDb(seedSources);
    const outcomes = await (await createRepositoryWithWeekOfRuns(database)).countProbeOutcomes('support-bot', WEEK);
    expect(outcomes).toEqual([
      { release: null, probe: 'prompt-leak', passed: 1, breached: 0, errors: 0 },
      { release: 'r-42', probe: 'encoded-payload', passed: 0, breached: 2, errors: 0 },
      { release: 'r-42', probe: 'prompt-leak', passed: 2, breached: 0, errors: 0 },
      { release: 'r-42', probe: 'role-play', passed: 1, breached: 0, errors: 1 },
    ]);
  });

  it('has no rows for a week without runs', async () => {
    database = await createTestDb(seedSources);
    const outcomes = await (await createRepositoryWithWeekOfRuns(database)).countProbeOutcomes('support-bot', { start: END + 1, end: END + 7 * 86_400_000 });
    expect(outcomes).toEqual([]);
  });
});
