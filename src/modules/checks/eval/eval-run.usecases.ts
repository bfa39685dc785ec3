// Runs the corpus through the detectors as ingestion runs them (compileChecks with the default
// settings of a source, inputs and answers scanned too), one line as one event with the line's
// text in its field. Injection lines also get each scorer's score (rules alone, model alone, combined, and
// the LLM grader when one is given) so the figures can compare them side by side.

import { SEVERITY_RANK, type Detection } from '../checks.models.ts';
import { checksConfigSchema } from '../checks.config.ts';
import { compileChecks, type EventTexts } from '../checks.usecases.ts';
import { assessInjection } from '../detectors/injection.detector.ts';
import type { InjectionModel } from '../detectors/injection-model.models.ts';
import { buildFieldViews } from '../views.models.ts';
import type { CorpusLine } from './eval-corpus.models.ts';
import type { EvalRecord } from './eval-metrics.models.ts';

export const SCORERS = ['rules', 'model', 'combined'] as const;

/** Scores a batch of injection lines with an LLM grader; a line without a score (the call failed) is left out. */
export type GraderScorer = (lines: readonly CorpusLine[]) => Promise<Map<string, number>>;

export function toEventTexts(line: CorpusLine): EventTexts {
  return {
    source: 'eval',
    input: line.field === 'input' ? line.text : null,
    output: line.field === 'output' ? line.text : '',
    context: line.field === 'context' ? line.text : null,
  };
}

/** Flagged: a detection at `warn` or above; for leaks only of the `expect`ed detector and kind. */
export function isFlagged(line: CorpusLine, detections: readonly Detection[]): boolean {
  return detections.some((d) => {
    if (d.field !== line.field || SEVERITY_RANK[d.severity] < SEVERITY_RANK.warn) return false;
    if (line.kind === 'injection') return d.detector === 'injection';
    if (!line.expect) return d.detector === (line.kind === 'secret' ? 'secrets' : 'pii');
    return d.detector === line.expect.detector && d.kind === line.expect.kind;
  });
}

export async function evaluateCorpus(lines: readonly CorpusLine[], model: InjectionModel, grader?: GraderScorer): Promise<EvalRecord[]> {
  // An answer line stands for the answer of an event with retrieved context, the events whose
  // answers are read by default (checks.injection.scan_output); a line holds one field only.
  const checks = compileChecks(checksConfigSchema.parse({ scan_inputs: true, injection: { scan_output: 'always' } }));
  const records: EvalRecord[] = [];
  for (const line of lines) {
    const detections = await checks.detect(toEventTexts(line));
    const record: EvalRecord = { line, flagged: isFlagged(line, detections) };
    if (line.kind === 'injection' && line.field !== 'output') {
      const assessed = assessInjection(buildFieldViews(line.field, line.text).views, line.field, model);
      record.scores = { rules: assessed.rules.score, model: assessed.model?.probability ?? 0, combined: assessed.score };
    }
    records.push(record);
  }
  if (grader) {
    const graded = await grader(records.filter((r) => r.scores).map((r) => r.line));
    for (const record of records) {
      const score = graded.get(record.line.id);
      if (score !== undefined && record.scores) record.scores.grader = score;
    }
  }
  return records;
}
