import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { VigilConfig } from '../app/config.ts';
import { ConfigError, DEFAULT_CONFIG_PATH, parseEnv, type Env } from '../platform/config.ts';
import { databaseOptionsFrom, openDatabase, runMigrations } from '../platform/db.ts';
import { systemClock } from '../shared/clock.ts';
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.ts';
import { createAuditRepository } from '../modules/audit/audit.repository.ts';

// What every CLI command runs with: the settings, the migrated database, the clock and the
// operator's name for the audit log. It lives apart from `src/cli.ts` so command modules can
// import it without importing the CLI entry point (which loads them: a cycle, and every module
// loaded for every command). The sources file is parsed only for commands that need it: its
// schema is made of every module's fragment, a third of what `vigil keys list` used to load.

/**
 * Run outside the directory Vigil runs in (after `npm install -g .`), the defaults would point
 * at a `./data/vigil.db` that does not exist: the CLI would create an empty one and report "No
 * API keys yet". With neither a config file nor DATABASE_URL, it refuses instead.
 */
function checkRunsWhereVigilRuns(env: Env): void {
  const configPath = env.VIGIL_CONFIG ?? DEFAULT_CONFIG_PATH;
  if (!existsSync(configPath) && !process.env.DATABASE_URL) {
    throw new ConfigError(
      `no ${configPath} here (${process.cwd()}) and DATABASE_URL is not set: run vigil in the directory Vigil runs in, or set DATABASE_URL (and VIGIL_CONFIG)`,
    );
  }
}

async function openDatabaseContext(env: Env) {
  checkRunsWhereVigilRuns(env);
  const database = openDatabase(databaseOptionsFrom(env));
  const migrations = await runMigrations(database).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const clock = systemClock;
  return {
    env,
    database,
    migrations,
    clock,
    actor: `cli:${userInfo().username}`,
    apiKeysRepository: createApiKeysRepository({ db: database.db }),
    auditRepository: createAuditRepository({ db: database.db, clock }),
  };
}

/** For commands that need the database but not the sources (keys list, keys revoke). */
export type CliDatabaseContext = Awaited<ReturnType<typeof openDatabaseContext>>;

export type CliContext = CliDatabaseContext & {
  config: VigilConfig & { configMissing: boolean };
  knownSources: string[];
};

async function openContext(): Promise<CliContext> {
  const env = parseEnv(process.env);
  const { loadSourcesFile } = await import('../app/config.ts');
  const { configPath, sources, missing } = loadSourcesFile(env);
  const context = await openDatabaseContext(env);
  return { ...context, config: { env, configPath, sources, configMissing: missing }, knownSources: Object.keys(sources.sources) };
}

/** Runs a command with the config and an open database, closing it afterwards whatever happens. */
export function withContext<A extends unknown[]>(run: (context: CliContext, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const context = await openContext();
    try {
      await run(context, ...args);
    } finally {
      await context.database.close();
    }
  };
}

/** Like withContext, without reading the sources file. */
export function withDatabaseContext<A extends unknown[]>(run: (context: CliDatabaseContext, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const context = await openDatabaseContext(parseEnv(process.env));
    try {
      await run(context, ...args);
    } finally {
      await context.database.close();
    }
  };
}
