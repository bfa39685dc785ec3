import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createDigestRepository } from './digest.repository.ts';
import { seedDigestWeek, SOURCE, W46, W47 } from './digest.test-utils.ts';

const HOUR = 3_600_000;

describe('digest repository', () => {
  let database: TestDb;
  afterEach(() => database.close());

  it('counts live events of the week and source, checked, flagged, and flags per check once per event', async () => {
    database = await createTestDb(seedDigestWeek);
    const repository = createDigestRepository({ db: database.db });
    expect(await repository.loadEvents(SOURCE, W47)).toEqual({
      events: 7,
      checked: 6,
      flagged: 4,
      flagsByCheck: { pii: 3, tone: 1, 'app:toxicity': 1 },
    });
    expect(await repository.loadEvents(SOURCE, W46)).toEqual({ events: 4, checked: 4, flagged: 1, flagsByCheck: { injection: 1 } });
  });

  it('answers zeros for a week without events', async () => {
    database = await createTestDb(seedDigestWeek);
    const repository = createDigestRepository({ db: database.db });
    const empty = { ...W47, key: '2026-W49', start: W47.end + 7 * 24 * HOUR, end: W47.end + 14 * 24 * HOUR };
    expect(await repository.loadEvents(SOURCE, empty)).toEqual({ events: 0, checked: 0, flagged: 0, flagsByCheck: {} });
  });

  it('counts gradings stored and grading jobs failed in the week, per grader', async () => {
    database = await createTestDb(seedDigestWeek);
    const repository = createDigestRepository({ db: database.db });
    expect(await repository.loadGraderRuns(SOURCE, W47)).toEqual([
      { grader: 'brand', graded: 1, failed: 0 },
      { grader: 'tone', graded: 2, failed: 1 },
    ]);
    expect(await repository.loadGraderRuns(SOURCE, W46)).toEqual([{ grader: 'brand', graded: 0, failed: 1 }]);
  });

  it('reads guardrail versions, threshold changes, kill switches and rollbacks of the week from the audit log, without the seed', async () => {
    database = await createTestDb(seedDigestWeek);
    const repository = createDigestRepository({ db: database.db });
    const at = (hours: number) => W47.start + hours * HOUR;
    expect(await repository.loadChanges(SOURCE, W47)).toEqual({
      versions: [
        { version: 3, kind: 'change', actor: 'slack:U0REV1', reason: 'calibrated', at: at(10) },
        { version: 4, kind: 'kill_switch', actor: 'slack:U0REV2', reason: 'leak <!channel>', at: at(20) },
        { version: 5, kind: 'kill_switch', actor: 'slack:U0REV2', reason: 'fixed', at: at(21) },
        { version: 6, kind: 'rollback', actor: 'api:key_1', reason: 'bad release', at: at(30) },
      ],
      thresholds: [{ grader: 'tone', from: 0.7, to: 0.6, version: 3, actor: 'slack:U0REV1', at: at(10) }],
      rollbacks: [{ version: 6, fromRelease: 'r2', toRelease: 'r1', actor: 'api:key_1', reason: 'bad release', at: at(30) }],
      killSwitches: [
        { on: true, version: 4, actor: 'slack:U0REV2', reason: 'leak <!channel>', at: at(20) },
        { on: false, version: 5, actor: 'slack:U0REV2', reason: 'fixed', at: at(21) },
      ],
    });
    expect((await repository.loadChanges(SOURCE, W46)).versions.map((version) => version.version)).toEqual([2]);
  });
});
