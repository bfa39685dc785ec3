import type { Command } from 'commander';
import { withContext } from '../../cli/cli.context.ts';
import { createLogger } from '../../platform/logger.ts';
import { decideProbeExitCode, formatProbeReport } from './probes-report.models.ts';
import { ProbeCommandError, runProbesNow } from './probes-now.usecases.ts';
import { ProbeLibraryError } from './probes.models.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerProbeCommands(program: Command) {
  program
    .command('probe')
    .description("send the injection and leak probes to a source's probe target now and print the results (exit 1 if one got through)")
    .requiredOption('--source <name>', 'the source to probe')
    .option('--probe <name>', 'only this probe (repeat for several)', collect)
    .action(
      withContext(async ({ config, database, clock }, options: { source: string; probe?: string[] }) => {
        try {
          const report = await runProbesNow(
            {
              sources: config.sources,
              db: database.db,
              clock,
              // Logs go to stderr so stdout stays the report.
              logger: createLogger({ level: 'error', destination: process.stderr }),
              readSecret: (name) => process.env[name],
              openaiApiKey: config.env.OPENAI_API_KEY,
              openaiBaseUrl: config.env.OPENAI_BASE_URL,
            },
            { source: options.source, ...(options.probe ? { probes: options.probe } : {}) },
          );
          for (const line of formatProbeReport(report)) console.log(line);
          process.exitCode = decideProbeExitCode(report);
        } catch (error) {
          if (!(error instanceof ProbeCommandError || error instanceof ProbeLibraryError)) throw error;
          process.stderr.write(`vigil: ${error.message}\n`);
          process.exitCode = 78;
        }
      }),
    );
}
