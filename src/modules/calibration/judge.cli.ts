import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { withContext, type CliContext } from '../../cli/cli.context.ts';
import { PROMPTS_DIR } from '../checks/checks.module.ts';
import { loadGraderPrompts } from '../checks/graders/grader-prompts.config.ts';
import type { CalibrationContext } from './calibration.usecases.ts';
import { createJudgeRepository } from './judge.repository.ts';
import { exportFinetuneLines, proposeGraderExamples, type JudgeContext } from './judge.usecases.ts';

// `vigil export finetune --source S --grader G [--out file]`: OpenAI chat fine-tuning JSONL
// from the adjudicated verdicts. `vigil grader examples --grader G`: the grader's most
// confident mistakes, as few-shot examples to paste into its prompt.

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new InvalidArgumentError('must be a whole number from 1 to 50');
  return limit;
}

async function openJudgeContext(context: CliContext, openCalibration: (context: CliContext) => Promise<CalibrationContext>): Promise<JudgeContext> {
  const prompts = new Map((await loadGraderPrompts(PROMPTS_DIR)).map((prompt) => [prompt.name, prompt]));
  return { calibration: await openCalibration(context), judge: createJudgeRepository({ db: context.database.db }), prompts, rng: Math.random };
}

export function registerJudgeCommands(program: Command, openCalibration: (context: CliContext) => Promise<CalibrationContext>): void {
  program
    .command('export')
    .description('export data for other tools')
    .command('finetune')
    .description("adjudicated verdicts as OpenAI chat fine-tuning JSONL for a grader (the human label and reason as the answer)")
    .requiredOption('--source <name>', 'the source')
    .requiredOption('--grader <name>', 'the grader whose rubric and dimension the examples use')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--no-redact', 'keep the secrets and personal data the detectors found (redacted by default)')
    .action(
      withContext(async (context, options: { source: string; grader: string; out?: string; redact: boolean }) => {
        const ctx = await openJudgeContext(context, openCalibration);
        const target: Writable = options.out ? createWriteStream(options.out, { encoding: 'utf8', mode: 0o600 }) : process.stdout;
        let count = 0;
        for await (const line of exportFinetuneLines(ctx, { source: options.source, grader: options.grader, redact: options.redact })) {
          if (!target.write(`${line}\n`)) await once(target, 'drain');
          count += 1;
        }
        if (options.out) {
          target.end();
          await finished(target);
        }
        process.stderr.write(`${count} example(s) of ${options.source} for ${options.grader}${options.out ? ` written to ${options.out}` : ''}${options.redact ? ', redacted' : ', NOT redacted'}.\n`);
      }),
    );

  program
    .command('grader')
    .description("improve a grader from reviewers' corrections")
    .command('examples')
    .description("the grader's most confident mistakes that reviewers corrected, as few-shot examples for its prompt")
    .requiredOption('--grader <name>', 'the grader')
    .option('--source <name>', 'only this source (default: every source)')
    .option('--limit <n>', 'how many examples (1–50)', parseLimit, 8)
    .option('--json', 'print the examples as JSON')
    .action(
      withContext(async (context, options: { grader: string; source?: string; limit: number; json?: boolean }) => {
        const ctx = await openJudgeContext(context, openCalibration);
        const result = await proposeGraderExamples(ctx, { grader: options.grader, limit: options.limit, ...(options.source ? { source: options.source } : {}) });
        if (options.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        if (result.examples.length === 0) process.stdout.write(`No corrected mistakes of ${result.grader} (version ${result.graderVersion}) yet.\n`);
        else process.stdout.write(`${result.markdown}\n`);
        process.stderr.write(`\nNote: ${result.note}\n`);
      }),
    );
}
