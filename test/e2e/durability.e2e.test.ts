import { writeFileSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDERS } from '../../src/platform/db.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { createTestApiKey, makeEvent, postEvents } from '../helpers/test-vigil.ts';
import { killVigilProcesses, startVigilProcess } from '../helpers/vigil-process.ts';

// "Nothing lost": an event answered with 202 is in the database file, across a
// restart, a SIGTERM in the middle of a batch, and two processes sharing the file.

const CONFIG_YAML = 'sources:\n  support-bot:\n    description: durability tests\n';
const dirs: { remove(): void }[] = [];
const agents: Agent[] = [];

function createWorkspace() {
  const dir = createTempDir('vigil-durability-');
  dirs.push(dir);
  const configPath = join(dir.path, 'vigil.config.yaml');
  writeFileSync(configPath, CONFIG_YAML);
  const databasePath = join(dir.path, 'vigil.db');
  return { databasePath, env: { DATABASE_URL: databasePath, VIGIL_CONFIG: configPath } };
}

function makeBatch(prefix: string, ids: number[], outputBytes = 200) {
  return { events: ids.map((n) => makeEvent({ id: `${prefix}-${n}`, output: `answer ${n} `.padEnd(outputBytes, 'lorem ipsum ') })) };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** Reads the file the way an auditor would: a separate, read-only connection. */
function readStoredIds(databasePath: string): string[] {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return sqlite.prepare('SELECT id FROM events ORDER BY seq').pluck().all() as string[];
  } finally {
    sqlite.close();
  }
}

/** A POST whose body is sent in two halves, so the test decides when it finishes. */
function startPartialPost(url: string, key: string, body: Buffer, agent: Agent) {
  const req = request(`${url}/v1/events`, {
    method: 'POST',
    agent,
    headers: {
      'content-type': 'application/json',
      'content-length': body.length,
      authorization: `Bearer ${key}`,
      // Node's server answers 100 Continue when it hands the request to Fastify, so
      // once 'continue' fires the request is in flight on the server's side.
      expect: '100-continue',
    },
  });
  const response = new Promise<{ status: number; body: { accepted: number; duplicates: number; ids: string[] } }>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
  });
  // Marked handled: if the test fails before awaiting it, the hang-up is not an unhandled rejection.
  response.catch(() => undefined);
  const half = Math.floor(body.length / 2);
  const started = new Promise<void>((resolve, reject) => {
    req.once('error', reject);
    req.once('continue', () => req.write(body.subarray(0, half), () => resolve()));
  });
  started.catch(() => undefined);
  return { started, response, finish: () => req.end(body.subarray(half)) };
}

