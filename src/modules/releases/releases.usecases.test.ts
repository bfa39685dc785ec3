import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { isVigilError } from '../../platform/errors.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { createGuardrailsRepository } from '../guardrails/guardrails.repository.ts';
import { buildSeedSpec, DEFAULT_DETECTOR_ACTIONS } from '../guardrails/guardrails.models.ts';
import { seedGuardrails } from '../guardrails/guardrails.usecases.ts';
import { createReleasesRepository } from './releases.repository.ts';
import { listReleases, markKnownGood, registerRelease, rollbackRelease, type ReleasesDeps } from './releases.usecases.ts';

const HOUR = 3_600_000;
const SOURCE = 'support-bot';

describe('releases', () => {
  let database: TestDb;
  let deps: ReleasesDeps;
  let rejected: Record<string, number>;
  const clock = createFakeClock(Date.parse('2026-11-20T09:00:00Z'));

  beforeEach(async () => {
    database = await createTestDb();
    rejected = {};
    const guardrails = { repository: createGuardrailsRepository({ db: database.db }), clock, webhookUrlOf: () => 'http://127.0.0.1:9/hook' };
    const spec = buildSeedSpec({ thresholds: {}, graderActions: {}, detectorActions: { ...DEFAULT_DETECTOR_ACTIONS }, blocklist: { words: [], patterns: [] }, killSwitchMessage: 'Off.' });
    await seedGuardrails(guardrails, [{ source: SOURCE, spec, origin: 'test' }]);
    deps = {
      repository: createReleasesRepository({ db: database.db }),
      clock,
      guardrails,
      soakMsOf: () => 24 * HOUR,
      countRejectedCritical: async (_source, release) => rejected[release] ?? 0,
    };
  });
  afterEach(() => database.close());

  const register = (release: string) => registerRelease(deps, { source: SOURCE, release, model: 'gpt-4o-mini', promptVersion: `p-${release}`, actor: 'api:key_1' });

  it('registers the live release once: instances reporting it again change nothing', async () => {
    expect((await register('r1')).changed).toBe(true);
    clock.advance(HOUR);
    expect((await register('r1')).changed).toBe(false);
    clock.advance(HOUR);
    await register('r2');
    const list = await listReleases(deps, SOURCE);
    expect(list.map(({ release }) => [release.release, release.liveSince !== null, release.liveMs])).toEqual([
      ['r2', true, 0],
      ['r1', false, 2 * HOUR],
    ]);
    const audit = await createAuditRepository({ db: database.db, clock }).list({ source: SOURCE });
    expect(audit.filter((entry) => entry.action === 'release.registered').map((entry) => entry.details.previous_release)).toEqual([null, 'r1']);
  });

  it('lets exactly one of several instances reporting the same new release at once flip the live release and audit it', async () => {
    await register('r1');
    clock.advance(HOUR);
    // Several connections open first (PostgreSQL), so the registrations really overlap.
    await Promise.all(Array.from({ length: 3 }, () => listReleases(deps, SOURCE)));
    const results = await Promise.all([register('r2'), register('r2'), register('r2')]);
    expect(results.filter((result) => result.changed)).toHaveLength(1);
    const list = await listReleases(deps, SOURCE);
    expect(list.map(({ release }) => [release.release, release.liveSince !== null, release.liveMs])).toEqual([
      ['r2', true, 0],
      ['r1', false, HOUR],
    ]);
    const audit = await createAuditRepository({ db: database.db, clock }).list({ source: SOURCE });
    expect(audit.filter((entry) => entry.action === 'release.registered').map((entry) => entry.details.previous_release)).toEqual([null, 'r1']);
  });

  it('marks a release known-good once when two approvers mark it at the same moment', async () => {
    await register('r1');
    await Promise.all(Array.from({ length: 2 }, () => listReleases(deps, SOURCE)));
    const marks = await Promise.all(['slack:U8', 'slack:U9'].map((actor) => markKnownGood(deps, { source: SOURCE, release: 'r1', actor })));
    expect(marks.map((mark) => mark.alreadyMarked).sort()).toEqual([false, true]);
    const audit = await createAuditRepository({ db: database.db, clock }).list({ source: SOURCE });
    expect(audit.filter((entry) => entry.action === 'release.marked_known_good')).toHaveLength(1);
  });

  it('rolls back to the last known-good release: soaked r1 over r2, which has a rejected critical item', async () => {
    await register('r1');
    clock.advance(30 * HOUR);
    await register('r2');
    clock.advance(30 * HOUR);
    await register('r3');
    rejected.r2 = 1;
    const result = await rollbackRelease(deps, { source: SOURCE, actor: 'slack:U1', reason: 'r3 leaks refunds' });
    expect(result).toMatchObject({ created: true, from: 'r3', target: { release: 'r1' } });
    expect(result.version).toMatchObject({ version: 2, kind: 'rollback', actor: 'slack:U1', spec: { pinned_release: { release: 'r1', model: 'gpt-4o-mini', prompt_version: 'p-r1' } } });
    expect(result.version.webhookOutboxId).toMatch(/^obx_/);
    const again = await rollbackRelease(deps, { source: SOURCE, actor: 'slack:U1', reason: 'double click' });
    expect(again).toMatchObject({ created: false, version: { version: 2 } });
    const audit = await createAuditRepository({ db: database.db, clock }).list({ source: SOURCE });
    expect(audit.at(-1)).toMatchObject({ action: 'release.rolled_back', details: { rollback: { from_release: 'r3', to_release: 'r1' } } });
  });

  it('refuses a rollback with no known-good target, until an approver marks one', async () => {
    await register('r1');
    clock.advance(HOUR);
    await register('r2');
    const refusal = await rollbackRelease(deps, { source: SOURCE, actor: 'slack:U1', reason: 'r' }).catch((error: unknown) => error);
    expect(isVigilError(refusal) && refusal.code).toBe('release.no_known_good');
    expect((await markKnownGood(deps, { source: SOURCE, release: 'r1', actor: 'slack:U9' })).alreadyMarked).toBe(false);
    expect((await markKnownGood(deps, { source: SOURCE, release: 'r1', actor: 'slack:U9' })).alreadyMarked).toBe(true);
    expect((await rollbackRelease(deps, { source: SOURCE, actor: 'slack:U1', reason: 'r' })).target.release).toBe('r1');
  });
});
