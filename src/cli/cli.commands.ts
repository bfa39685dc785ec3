import type { Command } from 'commander';

// Every CLI command, as `vigil --help` lists it, and the module that registers it. A module is
// loaded only when its command runs: loading them all took 3 s of CPU before any command did
// anything (`vigil --help` included). To add a command:
//   1. in `src/modules/<feature>/<feature>.cli.ts`, export `register<Feature>Commands(program)`
//      that adds the command and wraps its action in `withContext` from `src/cli/cli.context.ts`
//      (config, sources and database) or `withDatabaseContext` (the database alone, faster);
//   2. add a row here with the same name and description (cli.commands.test.ts checks they match).

export interface CliCommand {
  /** The top-level command name, as typed after `vigil`. */
  name: string;
  /** One line for `vigil --help`: the same text the module gives its command. */
  description: string;
  /** Loads the module and registers the command (and any siblings it owns) on the program. */
  register: (program: Command) => Promise<void>;
}

/** The calibration module owns four top-level commands; loading it registers all four. */
const registerCalibration = async (program: Command) => (await import('../modules/calibration/calibration.cli.ts')).registerCalibrationCommands(program);

export const CLI_COMMANDS: readonly CliCommand[] = [
  {
    name: 'migrate',
    description: 'apply pending database migrations',
    register: async (program) => (await import('./migrate.cli.ts')).registerMigrateCommand(program),
  },
  {
    name: 'backup',
    description: 'copy the database to FILE, consistently, while Vigil runs (SQLite online backup, or pg_dump on PostgreSQL)',
    register: async (program) => (await import('./backup.cli.ts')).registerBackupCommands(program),
  },
  {
    name: 'restore',
    description: 'replace the database with a backup FILE; refused while Vigil (or anything else) has the database open',
    register: async (program) => (await import('./backup.cli.ts')).registerBackupCommands(program),
  },
  {
    name: 'erase',
    description: "erase the text of a source's events of one user, session or event id, everywhere Vigil stores it (counts and verdicts stay)",
    register: async (program) => (await import('./erase.cli.ts')).registerComposedEraseCommand(program),
  },
  {
    name: 'keys',
    description: 'manage API keys for production apps',
    register: async (program) => (await import('../modules/api-keys/api-keys.cli.ts')).registerApiKeyCommands(program),
  },
  {
    name: 'guardrails',
    description: 'show, change, import and revert live guardrails',
    register: async (program) => (await import('../modules/guardrails/guardrails.cli.ts')).registerGuardrailCommands(program),
  },
  {
    name: 'releases',
    description: 'releases the apps reported, known-good marks and rollback',
    register: async (program) => (await import('../modules/releases/releases.cli.ts')).registerReleaseCommands(program),
  },
  {
    name: 'audit',
    description: 'export and verify the append-only audit log',
    register: async (program) => (await import('../modules/audit/audit.cli.ts')).registerAuditCommands(program),
  },
  {
    name: 'scan',
    description: 'backtest the checks on a log: JSONL {"id","input","output","metadata"} on stdin → one JSON result per line on stdout',
    register: async (program) => (await import('../modules/checks/checks.cli.ts')).registerChecksCommands(program),
  },
  {
    name: 'digest',
    description: "build a source's weekly digest; print it with --dry-run, or send it now (once per week)",
    register: async (program) => (await import('./digest.cli.ts')).registerComposedDigestCommand(program),
  },
  {
    name: 'probe',
    description: "send the injection and leak probes to a source's probe target now and print the results (exit 1 if one got through)",
    register: async (program) => (await import('./probe.cli.ts')).registerComposedProbeCommand(program),
  },
  {
    name: 'calibrate',
    description: "a grader's calibration report: labels, recommended threshold, flags per day, judge quality",
    register: registerCalibration,
  },
  {
    name: 'agreement',
    description: "how consistent a source's reviewers are: alpha and kappa per rubric dimension, consensus and gold accuracy",
    register: registerCalibration,
  },
  {
    name: 'export',
    description: 'export data for other tools',
    register: registerCalibration,
  },
  {
    name: 'grader',
    description: "improve a grader from reviewers' corrections",
    register: registerCalibration,
  },
];
