import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDERS, openDatabase } from '../../src/platform/db.ts';
import { createApiKeysRepository } from '../../src/modules/api-keys/api-keys.repository.ts';
import { revokeApiKey } from '../../src/modules/api-keys/api-keys.usecases.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createEmptyTestDatabaseUrl, createTestDatabaseUrl } from '../../src/platform/db.test-utils.ts';
import { queryDatabase } from '../helpers/query-database.ts';
import { createTempDir } from '../helpers/temp-dir.ts';
import { buildReviewConfig, readItemId, startSlackTestVigil, USERS } from '../helpers/test-vigil-slack.ts';
import { createTestApiKey, makeEvent } from '../helpers/test-vigil.ts';
import { killVigilProcesses, startVigilProcess, type VigilProcess } from '../helpers/vigil-process.ts';
import { startFakeSlackApi, type FakeSlackApi } from './fake-slack-api.ts';
import { buildGuardrailsSlackConfig, openTighten, postCard, SOURCE, submitView, tightenValues } from './guardrails-slack.helpers.ts';
import { SIGNING_SECRET } from '../helpers/test-vigil-slack.ts';

// @store postgres-only: several Vigil instances on one PostgreSQL database, as behind a load balancer.
// Each instance is a real process (SIGKILL is part of the test) or, for the Slack flows, an
// in-process app on the same database.

const dirs: { remove(): void }[] = [];
const drops: Array<() => Promise<void>> = [];

function writeWorkspace(databaseUrl: string, slackApiUrl: string) {
  const dir = createTempDir('vigil-instances-');
  dirs.push(dir);
  const configPath = join(dir.path, 'vigil.config.yaml');
  writeFileSync(configPath, buildReviewConfig());
  return {
    DATABASE_URL: databaseUrl,
    VIGIL_CONFIG: configPath,
    SLACK_BOT_TOKEN: 'xoxb-instances-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackApiUrl,
    DATABASE_POOL_SIZE: '4',
  };
}

async function postBatch(url: string, key: string, events: Record<string, unknown>[]): Promise<{ status: number; ids: string[] } | 'unreachable'> {
  try {
    const response = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as { ids?: string[] };
    return { status: response.status, ids: body.ids ?? [] };
  } catch {
    return 'unreachable';
  }
}

