import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { queryDatabase, writeDatabase } from '../helpers/query-database.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';
import { killVigilProcesses, runVigilCli, runVigilCommand } from '../helpers/vigil-process.ts';

// The operator's and the auditor's side: `vigil guardrails` and `vigil audit` run as real
// processes on the same SQLite file as a running Vigil, which picks their versions up.

const ACTOR = `cli:${userInfo().username}`;

// A CLI process boots in 1–2 s on an idle machine and several times that on a busy 2-core one.
describe('guardrails and audit from the CLI', { timeout: 120_000 }, () => {
  let vigil: TestVigil;
  let env: Record<string, string>;
  let appKey: string;
  let adminKey: string;

  beforeAll(async () => {
    vigil = await startTestVigil();
    env = { DATABASE_URL: vigil.env.DATABASE_URL!, VIGIL_CONFIG: vigil.env.VIGIL_CONFIG! };
    appKey = await vigil.createKey({ scopes: ['ingest', 'read'] });
    adminKey = await vigil.createKey({ scopes: ['admin'], sources: ['*'] });
  });
  afterAll(async () => {
    killVigilProcesses();
    await vigil.stop();
  });

  const api = async (method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${vigil.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const current = async () => JSON.parse((await api('GET', '/v1/guardrails/support-bot', appKey)).text) as Record<string, any>;

  it('shows the guardrail as importable YAML', async () => {
    const shown = await runVigilCli(['guardrails', 'show', 'support-bot'], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^# support-bot v1 \(seed\) by system:config/);
    expect(shown.stdout).toContain('support-bot:\n  graders:');
    expect(shown.stdout).toContain('kill_switch:\n    on: false');
  });

  it('imports a file: prints the diff, writes only with --yes, and the running server serves it', async () => {
    const file = join(vigil.dir, 'guardrails.yaml');
    writeFileSync(file, 'support-bot:\n  detectors:\n    injection: { action: block }\n  blocklist:\n    words: [acme rival]\n    patterns: []\n');
    const dryRun = await runVigilCli(['guardrails', 'import', file], env);
    expect({ code: dryRun.code, stderr: dryRun.stderr }).toEqual({ code: 0, stderr: '' });
    expect(dryRun.stdout).toBe(
      'support-bot: v1 → v2\n  ~ detectors.injection.action: "flag" → "block"\n  + blocklist.words: "acme rival"\nDry run: nothing written. Re-run with --yes to create the new version(s).\n',
    );
    expect((await current()).version).toBe(1);

    const waiting = api('GET', '/v1/guardrails/support-bot?wait=20', appKey, undefined, { 'if-none-match': '"support-bot-v1"' });
    const written = await runVigilCli(['guardrails', 'import', file, '--yes', '--reason', 'quarterly review'], env);
    expect(written.stdout).toContain(`support-bot: v2 created (import) by ${ACTOR}.`);
    const served = await waiting;
    expect(served.status).toBe(200);
    expect(JSON.parse(served.text)).toMatchObject({ version: 2, kind: 'import', actor: ACTOR, reason: 'quarterly review' });
    const checked = await api('POST', '/v1/check', appKey, { source: 'support-bot', output: 'Try ACME Rival instead.' });
    expect(JSON.parse(checked.text)).toMatchObject({ action: 'block', guardrail_version: 2 });
  });

  it('refuses an import with a catastrophic pattern, naming the source and path', async () => {
    const file = join(vigil.dir, 'bad.yaml');
    writeFileSync(file, 'support-bot:\n  blocklist:\n    words: []\n    patterns: ["(a|aa)+$"]\n');
    const refused = await runVigilCli(['guardrails', 'import', file, '--yes'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^vigil: Invalid guardrail file .*bad\.yaml: support-bot\.blocklist\.patterns\[0\]: repeats a group of alternatives/);
  });

  it('keeps every change when two processes and the API change the guardrail at once', async () => {
    const before = (await current()).version as number;
    const results = await Promise.all([
      runVigilCommand('src/cli.ts', ['guardrails', 'change', 'support-bot', '--json', '{"blocklist":{"add_words":["from cli one"]}}', '--reason', 'one'], { env, timeoutMs: 60_000 }),
      runVigilCommand('src/cli.ts', ['guardrails', 'change', 'support-bot', '--json', '{"blocklist":{"add_words":["from cli two"]}}', '--reason', 'two'], { env, timeoutMs: 60_000 }),
      api('POST', '/v1/guardrails/support-bot/versions', adminKey, { change: { blocklist: { add_words: ['from the api'] } }, reason: 'three' }),
    ]);
    expect(results.map((result) => ('code' in result ? result.code : result.status))).toEqual([0, 0, 201]);
    const versions = await queryDatabase<{ version: number }>(env.DATABASE_URL!, `SELECT version FROM guardrail_versions WHERE source = 'support-bot' ORDER BY version`);
    expect(versions.map((row) => row.version)).toEqual(Array.from({ length: before + 3 }, (_, i) => i + 1));
    const deadline = Date.now() + 3_000;
    while ((await current()).version < before + 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await current()).guardrail.blocklist.words).toEqual(expect.arrayContaining(['acme rival', 'from cli one', 'from cli two', 'from the api']));
  });

  it('serves the audit log as JSON and NDJSON to admin keys only', async () => {
    const json = JSON.parse((await api('GET', '/v1/audit?limit=2', adminKey)).text) as Record<string, any>;
    expect(json.entries).toHaveLength(2);
    expect(json.entries[0]).toMatchObject({ seq: 1, prev_hash: '0'.repeat(64) });
    expect(json.next_after_seq).toBe(2);
    const ndjson = await api('GET', `/v1/audit?since=${new Date(Date.now() - 60_000).toISOString()}`, adminKey, undefined, { accept: 'application/x-ndjson' });
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = ndjson.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines.map((entry) => entry.action)).toEqual(expect.arrayContaining(['guardrail.seeded', 'guardrail.imported', 'guardrail.version_created']));
    expect((await api('GET', '/v1/audit', appKey)).status).toBe(403);
    expect(JSON.parse((await api('GET', '/v1/audit?since=yesterday', adminKey)).text).error.details[0].path).toBe('since');
  });

  it('exports the audit log as JSONL and CSV, verifies it, and finds a row changed with SQL', async () => {
    const jsonl = await runVigilCli(['audit', 'export', '--format', 'jsonl'], env);
    const entries = jsonl.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(jsonl.stderr).toBe(`Exported ${entries.length} audit entries.\n`);

    const csv = await runVigilCli(['audit', 'export', '--format', 'csv', '--since', '2020-01-01'], env);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('seq,id,at,at_ms,actor,action,source,subject_type,subject_id,details,prev_hash,hash');
    expect(rows).toHaveLength(entries.length + 1);
    expect(rows.find((row) => row.includes('guardrail.imported'))).toMatch(/,"\{""version"":2,/);

    expect(await runVigilCli(['audit', 'verify'], env)).toMatchObject({ code: 0, stdout: `Audit log intact: ${entries.length} entries verified.\n` });
    const target = entries.find((entry) => entry.action === 'guardrail.imported')!;
    await writeDatabase(env.DATABASE_URL!, `UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = ?`, target.seq);
    const broken = await runVigilCli(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe(
      `Audit log BROKEN at entry seq ${target.seq} (${target.id}): content does not match its hash (the entry was modified). ${target.seq - 1} entries before it verified.\n`,
    );
  });
});
