import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { checksConfigSchema } from '../checks/checks.config.ts';
import { buildSeedSpec, DEFAULT_DETECTOR_ACTIONS } from './guardrails.models.ts';
import { createGuardrailsRepository } from './guardrails.repository.ts';
import { createGuardrailChecker, type GuardrailChecker } from './guardrails-check.usecases.ts';
import { CHECK_BLOCKLIST_TIMEOUT_MS, createLiveGuardrails, type LiveGuardrails } from './guardrails-live.usecases.ts';
import { createGuardrailVersion, seedGuardrails, type GuardrailsDeps } from './guardrails.usecases.ts';

// The check path end to end below HTTP: real detectors, the live compiled version,
// and versions written through the usecases or behind the cache's back.

const SOURCE = 'support-bot';

describe('guardrail checks', () => {
  let database: TestDb;
  let live: LiveGuardrails;
  let checker: GuardrailChecker;
  let deps: GuardrailsDeps;

  beforeEach(async () => {
    database = await createTestDb();
    const repository = createGuardrailsRepository({ db: database.db });
    live = createLiveGuardrails({ repository, sources: [SOURCE], minSeverityOf: () => 'warn', logger: createLogger({ level: 'silent' }) });
    deps = { repository, clock: createFakeClock(0), webhookUrlOf: () => undefined, onVersionCreated: (version) => void live.install(version) };
    const spec = buildSeedSpec({ thresholds: { brand: 0.6 }, graderActions: {}, detectorActions: { ...DEFAULT_DETECTOR_ACTIONS }, blocklist: { words: ['acme rival'], patterns: [] }, killSwitchMessage: 'Unavailable.' });
    await seedGuardrails(deps, [{ source: SOURCE, spec, origin: 'test' }]);
    await live.start(10_000);
    checker = createGuardrailChecker({ live, checksConfigs: { [SOURCE]: checksConfigSchema.parse({}) } });
  });
  afterEach(async () => {
    live.stop();
    await database.close();
  });

  it('redacts an email in the output with the real PII detector', async () => {
    const outcome = await checker.check({ source: SOURCE, output: 'Write to jane.doe@example.com for help.' });
    expect(outcome).toMatchObject({ action: 'redact', redacted_output: 'Write to [redacted email] for help.', guardrail_version: 1 });
  });

  it('blocks a blocklisted word of the seed, and allows it after a change removes it', async () => {
    expect(await checker.check({ source: SOURCE, output: 'Honestly, ACME Rival is cheaper.' })).toMatchObject({ action: 'block', flags: [{ check: 'blocklist', kind: 'word' }] });
    await createGuardrailVersion(deps, { source: SOURCE, change: { blocklist: { remove_words: ['acme rival'] } }, actor: 'test', reason: 'r' });
    expect(await checker.check({ source: SOURCE, output: 'Honestly, ACME Rival is cheaper.' })).toEqual({ action: 'allow', flags: [], guardrail_version: 2 });
  });

  it('picks up a version written behind its back (another process) at the next refresh', async () => {
    await deps.repository.writeNext(
      SOURCE,
      (latest) => ({ row: { kind: 'change', spec: { ...latest!.spec, kill_switch: { on: true, message: 'Paused.' } }, actor: 'cli:ops', reason: 'r', diff: [], revertOf: null }, audit: () => ({ actor: 'cli:ops', action: 'guardrail.kill_switch_on' }) }),
      0,
    );
    expect((await checker.check({ source: SOURCE, output: 'hi' })).action).toBe('allow');
    await live.refresh(SOURCE);
    expect(await checker.check({ source: SOURCE, output: 'hi' })).toMatchObject({ action: 'block', message: 'Paused.', guardrail_version: 2 });
  });

  it('bounds a user pattern that passes validation but is slow on hostile text, and fails closed', async () => {
    await createGuardrailVersion(deps, { source: SOURCE, change: { blocklist: { add_patterns: ['\\w+@\\w+\\.com'] } }, actor: 'test', reason: 'r' });
    const hostile = 'a'.repeat(150_000);
    const started = performance.now();
    const outcome = await checker.check({ source: SOURCE, output: hostile });
    const elapsed = performance.now() - started;
    expect(outcome.action).toBe('block');
    expect(outcome.flags).toContainEqual(expect.objectContaining({ check: 'blocklist', kind: 'pattern_timeout', action: 'block' }));
    expect(elapsed).toBeLessThan(CHECK_BLOCKLIST_TIMEOUT_MS + 1000);
  });

  it('resolves a long poll as soon as a newer version is installed, and times out with nothing', async () => {
    const waiting = live.waitForNewer(SOURCE, 1, 5_000);
    expect(live.waitingCount()).toBe(1);
    await createGuardrailVersion(deps, { source: SOURCE, change: { graders: { brand: { threshold: 0.3 } } }, actor: 'test', reason: 'r' });
    expect((await waiting)?.version.version).toBe(2);
    expect(await live.waitForNewer(SOURCE, 2, 20)).toBeUndefined();
    expect(live.waitingCount()).toBe(0);
  });
});
