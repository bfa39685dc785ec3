import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import { createUnknownGraderError } from './calibration.errors.ts';
import { deriveGraderLabel, type DerivedLabel } from './calibration-labels.models.ts';
import { readSourceSettings, type CalibrationContext } from './calibration.usecases.ts';
import { buildFinetuneLine, formatFewShotExamples, measureMistake, selectInformativeCorrections, type JudgedContent } from './judge-data.models.ts';
import type { JudgeRepository } from './judge.repository.ts';

// `vigil export finetune` and `vigil grader examples`: the reviewers' verdicts turned into
// training data and prompt examples for a grader. Both only read; adopting examples is an
// edit of the prompt file, which makes a new grader version and so a fresh calibration.

export interface JudgeContext {
  calibration: CalibrationContext;
  judge: JudgeRepository;
  prompts: ReadonlyMap<string, GraderPrompt>;
  rng: () => number;
}

function readPrompt(ctx: JudgeContext, grader: string): GraderPrompt {
  const prompt = ctx.prompts.get(grader);
  if (!prompt) throw createUnknownGraderError(grader, [...ctx.prompts.keys()]);
  return prompt;
}

/** A nonce as the grader makes them: the fine-tuned judge learns to echo whatever it is given. */
function drawNonce(rng: () => number): string {
  const part = () => Math.floor(rng() * 36 ** 8).toString(36).padStart(8, '0');
  return `${part()}${part()}`;
}

/** One JSONL line per adjudicated item of the source: the grader's request and the human answer. */
export async function* exportFinetuneLines(ctx: JudgeContext, request: { source: string; grader: string; redact: boolean }): AsyncGenerator<string> {
  readSourceSettings(ctx.calibration, request.source);
  const prompt = readPrompt(ctx, request.grader);
  for await (const item of ctx.judge.iterateAdjudicatedItems(request.source)) {
    const label = deriveGraderLabel(item, prompt.dimension);
    yield JSON.stringify(buildFinetuneLine(prompt, item.content, label, { nonce: drawNonce(ctx.rng), redact: request.redact }));
  }
}

export interface GraderExample {
  source: string;
  itemId: string;
  score: number;
  threshold: number;
  violation: boolean;
  /** |score − human label|: how confidently the grader was wrong. */
  mistake: number;
  label: DerivedLabel;
  content: JudgedContent;
}

export interface GraderExamples {
  grader: string;
  graderVersion: string;
  examples: GraderExample[];
  markdown: string;
  note: string;
}

/** The most informative corrections of the grader's running version, over every configured source (or one). */
export async function proposeGraderExamples(ctx: JudgeContext, request: { grader: string; source?: string; limit: number }): Promise<GraderExamples> {
  const prompt = readPrompt(ctx, request.grader);
  if (request.source) readSourceSettings(ctx.calibration, request.source);
  const sources = request.source ? [request.source] : Object.keys(ctx.calibration.sources);
  const candidates = [];
  for (const source of sources) {
    const threshold = ctx.calibration.thresholdOf(source, prompt.name);
    for (const row of await ctx.calibration.repository.listLabelRows(source, prompt.name, prompt.version)) {
      const label = deriveGraderLabel(row, prompt.dimension);
      candidates.push({ source, itemId: row.itemId, eventSeq: row.eventSeq, score: row.score, threshold, violation: label.violation, label });
    }
  }
  const picked = selectInformativeCorrections(candidates, request.limit);
  const contents = await ctx.judge.loadContents(picked.map((item) => item.eventSeq));
  const examples = picked.map(({ eventSeq, ...item }) => ({ ...item, mistake: measureMistake(item), content: contents.get(eventSeq) ?? { input: null, output: '', detections: [] } }));
  return {
    grader: prompt.name,
    graderVersion: prompt.version,
    examples,
    markdown: formatFewShotExamples(examples, prompt.dimension),
    note: `Adopting these examples means editing ${prompt.path}: that makes a new version of the ${prompt.name} grader (now ${prompt.version}), whose calibration starts again from labels collected under it. Read every example before adopting it: it is customer text.`,
  };
}
