import { InvalidArgumentError, type Command } from 'commander';
import { withContext, type CliContext } from '../../cli/cli.context.ts';
import { PROMPTS_DIR } from '../checks/checks.module.ts';
import { loadGraderPrompts } from '../checks/graders/grader-prompts.config.ts';
import { openGuardrails } from '../guardrails/guardrails.cli.ts';
import { formatAgreementReport } from './agreement-report.models.ts';
import { createAgreementRepository } from './agreement.repository.ts';
import { computeReviewerAgreement } from './agreement.usecases.ts';
import { createUnknownCalibrationSourceError } from './calibration.errors.ts';
import { formatCalibrationReport } from './calibration-format.models.ts';
import { createCalibrationRepository } from './calibration.repository.ts';
import { calibrateGrader, replaceNonFinite, type CalibrationContext, type GraderInfo } from './calibration.usecases.ts';
import { registerJudgeCommands } from './judge.cli.ts';

// `vigil calibrate --source S --grader G [--json]`: the same report the Slack proposal card
// is built from, read from the database the running Vigil writes. The live threshold is the
// latest guardrail version's (what the running process uses), else the config's, else the prompt's.

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

/** The calibration context of a CLI run, with the grader prompts and the live guardrails. */
export async function openCalibrationContext(context: CliContext): Promise<CalibrationContext> {
  const prompts = await loadGraderPrompts(PROMPTS_DIR);
  const graders = new Map<string, GraderInfo>(prompts.map((prompt) => [prompt.name, { name: prompt.name, version: prompt.version, dimension: prompt.dimension }]));
  const guardrails = await openGuardrails(context);
  const sources = context.config.sources.sources;
  const specs = new Map<string, Record<string, { threshold: number }>>();
  for (const source of Object.keys(sources)) specs.set(source, (await guardrails.repository.findLatest(source))?.spec.graders ?? {});
  return {
    repository: createCalibrationRepository({ db: context.database.db }),
    sources: Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, { calibration: source.calibration, review: source.review }])),
    graders,
    thresholdOf: (source, grader) =>
      specs.get(source)?.[grader]?.threshold ?? sources[source]?.graders.thresholds[grader] ?? prompts.find((prompt) => prompt.name === grader)?.threshold ?? 0.5,
    clock: context.clock,
  };
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new InvalidArgumentError('must be a whole number of days from 1 to 3650');
  return days;
}

export function registerCalibrationCommands(program: Command): void {
  program
    .command('calibrate')
    .description("a grader's calibration report: labels, recommended threshold, flags per day, judge quality")
    .requiredOption('--source <name>', 'the source')
    .requiredOption('--grader <name>', 'the grader (a prompt in prompts/)')
    .option('--grader-version <version>', 'an earlier grader version (default: the one in prompts/ now)')
    .option('--json', 'print the report as JSON')
    .action(
      withContext(async (context, options: { source: string; grader: string; graderVersion?: string; json?: boolean }) => {
        const ctx = await openCalibrationContext(context);
        const { report } = await calibrateGrader(ctx, { source: options.source, grader: options.grader, ...(options.graderVersion ? { graderVersion: options.graderVersion } : {}) });
        print(options.json ? JSON.stringify(report, replaceNonFinite, 2) : formatCalibrationReport(report).join('\n'));
      }),
    );
  program
    .command('agreement')
    .description("how consistent a source's reviewers are: alpha and kappa per rubric dimension, consensus and gold accuracy")
    .requiredOption('--source <name>', 'the source')
    .option('--days <n>', 'items of the last n days (1–3650)', parseDays, 90)
    .option('--json', 'print the report as JSON')
    .action(
      withContext(async (context, options: { source: string; days: number; json?: boolean }) => {
        if (!context.knownSources.includes(options.source)) throw createUnknownCalibrationSourceError(options.source);
        const report = await computeReviewerAgreement({ repository: createAgreementRepository({ db: context.database.db }), clock: context.clock }, { source: options.source, days: options.days });
        print(options.json ? JSON.stringify(report, replaceNonFinite, 2) : [`${report.source} since ${report.since}`, ...formatAgreementReport(report)].join('\n'));
      }),
    );
  registerJudgeCommands(program, openCalibrationContext);
}
