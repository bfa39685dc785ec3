import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command, CommanderError } from 'commander';
import { ConfigError } from './platform/config.ts';
import { parseConfig } from './app/config.ts';
import { openDatabase, runMigrations } from './platform/db.ts';
import { isVigilError } from './platform/errors.ts';
import { systemClock } from './shared/clock.ts';
import { registerApiKeyCommands } from './modules/api-keys/api-keys.cli.ts';
import { registerAuditCommands } from './modules/audit/audit.cli.ts';
import { registerGuardrailCommands } from './modules/guardrails/guardrails.cli.ts';
import { registerReleaseCommands } from './modules/releases/releases.cli.ts';
import { createAuditRepository } from './modules/audit/audit.repository.ts';
import { createApiKeysRepository } from './modules/api-keys/api-keys.repository.ts';
import { registerChecksCommands } from './modules/checks/checks.cli.ts';
import { createReviewDigestRepository } from './modules/review/review-digest.repository.ts';
import { registerDigestCommands } from './modules/digest/digest.cli.ts';
import { registerProbeCommands } from './modules/monitoring/probes.cli.ts';
import { createCliProbeIncidentOpener } from './app/probe-incidents.ts';
import { createDigestProbesLoader } from './modules/monitoring/monitoring.module.ts';
import { openCalibrationContext, registerCalibrationCommands } from './modules/calibration/calibration.cli.ts';
import { loadDigestCalibration } from './modules/calibration/calibration.usecases.ts';
import { createIncidentsDigestRepository } from './modules/incidents/incidents-digest.repository.ts';

// The CLI's composition root: `npm run vigil -- <command>` or `vigil <command>`.

if (existsSync('.env')) process.loadEnvFile('.env');

function openContext() {
  const config = parseConfig(process.env);
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

const program = new Command('vigil')
  .description('Vigil: human-in-the-loop review of production AI, from Slack')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(
    withContext(async ({ migrations, database }) => {
      console.log(`${migrations.applied} migration(s) applied to ${database.path}`);
    }),
  );

registerApiKeyCommands(program);
registerGuardrailCommands(program);
registerReleaseCommands(program);
registerAuditCommands(program);
registerChecksCommands(program);
registerDigestCommands(program, async (context) => {
  const calibration = await openCalibrationContext(context);
  return {
    loadReview: createReviewDigestRepository({ db: context.database.db }).loadReview,
    loadIncidents: createIncidentsDigestRepository({ db: context.database.db }).loadIncidents,
    loadCalibration: async (source, period) => loadDigestCalibration(calibration, source, period),
    loadProbes: createDigestProbesLoader({ db: context.database.db, sources: context.config.sources.sources }),
  };
});
registerProbeCommands(program, (context, logger) =>
  createCliProbeIncidentOpener({ db: context.database.db, sources: context.config.sources, env: context.config.env, clock: context.clock, logger }),
);
registerCalibrationCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError || isVigilError(error)) {
    process.stderr.write(`vigil: ${error.message}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  }
  throw error;
}