describe('several Vigil instances on one PostgreSQL database', { timeout: 180_000 }, () => {
  let fake: FakeSlackApi;
  beforeAll(async () => {
    fake = await startFakeSlackApi();
  });
  afterAll(async () => {
    killVigilProcesses();
    await fake.close();
    for (const drop of drops) await drop();
    for (const dir of dirs) dir.remove();
  });

  it('applies each migration once when three instances start together on an empty database, and all three serve', async () => {
    const database = await createEmptyTestDatabaseUrl();
    drops.push(database.drop);
    const env = writeWorkspace(database.url, fake.url);
    const instances = await Promise.all([0, 1, 2].map(() => startVigilProcess({ env, readyTimeoutMs: 60_000 })));
    const applied = await queryDatabase<{ hash: string }>(database.url, 'SELECT hash FROM __drizzle_migrations ORDER BY id');
    const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDERS.postgres }).map((migration) => migration.hash);
    expect(applied.map((row) => row.hash)).toEqual(expected);
    for (const instance of instances) {
      const health = await fetch(`${instance.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ database: { status: 'ok', dialect: 'postgres', migrations: { applied: expected.length, pending: 0 } } });
    }
    await Promise.all(instances.map((instance) => instance.stop()));
  });

  it('keeps every acknowledged event, once, and posts one card per flagged event when one of three instances is killed mid-load', async () => {
    const database = await createTestDatabaseUrl();
    drops.push(database.drop);
    const env = writeWorkspace(database.url, fake.url);
    const instances: VigilProcess[] = await Promise.all([0, 1, 2].map(() => startVigilProcess({ env, readyTimeoutMs: 60_000 })));
    const key = await createTestApiKey(database.url, { sources: ['support-bot'], scopes: ['ingest', 'read'] });
    const alive = new Set(instances.map((instance) => instance.url));
    const victim = instances[2]!;
    const acknowledged = new Set<string>();
    let resent = 0;

    // Two clients, 30 batches of 40 events each; every 80th event carries an app flag (Slack takes one message a second per channel) (a card).
    const client = async (name: string) => {
      for (let batch = 0; batch < 30; batch++) {
        const events = Array.from({ length: 40 }, (_, i) => {
          const n = batch * 40 + i;
          return makeEvent({ id: `${name}-${n}`, output: `Answer ${n} for ${name}.`, ...(n % 80 === 0 ? { flags: [{ name: 'tone', severity: 'warn' }] } : {}) });
        });
        if (name === 'a' && batch === 10) {
          victim.signal('SIGKILL');
          alive.delete(victim.url);
        }
        // Round robin over the instances; a batch that got no answer goes to the next live one, as a client's retry would.
        for (let attempt = 0; ; attempt++) {
          const targets = instances.map((instance) => instance.url).filter((url) => alive.has(url));
          const url = targets[(batch + attempt + (name === 'a' ? 0 : 1)) % targets.length]!;
          const result = await postBatch(url, key, events);
          if (result !== 'unreachable' && result.status === 202) {
            for (const id of events.map((event) => event.id as string)) acknowledged.add(id);
            break;
          }
          resent++;
          if (attempt > 5) throw new Error(`batch ${name}-${batch} was never acknowledged`);
        }
      }
    };
    await Promise.all([client('a'), client('b')]);

    const stored = await queryDatabase<{ id: string }>(database.url, 'SELECT id FROM events');
    const storedIds = stored.map((row) => row.id);
    const lost = [...acknowledged].filter((id) => !storedIds.includes(id));
    const duplicated = storedIds.length - new Set(storedIds).size;
    expect({ acknowledged: acknowledged.size, lost: lost.length, duplicated }).toEqual({ acknowledged: 2400, lost: 0, duplicated: 0 });

    // Flagged events: one review item each, and each item's card posted exactly once, whichever instance sampled it.
    const flagged = [...acknowledged].filter((id) => Number(id.split("-")[1]) % 80 === 0).length;
    const cards = () => fake.calls('chat.postMessage').filter((call) => call.ok && !call.body.thread_ts && JSON.stringify(call.body.blocks ?? []).includes('review.approve'));
    const deadline = Date.now() + 90_000;
    while (cards().length < flagged && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const itemIds = cards().map((call) => readItemId(call));
    const items = await queryDatabase<{ n: number }>(database.url, 'SELECT count(*) AS n FROM review_items');
    expect({ flagged, items: items[0]!.n, cards: itemIds.length, distinctCards: new Set(itemIds).size }).toEqual({ flagged, items: flagged, cards: flagged, distinctCards: flagged });
    process.stdout.write(`postgres-instances: 3 instances, 1 SIGKILLed mid-load: ${acknowledged.size} acknowledged, ${lost.length} lost, ${duplicated} duplicated, ${resent} batches resent; ${flagged} flagged, ${itemIds.length} cards\n`);
    await Promise.all(instances.filter((instance) => instance !== victim).map((instance) => instance.stop()));
  });

  it('serves a Tighten submitted through instance A, and refuses a key revoked elsewhere, on B and C within a second', async () => {
    const vigil = await startSlackTestVigil({ configYaml: buildGuardrailsSlackConfig() });
    try {
      const others = [await vigil.startAnother(), await vigil.startAnother()];
      const checkOn = async (url: string) => {
        const response = await fetch(`${url}/v1/check`, {
          method: 'POST',
          headers: { authorization: `Bearer ${vigil.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ source: SOURCE, output: 'Sorry: we never give refunds, deal with it!' }),
        });
        return (await response.json()) as { action: string; guardrail_version: number };
      };
      const { card, itemId } = await postCard(vigil, 'across-1', 'We never give refunds, deal with it. Bye.');
      for (const other of others) expect(await checkOn(other.url)).toMatchObject({ action: 'allow' });
      const modal = await openTighten(vigil, card, itemId, USERS.approver);
      const submitted = await submitView(vigil, modal.body.view, USERS.approver, tightenValues({ choice: 'block_pattern', pattern: 'We never give refunds, deal with it', reason: 'rude' }));
      expect(submitted.status).toBe(200);
      const clicked = performance.now();
      const servedAfterMs = await Promise.all(
        others.map(async (other) => {
          while ((await checkOn(other.url)).action !== 'block') {
            if (performance.now() - clicked > 5_000) throw new Error('the other instance never blocked');
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          return performance.now() - clicked;
        }),
      );
      process.stdout.write(`postgres-instances: tighten through A served by B after ${servedAfterMs[0]!.toFixed(0)} ms, by C after ${servedAfterMs[1]!.toFixed(0)} ms\n`);
      for (const ms of servedAfterMs) expect(ms).toBeLessThan(1_000);

      // A key revoked elsewhere (here as `vigil keys revoke` does, on its own connection) stops working on B and C within a second, though they had it cached.
      const [{ id }] = (await queryDatabase<{ id: string }>(vigil.databasePath, 'SELECT id FROM api_keys')) as [{ id: string }];
      const cli = openDatabase({ url: vigil.databasePath, poolSize: 1 });
      const revokedAt = performance.now();
      await revokeApiKey({ apiKeysRepository: createApiKeysRepository({ db: cli.db }), clock: systemClock }, { id, actor: 'cli:test' });
      await cli.close();
      const refusedAfterMs = await Promise.all(
        others.map(async (other) => {
          while ((await fetch(`${other.url}/v1/check`, { method: 'POST', headers: { authorization: `Bearer ${vigil.key}`, 'content-type': 'application/json' }, body: '{}' })).status !== 401) {
            if (performance.now() - revokedAt > 5_000) throw new Error('the other instance kept accepting the revoked key');
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          return performance.now() - revokedAt;
        }),
      );
      process.stdout.write(`postgres-instances: key revoked elsewhere refused by B after ${refusedAfterMs[0]!.toFixed(0)} ms, by C after ${refusedAfterMs[1]!.toFixed(0)} ms\n`);
      for (const ms of refusedAfterMs) expect(ms).toBeLessThan(1_000);
    } finally {
      await vigil.stop();
    }
  });
});
