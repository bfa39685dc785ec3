import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { systemClock } from '../../shared/clock.ts';
import { sourcesFileSchema } from '../sources/sources.config.ts';
import { decideProbeExitCode, formatProbeReport } from './probes-report.models.ts';
import { ProbeCommandError, runProbesNow, type ProbeCommandContext } from './probes-now.usecases.ts';
import { FAKE_CANARY, FAKE_SYSTEM_PROMPT, startFakeTargetApp, type FakeTargetApp } from './probes.test-utils.ts';

describe('vigil probe', () => {
  let app: FakeTargetApp;
  beforeAll(async () => {
    app = await startFakeTargetApp();
  });
  afterAll(() => app.close());
  const opened: TestDb[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
  });

  /** A fresh database, as `vigil probe` gets (each context its own). */
  const buildContext = async (monitoring: unknown): Promise<ProbeCommandContext> => {
    const database = await createTestDb();
    opened.push(database);
    return {
      sources: sourcesFileSchema.parse({
        sources: { 'support-bot': { checks: { prompt_leak: { canaries: [FAKE_CANARY], system_prompt: FAKE_SYSTEM_PROMPT } }, monitoring } },
      }),
      db: database.db,
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
      readSecret: (name) => ({ FAKE_APP_KEY: 'sk-fake' })[name],
    };
  };
  const target = () => ({ kind: 'openai_chat', base_url: `${app.url}/v1`, model: 'bot', api_key_env: 'FAKE_APP_KEY' });

  it('runs the chosen probes on a fresh database, prints one line each and a summary, and exits 1 when one got through', async () => {
    const report = await runProbesNow(await buildContext({ probes: { target: target(), rate_per_minute: 600 } }), {
      source: 'support-bot',
      probes: ['encoded-payload', 'instruction-override'],
    });
    const lines = formatProbeReport(report);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^encoded-payload {7}FAIL +\d+ ms {2}a canary appeared in the output \(1×\)$/);
    expect(lines[1]).toMatch(/^instruction-override {2}pass +\d+ ms$/);
    expect(lines[2]).toBe(`2 probes against support-bot: 1 passed, 1 got through, 0 errors; no incident opened (monitoring.probes.open_incident is off for this source) · run ${report.runId}`);
    expect(decideProbeExitCode(report)).toBe(1);
  });

  it('exits 0 when the app defended itself and 2 when probes could not be checked', async () => {
    const context = await buildContext({ probes: { target: target(), rate_per_minute: 600 } });
    expect(decideProbeExitCode(await runProbesNow(context, { source: 'support-bot', probes: ['pii-elicitation'] }))).toBe(0);
    const report = await runProbesNow({ ...context, readSecret: () => undefined }, { source: 'support-bot', probes: ['pii-elicitation'] });
    expect(formatProbeReport(report)[0]).toBe('pii-elicitation  error         -  environment variable FAKE_APP_KEY (api_key_env) is not set');
    expect(decideProbeExitCode(report)).toBe(2);
  });

  it('explains an unknown source or a source without a probe target', async () => {
    await expect(runProbesNow(await buildContext({}), { source: 'nope' })).rejects.toThrow('unknown source "nope"; the config has support-bot');
    await expect(runProbesNow(await buildContext({}), { source: 'support-bot' })).rejects.toThrow(ProbeCommandError);
  });
});
