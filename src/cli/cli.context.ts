import { userInfo } from 'node:os';
import { parseConfig } from '../app/config.ts';
import { ConfigError } from '../platform/config.ts';
import { openDatabase, runMigrations } from '../platform/db.ts';
import { systemClock } from '../shared/clock.ts';
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.ts';
import { createAuditRepository } from '../modules/audit/audit.repository.ts';

// What every CLI command runs with: the parsed config, the migrated database, the clock and
// the operator's name for the audit log. It lives apart from `src/cli.ts` so command modules
// can import it without importing the CLI entry point (which loads them: a cycle, and every
// module loaded for every command).

/**
 * Run outside the directory Vigil runs in (after `npm install -g .`), the defaults would point
 * at a `./data/vigil.db` that does not exist: the CLI would create an empty one and report "No
 * API keys yet". With neither a config file nor DATABASE_URL, it refuses instead.
 */
function checkRunsWhereVigilRuns(config: ReturnType<typeof parseConfig>): void {
  if (config.configMissing && process.env.DATABASE_URL === undefined) {
    throw new ConfigError(
      `no ${config.configPath} here (${process.cwd()}) and DATABASE_URL is not set: run vigil in the directory Vigil runs in, or set DATABASE_URL (and VIGIL_CONFIG)`,
    );
  }
}

function openContext() {
  const config = parseConfig(process.env);
  checkRunsWhereVigilRuns(config);
  const database = openDatabase({ url: config.env.DATABASE_URL, synchronous: config.env.DATABASE_SYNCHRONOUS });
  const migrations = runMigrations(database.sqlite);
  const clock = systemClock;
  return {
    config,
    database,
    migrations,
    clock,
    actor: `cli:${userInfo().username}`,
    knownSources: Object.keys(config.sources.sources),
    apiKeysRepository: createApiKeysRepository({ db: database.db }),
    auditRepository: createAuditRepository({ db: database.db, clock }),
  };
}

export type CliContext = ReturnType<typeof openContext>;

/** Runs a command with an open database, closing it afterwards whatever happens. */
export function withContext<A extends unknown[]>(run: (context: CliContext, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const context = openContext();
    try {
      await run(context, ...args);
    } finally {
      context.database.close();
    }
  };
}