/** Outcome of a request on a fresh connection: an HTTP status, or the socket error code. */
function tryFreshRequest(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/**
 * Fastify stops routing a few ticks after the "shutting down" line, later on a busy
 * machine; the held bodies keep the process alive meanwhile, so this waits (bounded)
 * for the first answer that is not a success.
 */
async function waitForRefusal(url: string, timeoutMs = 3_000): Promise<number | string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await tryFreshRequest(url);
    if (outcome !== 200 || Date.now() > deadline) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// A child Vigil (its modules and its detector worker, loaded through tsx) takes 2–4 s of CPU
// to boot, so a busy 2-core machine needs more than the default 20 s per test.
describe('durability of accepted events across processes', { timeout: 30_000 }, () => {
  afterAll(() => {
    for (const agent of agents) agent.destroy();
    killVigilProcesses();
    for (const dir of dirs) dir.remove();
  });

  // The first process takes small batches, then large ones that SIGTERM catches in
  // flight; the second process, on the same file, must find every accepted event.
  const restart = { env: {} as Record<string, string>, databasePath: '', key: '', acceptedIds: [] as string[] };

  it('finishes the batches in flight when SIGTERM arrives, refuses new requests and exits 0', async () => {
    const workspace = createWorkspace();
    // A shorter drain limit than the default, so a shutdown stuck on open connections fails in test time.
    Object.assign(restart, { env: { ...workspace.env, SHUTDOWN_TIMEOUT_MS: '12000' }, databasePath: workspace.databasePath });
    const vigil = await startVigilProcess({ env: restart.env });
    restart.key = await createTestApiKey(restart.databasePath, { scopes: ['ingest', 'read'] });

    const small = await Promise.all(range(0, 20).map((b) => postEvents(vigil.url, restart.key, makeBatch('small', range(b * 100, 100)))));
    expect(small.map((answer) => [answer.status, answer.body.accepted])).toEqual(Array(20).fill([202, 100]));

    // Like most SDK clients, this agent keeps idle connections open with no timeout of its own.
    const agent = new Agent({ keepAlive: true });
    agents.push(agent);
    const bodies = range(0, 3).map((b) => Buffer.from(JSON.stringify(makeBatch(`large-${b}`, range(0, 1000), 2000))));
    const posts = bodies.map((body) => startPartialPost(vigil.url, restart.key, body, agent));
    await Promise.all(posts.map((post) => post.started));

    vigil.signal('SIGTERM');
    await vigil.waitForLog((entry) => entry.msg === 'shutting down');
    // ECONNRESET: the connection reached the listener's backlog just as it closed.
    expect([503, 'ECONNREFUSED', 'ECONNRESET']).toContain(await waitForRefusal(vigil.url));

    for (const post of posts) post.finish();
    const large = await Promise.all(posts.map((post) => post.response));
    expect(large.map((answer) => [answer.status, answer.body.accepted])).toEqual(Array(3).fill([202, 1000]));
    expect(await vigil.stop('SIGTERM', 20_000)).toEqual({ code: 0, signal: null });
    expect(vigil.logs().map((entry) => entry.msg)).toContain('stopped');

    restart.acceptedIds = [...small, ...large].flatMap((answer) => answer.body.ids as string[]);
    const stored = new Set(readStoredIds(restart.databasePath));
    expect(restart.acceptedIds.filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBe(5000);
  });

  it('keeps every accepted event, once, when Vigil is started again on the same file', async () => {
    expect(restart.acceptedIds).toHaveLength(5000);
    const vigil = await startVigilProcess({ env: restart.env });
    for (const id of ['small-0', 'small-1999', 'large-0-0', 'large-2-999']) {
      const response = await fetch(`${vigil.url}/v1/events/${id}`, { headers: { authorization: `Bearer ${restart.key}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id, source: 'support-bot', output: expect.stringMatching(/^answer \d+ lorem/) });
    }
    const resent = await postEvents(vigil.url, restart.key, makeBatch('small', [0, 500, 1999, 2000]));
    expect(resent.body).toMatchObject({ accepted: 1, duplicates: 3 });
    expect(await vigil.stop()).toEqual({ code: 0, signal: null });

    const stored = readStoredIds(restart.databasePath);
    expect(stored).toHaveLength(5001);
    expect(new Set(stored)).toEqual(new Set([...restart.acceptedIds, 'small-2000']));
  });

  it('stores each id once when two processes share one file and both receive overlapping batches', async () => {
    const { databasePath, env } = createWorkspace();
    const [a, b] = await Promise.all([startVigilProcess({ env }), startVigilProcess({ env })]);
    const key = await createTestApiKey(databasePath, { scopes: ['ingest'] });

    // Batch n holds ids [200n, 200n + 400) and goes to process n % 2, so each id
    // reaches both processes; 12 batches cover 2600 distinct ids with 4800 sends.
    const batches = range(0, 12).map((n) => makeBatch('shared', range(n * 200, 400)));
    const answers = await Promise.all(batches.map((batch, n) => postEvents((n % 2 === 0 ? a : b).url, key, batch)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(202));
    expect(answers.reduce((sum, answer) => sum + answer.body.accepted, 0)).toBe(2600);
    expect(answers.reduce((sum, answer) => sum + answer.body.duplicates, 0)).toBe(4800 - 2600);

    const [exitA, exitB] = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    expect([exitA.code, exitB.code]).toEqual([0, 0]);

    const migrationFiles = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDERS.sqlite });
    const appliedByProcesses = [a, b]
      .map((p) => p.logs().find((entry) => entry.msg === 'database ready')?.migrationsApplied as number)
      .reduce((sum, n) => sum + n, 0);
    expect(appliedByProcesses).toBe(migrationFiles.length);

    const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
    try {
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(sqlite.prepare('SELECT count(*) AS n, count(DISTINCT id) AS distinctIds FROM events').get()).toEqual({ n: 2600, distinctIds: 2600 });
      const migrations = sqlite.prepare('SELECT hash FROM __drizzle_migrations ORDER BY id').pluck().all();
      expect(migrations).toEqual(migrationFiles.map((m) => m.hash));
    } finally {
      sqlite.close();
    }
  });
});
