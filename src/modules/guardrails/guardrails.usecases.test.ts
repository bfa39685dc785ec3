import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { isVigilError, type VigilError } from '../../platform/errors.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { createOutboxRepository } from '../outbox/outbox.repository.ts';
import { buildSeedSpec, DEFAULT_DETECTOR_ACTIONS, type GuardrailVersion } from './guardrails.models.ts';
import { createGuardrailsRepository } from './guardrails.repository.ts';
import { createGuardrailVersion, revertGuardrailVersion, seedGuardrails, setKillSwitch, type GuardrailsDeps } from './guardrails.usecases.ts';

const START = Date.parse('2026-11-25T09:00:00Z');
const SOURCE = 'support-bot';
const seedSpec = buildSeedSpec({
  thresholds: { tone: 0.7 },
  graderActions: {},
  detectorActions: { ...DEFAULT_DETECTOR_ACTIONS },
  blocklist: { words: [], patterns: [] },
  killSwitchMessage: 'Unavailable.',
});

async function refusalOf(run: () => Promise<unknown>): Promise<VigilError> {
  try {
    await run();
  } catch (error) {
    if (isVigilError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('guardrail versions', () => {
  let database: TestDb;
  let deps: GuardrailsDeps;
  let created: GuardrailVersion[];
  const clock = createFakeClock(START);

  beforeEach(async () => {
    database = await createTestDb();
    created = [];
    deps = {
      repository: createGuardrailsRepository({ db: database.db }),
      clock,
      webhookUrlOf: (source) => (source === SOURCE ? 'http://127.0.0.1:9/hook' : undefined),
      onVersionCreated: (version) => void created.push(version),
    };
    await seedGuardrails(deps, [{ source: SOURCE, spec: seedSpec, origin: 'vigil.config.yaml' }]);
  });
  afterEach(() => database.close());

  it('seeds version 1 once, from the config file, as system:config', async () => {
    expect(await seedGuardrails(deps, [{ source: SOURCE, spec: { ...seedSpec, graders: {} }, origin: 'other.yaml' }])).toEqual([]);
    const v1 = await deps.repository.findLatest(SOURCE);
    expect(v1).toMatchObject({ version: 1, kind: 'seed', actor: 'system:config', reason: 'seeded from vigil.config.yaml', spec: seedSpec, webhookOutboxId: null });
  });

  it('writes consecutive versions with actor, reason and diff, each audited and each with a webhook', async () => {
    const first = await createGuardrailVersion(deps, { source: SOURCE, change: { graders: { tone: { threshold: 0.4 } } }, actor: 'slack:U1', reason: 'too lenient' });
    clock.advance(1000);
    const second = await createGuardrailVersion(deps, { source: SOURCE, change: { blocklist: { add_patterns: ['free\\s+money'] } }, actor: 'api:key_1', reason: 'scam' });
    expect([first.version.version, second.version.version]).toEqual([2, 3]);
    expect(second.version).toMatchObject({ kind: 'change', actor: 'api:key_1', reason: 'scam', createdAt: START + 1000, diff: [{ path: 'blocklist.patterns', added: ['free\\s+money'], removed: [] }] });
    expect(second.version.spec.graders.tone!.threshold).toBe(0.4);
    expect(created.map((version) => version.version)).toEqual([2, 3]);

    const audit = await createAuditRepository({ db: database.db, clock }).list({ source: SOURCE });
    expect(audit.map((entry) => [entry.action, entry.subjectId, entry.actor])).toEqual([
      ['guardrail.seeded', 'support-bot-v1', 'system:config'],
      ['guardrail.version_created', 'support-bot-v2', 'slack:U1'],
      ['guardrail.version_created', 'support-bot-v3', 'api:key_1'],
    ]);
    expect(audit[1]!.details).toMatchObject({ version: 2, reason: 'too lenient', diff: [{ path: 'graders.tone.threshold', from: 0.7, to: 0.4 }] });

    const outbox = await createOutboxRepository({ db: database.db, clock }).findByIds([first.version.webhookOutboxId!, second.version.webhookOutboxId!]);
    expect(outbox.map((row) => (row.payload as { body: { type: string; version: number } }).body)).toEqual([
      expect.objectContaining({ type: 'guardrail.version_created', version: 2, source: SOURCE }),
      expect.objectContaining({ type: 'guardrail.version_created', version: 3, source: SOURCE }),
    ]);
    expect(outbox.map((row) => row.orderKey)).toEqual(['webhook:support-bot', 'webhook:support-bot']);
  });

  it('creates no version for a change that changes nothing', async () => {
    const result = await createGuardrailVersion(deps, { source: SOURCE, change: { graders: { tone: { threshold: 0.7 } } }, actor: 'slack:U1', reason: 'same' });
    expect(result).toMatchObject({ created: false, version: { version: 1 } });
    expect(created).toEqual([]);
  });

  it('refuses a catastrophic pattern or a new grader without threshold, naming the path, and writes nothing', async () => {
    const unsafe = await refusalOf(() =>
      createGuardrailVersion(deps, { source: SOURCE, change: { blocklist: { patterns: ['ok', '(x+x+)+y'] } }, actor: 'slack:U1', reason: 'r' }),
    );
    expect(unsafe).toMatchObject({ code: 'guardrail.invalid', statusCode: 400, details: [{ path: 'blocklist.patterns[1]' }] });
    const noThreshold = await refusalOf(() => createGuardrailVersion(deps, { source: SOURCE, change: { graders: { toxicity: { action: 'block' } } }, actor: 'slack:U1', reason: 'r' }));
    expect(noThreshold).toMatchObject({ code: 'guardrail.invalid', details: [{ path: 'graders.toxicity.threshold' }] });
    expect((await deps.repository.findLatest(SOURCE))!.version).toBe(1);
  });

  it('reverts to an earlier version as a new version equal to it', async () => {
    await createGuardrailVersion(deps, { source: SOURCE, change: { detectors: { pii: { action: 'block' } } }, actor: 'slack:U1', reason: 'r' });
    const reverted = await revertGuardrailVersion(deps, { source: SOURCE, version: 1, actor: 'slack:U2', reason: 'too strict' });
    expect(reverted.version).toMatchObject({ version: 3, kind: 'revert', revertOf: 1, spec: seedSpec, diff: [{ path: 'detectors.pii.action', from: 'block', to: 'redact' }] });
    expect(await refusalOf(() => revertGuardrailVersion(deps, { source: SOURCE, version: 9, actor: 'slack:U2', reason: 'r' }))).toMatchObject({ code: 'guardrail.version_not_found' });
  });

  it('audits the kill switch as on and off', async () => {
    await setKillSwitch(deps, { source: SOURCE, on: true, message: 'Back soon.', actor: 'slack:U1', reason: 'incident' });
    const off = await setKillSwitch(deps, { source: SOURCE, on: false, actor: 'slack:U1', reason: 'fixed' });
    expect(off.version.spec.kill_switch).toEqual({ on: false, message: 'Back soon.' });
    const actions = (await createAuditRepository({ db: database.db, clock }).list({})).map((entry) => entry.action);
    expect(actions).toEqual(['guardrail.seeded', 'guardrail.kill_switch_on', 'guardrail.kill_switch_off']);
  });

  it('builds each change on the latest version even when the latest changed since the caller read it', async () => {
    const stale = await deps.repository.findLatest(SOURCE);
    await Promise.all([
      createGuardrailVersion(deps, { source: SOURCE, change: { blocklist: { add_words: ['alpha'] } }, actor: 'slack:U1', reason: 'a' }),
      createGuardrailVersion(deps, { source: SOURCE, change: { blocklist: { add_words: ['beta'] } }, actor: 'slack:U2', reason: 'b' }),
    ]);
    const latest = await deps.repository.findLatest(SOURCE);
    expect(stale!.version).toBe(1);
    expect(latest).toMatchObject({ version: 3, spec: { blocklist: { words: ['alpha', 'beta'] } } });
  });

  it('gives concurrent writers consecutive versions, none lost (on PostgreSQL each holds its own connection)', async () => {
    const words = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'];
    const results = await Promise.all(
      words.map((word) => createGuardrailVersion(deps, { source: SOURCE, change: { blocklist: { add_words: [word] } }, actor: 'slack:U1', reason: word })),
    );
    expect(results.map((result) => result.version.version).sort()).toEqual([2, 3, 4, 5, 6, 7]);
    expect((await deps.repository.findLatest(SOURCE))?.spec.blocklist.words.slice().sort()).toEqual(words);
  });
});
