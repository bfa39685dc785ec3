import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CLI_COMMANDS } from './cli/cli.commands.ts';

// The CLI's entry point: `npm run -s vigil -- <command>` or `vigil <command>`. It loads only
// the module of the command being run (see cli/cli.commands.ts); `vigil --help` loads none.

if (existsSync('.env')) process.loadEnvFile('.env');

const program = new Command('vigil')
  .description('Vigil: human-in-the-loop review of production AI, from Slack')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

/** The command the arguments name (`vigil keys list`, `vigil help keys`), if it is one of ours. */
function requestedCommand(args: readonly string[]) {
  const words = args.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return CLI_COMMANDS.find((command) => command.name === name);
}

const requested = requestedCommand(process.argv.slice(2));
if (requested) {
  await requested.register(program);
} else {
  // Help, no command or an unknown one: the names and descriptions are enough to list
  // them (and to suggest the nearest name for a typo).
  for (const command of CLI_COMMANDS) program.command(command.name).description(command.description);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const [{ ConfigError }, { isVigilError }] = await Promise.all([import('./platform/config.ts'), import('./platform/errors.ts')]);
  if (error instanceof ConfigError || isVigilError(error)) {
    process.stderr.write(`vigil: ${error.message}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  }
  throw error;
}
