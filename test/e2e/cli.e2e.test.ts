import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDERS, openDatabase } from '../../src/platform/db.ts';
import { createAuditRepository } from '../../src/modules/audit/audit.repository.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { makeEvent, postEvents } from '../helpers/test-vigil.ts';
import { killVigilProcesses, runVigilCli, startVigilProcess } from '../helpers/vigil-process.ts';

// @store sqlite-only: reads the SQLite file the CLI wrote; the CLI on PostgreSQL is calibration-cli, guardrails-cli and postgres-instances

// The operator's side of API keys: `vigil migrate` and `vigil keys …` run as real
// processes against the same SQLite file as a running Vigil.

const KEY_CACHE_TTL_MS = 5_000;
const ACTOR = `cli:${userInfo().username}`;

// A child Vigil (its modules and its detector worker, loaded through tsx) takes 2–4 s of CPU
// to boot, so a busy 2-core machine (load 20 while eight engineers test) needs minutes, not 20 s.
describe('vigil CLI', { timeout: 150_000 }, () => {
  const dir = createTempDir('vigil-cli-');
  const configPath = join(dir.path, 'vigil.config.yaml');
  writeFileSync(configPath, 'sources:\n  support-bot:\n    description: CLI tests\n');
  const envFor = (file: string) => ({ DATABASE_URL: join(dir.path, file), VIGIL_CONFIG: configPath });
  const keysEnv = envFor('keys.db');

  // Booting Vigil takes seconds: it starts now, and the tests that need it await it.
  const vigilStarting = startVigilProcess({ env: keysEnv, readyTimeoutMs: 120_000 });
  vigilStarting.catch(() => undefined);
  afterAll(() => {
    killVigilProcesses();
    dir.remove();
  });

  /** Filled by the key tests, which run in order: create → use → revoke → refused. */
  const created = { key: '', id: '', lastAcceptedAt: 0 };

  function readRows(sql: string): Record<string, unknown>[] {
    const sqlite = new Database(keysEnv.DATABASE_URL, { readonly: true, fileMustExist: true });
    try {
      return sqlite.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      sqlite.close();
    }
  }

  it('migrate applies every migration, then reports 0 the second time', async () => {
    const fresh = envFor('nested/dir/migrate.db');
    const count = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDERS.sqlite }).length;
    const first = await runVigilCli(['migrate'], fresh);
    expect(first).toMatchObject({ code: 0, stdout: `${count} migration(s) applied to ${fresh.DATABASE_URL}\n` });
    const second = await runVigilCli(['migrate'], fresh);
    expect(second).toMatchObject({ code: 0, stdout: `0 migration(s) applied to ${fresh.DATABASE_URL}\n` });
  });

  it('keys create prints the key alone on stdout, once, and stores only its SHA-256', async () => {
    await vigilStarting;
    const result = await runVigilCli(['keys', 'create', '--source', 'support-bot', '--scopes', 'ingest,read', '--name', 'support prod'], keysEnv);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^vgl_[A-Za-z0-9_-]{43}\n$/);
    created.key = result.stdout.trim();
    expect(result.stderr).toMatch(/^Created key_\w+ \(ingest,read on support-bot\)\. Store the key now: it is not shown again\.\n$/);
    created.id = /Created (key_\w+)/.exec(result.stderr)![1]!;

    const rows = readRows('SELECT * FROM api_keys');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: created.id, name: 'support prod', hash: createHash('sha256').update(created.key).digest('hex'), revoked_at: null });
    const secretPart = created.key.slice(String(rows[0]!.prefix).length);
    for (const row of [...rows, ...readRows('SELECT * FROM audit_log')]) {
      for (const value of Object.values(row)) expect(String(value)).not.toContain(secretPart);
    }
    for (const file of [keysEnv.DATABASE_URL, `${keysEnv.DATABASE_URL}-wal`].filter(existsSync)) {
      expect(readFileSync(file).includes(secretPart)).toBe(false);
    }
  });

  it('the created key is accepted by a running Vigil, and keys list never prints it', async () => {
    const vigil = await vigilStarting;
    const posted = await postEvents(vigil.url, created.key, { events: [makeEvent({ id: 'cli-key-1' })] });
    expect(posted).toMatchObject({ status: 202, body: { accepted: 1 } });
    const read = await fetch(`${vigil.url}/v1/events/cli-key-1`, { headers: { authorization: `Bearer ${created.key}` } });
    expect(read.status).toBe(200);
    created.lastAcceptedAt = Date.now();

    const [table, json] = await Promise.all([runVigilCli(['keys', 'list'], keysEnv), runVigilCli(['keys', 'list', '--json'], keysEnv)]);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(`${[created.id, `${created.key.slice(0, 10)}…`, 'support prod', 'ingest,read', 'support-bot', 'active'].join('\t')}\n`);
    expect(json.code).toBe(0);
    const listed = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(listed).toEqual([expect.objectContaining({ id: created.id, scopes: ['ingest', 'read'], sources: ['support-bot'], revokedAt: null })]);
    expect(Object.keys(listed[0]!)).not.toContain('hash');
    for (const output of [table.stdout, table.stderr, json.stdout, json.stderr]) expect(output).not.toContain(created.key.slice(10));
  });

  it('keys revoke marks the key revoked and audits its creation and revocation', async () => {
    const revoked = await runVigilCli(['keys', 'revoke', created.id], keysEnv);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked ${created.id} (support prod)\n` });
    expect(readRows('SELECT revoked_at FROM api_keys')[0]!.revoked_at).toEqual(expect.any(Number));

    const audit = readRows("SELECT actor, action, subject_type, subject_id FROM audit_log WHERE action LIKE 'api_key.%' ORDER BY seq");
    expect(audit).toEqual([
      { actor: ACTOR, action: 'api_key.created', subject_type: 'api_key', subject_id: created.id },
      { actor: ACTOR, action: 'api_key.revoked', subject_type: 'api_key', subject_id: created.id },
    ]);
    const database = openDatabase({ url: keysEnv.DATABASE_URL });
    try {
      expect(await createAuditRepository({ db: database.db, clock: systemClock }).verify()).toMatchObject({ ok: true });
    } finally {
      await database.close();
    }
  });

  it('refuses an unknown source and bad scopes with a clear message, and changes nothing', async () => {
    const [unknownSource, badScopes] = await Promise.all([
      runVigilCli(['keys', 'create', '--source', 'ghost-bot'], keysEnv),
      runVigilCli(['keys', 'create', '--source', 'support-bot', '--scopes', 'read,write'], keysEnv),
    ]);
    expect(unknownSource).toMatchObject({ code: 1, stdout: '', stderr: 'vigil: Unknown source "ghost-bot"; declared sources: support-bot.\n' });
    expect(badScopes.code).not.toBe(0);
    expect(badScopes.stdout).toBe('');
    expect(badScopes.stderr).toContain("option '--scopes <list>' argument 'read,write' is invalid");
    expect(badScopes.stderr).toContain('scopes must be a comma-separated list of ingest, read, admin');
    expect(readRows('SELECT count(*) AS n FROM api_keys')).toEqual([{ n: 1 }]);
    expect(readRows("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'api_key.%'")).toEqual([{ n: 2 }]);
  });

  it('a running Vigil refuses the revoked key once its cache TTL has passed', async () => {
    const vigil = await vigilStarting;
    // The last accepted request may have cached the key for one TTL; past that, no request may pass.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, created.lastAcceptedAt + KEY_CACHE_TTL_MS + 200 - Date.now())));
    const refused = await postEvents(vigil.url, created.key, { events: [makeEvent({ id: 'cli-key-2' })] });
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'auth.invalid_api_key' } } });
    expect(readRows(`SELECT count(*) AS n FROM events WHERE id = 'cli-key-2'`)).toEqual([{ n: 0 }]);
  });
});
