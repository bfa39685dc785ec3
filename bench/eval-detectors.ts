// npm run eval:detectors [-- --json] [-- --graders]
// Runs every labelled line of test/fixtures/eval/*.jsonl through the detectors and prints
// precision, recall and false-positive rates per kind and category: held-out sources first,
// then in-sample ones. For injection it compares the rules, the learned model and their
// combination; with --graders, also the LLM injection grader (prompts/injection.md) on any
// OpenAI-compatible server (OPENAI_BASE_URL, OPENAI_API_KEY, optional EVAL_GRADER_MODEL).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadInjectionModel } from '../src/modules/checks/detectors/injection-model-file.models.ts';
import { readCorpus } from '../src/modules/checks/eval/eval-corpus.models.ts';
import { createGraderScorer } from '../src/modules/checks/eval/eval-graders.usecases.ts';
import { buildEvalReport } from '../src/modules/checks/eval/eval-report.models.ts';
import { evaluateCorpus, SCORERS } from '../src/modules/checks/eval/eval-run.usecases.ts';
import { REPO_ROOT, round, wantsJson } from './bench.utils.ts';

const withGraders = process.argv.includes('--graders');
let lines: ReturnType<typeof readCorpus>;
let model: ReturnType<typeof loadInjectionModel>;
let grader: Awaited<ReturnType<typeof createGraderScorer>> | undefined;
try {
  // A malformed corpus line, a bad weights file or a missing key: one line, no stack.
  lines = readCorpus(join(REPO_ROOT, 'test/fixtures/eval'));
  model = loadInjectionModel();
  grader = withGraders ? await createGraderScorer({ env: process.env, promptsDir: join(REPO_ROOT, 'prompts') }) : undefined;
} catch (error) {
  process.stderr.write(`eval:detectors: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
const started = performance.now();
const records = await evaluateCorpus(lines, model, grader?.score);
const { lines: printed, summary } = buildEvalReport(records, grader ? [...SCORERS, 'grader'] : SCORERS);
const header = `eval:detectors: ${lines.length} lines, injection model ${model.version}${grader ? `, grader ${grader.describe}` : ''}; ${round((performance.now() - started) / 1000, 1)} s; load average ${round(loadavg()[0] ?? 0, 2)}`;
for (const line of [header, ...printed]) process.stdout.write(`${line}\n`);
if (grader && grader.failures.length > 0) {
  process.stdout.write(`\ngrader calls that failed: ${grader.failures.length} (lines left unscored), first: ${grader.failures[0]!.id}: ${grader.failures[0]!.reason}\n`);
}
const figures = { lines: lines.length, injection_model_version: model.version, load_avg_1m: round(loadavg()[0] ?? 0, 2), ...(grader ? { grader: grader.describe, grader_failures: grader.failures.length } : {}), ...summary };
if (wantsJson) process.stdout.write(`${JSON.stringify(figures)}\n`);
