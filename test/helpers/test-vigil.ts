import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createVigilApp, type VigilApp, type VigilAppOptions } from '../../src/app/vigil-app.ts';
import { openDatabase } from '../../src/platform/db.ts';
import { createTestDatabaseUrl, testStore } from '../../src/platform/db.test-utils.ts';
import { createApiKeysRepository } from '../../src/modules/api-keys/api-keys.repository.ts';
import { createApiKey } from '../../src/modules/api-keys/api-keys.usecases.ts';
import type { ApiKeyScope } from '../../src/modules/api-keys/api-keys.models.ts';
import { systemClock, type Clock } from '../../src/shared/clock.ts';
import { createTempDir } from './temp-dir.ts';

export const DEFAULT_TEST_CONFIG = `
sources:
  support-bot:
    description: test source
  billing-bot: {}
`;

export interface TestVigil {
  url: string;
  app: VigilApp;
  dir: string;
  databasePath: string;
  env: Record<string, string>;
  createKey(options?: { sources?: string[]; scopes?: ApiKeyScope[] }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts a real Vigil in-process on port 0 with a real SQLite file in a temp dir, or, in the
 * PostgreSQL test project, on a fresh PostgreSQL database dropped at stop.
 */
export async function startTestVigil(
  options: { configYaml?: string; env?: Record<string, string>; clock?: Clock; app?: Pick<VigilAppOptions, 'detectorWorkers' | 'detectorWorkerEntry'> } = {},
): Promise<TestVigil> {
  const dir = createTempDir();
  const configPath = join(dir.path, 'vigil.config.yaml');
  writeFileSync(configPath, options.configYaml ?? DEFAULT_TEST_CONFIG);
  const postgres = testStore() === 'postgres' && !options.env?.DATABASE_URL ? await createTestDatabaseUrl() : undefined;
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: postgres?.url ?? join(dir.path, 'vigil.db'),
    VIGIL_CONFIG: configPath,
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  const config = parseConfig(env);
  const app = await createVigilApp(config, {
    logger: createLogger({ level: 'silent' }),
    clock: options.clock ?? systemClock,
    collectDefaultMetrics: false,
    schedules: false,
    ...options.app,
  });
  const url = await app.listen();
  return {
    url,
    app,
    dir: dir.path,
    databasePath: env.DATABASE_URL,
    env,
    createKey: (keyOptions = {}) => createTestApiKey(env.DATABASE_URL, keyOptions),
    async stop() {
      await app.stop();
      await postgres?.drop();
      dir.remove();
    },
  };
}

/** Creates a key straight in the database, as `vigil keys create` does. */
export async function createTestApiKey(
  databaseUrl: string,
  options: { sources?: string[]; scopes?: ApiKeyScope[] } = {},
): Promise<string> {
  const database = openDatabase({ url: databaseUrl });
  try {
    const { secret } = await createApiKey(
      { apiKeysRepository: createApiKeysRepository({ db: database.db }), clock: systemClock },
      {
        sources: options.sources ?? ['support-bot'],
        scopes: options.scopes ?? ['ingest', 'read'],
        actor: 'test',
        knownSources: ['support-bot', 'billing-bot'],
      },
    );
    return secret;
  } finally {
    await database.close();
  }
}

export function makeEvent(overrides: Record<string, unknown> = {}): { id?: string; source: string; [field: string]: unknown } {
  return {
    source: 'support-bot',
    input: 'Where is my order #4412?',
    output: 'Your order shipped yesterday and should arrive on Friday.',
    model: 'gpt-4o-mini',
    model_version: '2024-07-18',
    prompt_version: 'v12',
    release: 'r-2026.11.20',
    ...overrides,
  };
}

export async function postEvents(url: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
