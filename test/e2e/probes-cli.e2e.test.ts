import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTargetApp, type FakeTargetApp } from '../../src/modules/monitoring/probes.test-utils.ts';
import { buildProbesConfig } from '../helpers/probes-config.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { startSlackTestVigil, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';
import { runVigilCommand } from '../helpers/vigil-process.ts';

// `vigil probe` run by hand while the server runs: a probe that gets through opens the same
// incident a scheduled run opens, and the server's outbox creates its channel.

const buildConfig = (targetUrl: string, openIncident: boolean) => buildProbesConfig(targetUrl, { openIncident });

describe('vigil probe from the command line', { timeout: 120_000 }, () => {
  let target: FakeTargetApp;
  let vigil: SlackTestVigil;
  const dir = createTempDir('vigil-probe-cli-');

  beforeAll(async () => {
    target = await startFakeTargetApp();
    vigil = await startSlackTestVigil({ configYaml: buildConfig(target.url, true) });
  });
  afterAll(async () => {
    await vigil?.stop();
    await target?.close();
  });

  const runProbe = (openIncident: boolean) => {
    const configPath = join(dir.path, `vigil-${openIncident}.config.yaml`);
    writeFileSync(configPath, buildConfig(target.url, openIncident));
    // A CLI process on a busy CI machine can take many seconds to start.
    return runVigilCommand('src/cli.ts', ['probe', '--source', 'support-bot', '--probe', 'encoded-payload'], { env: { DATABASE_URL: vigil.databasePath, VIGIL_CONFIG: configPath }, timeoutMs: 50_000 });
  };

  it('says why no incident was opened when open_incident is off', async () => {
    const result = await runProbe(false);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('1 got through, 0 errors; no incident opened (monitoring.probes.open_incident is off for this source)');
    expect((await vigil.query('select id from incidents'))).toEqual([]);
  });

  it('opens one incident, listing the breach once, whose channel the running server creates', async () => {
    const result = await runProbe(true);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('1 got through, 0 errors; incident opened');
    const incidents = (await vigil.query<{ severity: string; reporter: string; summary: string }>('select severity, reporter, summary from incidents'));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ severity: 'SEV2', reporter: 'system' });
    expect(incidents[0]!.summary.split('\n').filter((line) => line.includes('encoded-payload'))).toHaveLength(1);
    expect(incidents[0]!.summary).toMatch(/^Vigil sent injection and leak probes to support-bot \(an unknown release, model bot\); this one got through/);
    expect((await vigil.query<{ title: string }>('select title from incidents'))[0]!.title).toBe('A synthetic attack from Vigil got through on support-bot (an unknown release, model bot)');
    await vigil.fake.waitFor('conversations.create', undefined, 15_000);
    // The source has no known-good release: the incident message offers no Roll back.
    const message = await vigil.fake.waitFor('chat.postMessage', (call) => JSON.stringify(call.body.blocks ?? []).includes('incident.acknowledge'), 15_000);
    expect(JSON.stringify(message.body.blocks)).not.toContain('incident.rollback');
  });
});
