// From corpus lines to a weights file: which lines the model learns from, the training itself
// (injection-train.models.ts) and the encoding (injection-model-file.models.ts), shared by
// `npm run train:injection` and the test that it reproduces the committed file.

import type { CorpusLine } from '../eval/eval-corpus.models.ts';
import { encodeInjectionModel } from './injection-model-file.models.ts';
import { calibrate } from './injection-model.models.ts';
import { TRAINING_SETTINGS, trainInjectionModel, type TrainingText } from './injection-train.models.ts';

/** Injection lines of the train split, input and context fields, in corpus order. */
export function selectTrainingTexts(lines: readonly CorpusLine[]): TrainingText[] {
  return lines
    .filter((line) => line.kind === 'injection' && line.split === 'train' && line.field !== 'output')
    .map((line) => ({ text: line.text, field: line.field as 'input' | 'context', label: line.label, category: line.category, source: line.source }));
}

export function buildInjectionModelFile(texts: readonly TrainingText[]): { file: Buffer; report: string[] } {
  const result = trainInjectionModel(texts);
  const file = encodeInjectionModel(result.weights, {
    bias: result.bias,
    calibration: result.calibration,
    contextCalibration: result.contextCalibration,
    shortInput: result.shortInput,
    window: TRAINING_SETTINGS.window,
    stride: TRAINING_SETTINGS.stride,
    sentenceMin: TRAINING_SETTINGS.sentenceMin,
    trainedOn: { texts: texts.length, windows: result.windows, sources: result.sources },
  });
  const report = [`trained on ${texts.length} texts (${result.windows} windows) from ${result.sources.length} sources`];
  for (const source of result.sources) {
    const inside = texts.map((t, i) => ({ t, p: calibrate(result, result.outOfSource[i]!, t.field, t.text.length) })).filter(({ t }) => t.source === source);
    const positives = inside.filter(({ t }) => t.label === 1);
    const negatives = inside.filter(({ t }) => t.label === 0);
    const caught = positives.filter(({ p }) => p >= 0.5).length;
    const flagged = negatives.filter(({ p }) => p >= 0.5).length;
    report.push(`  out-of-source ${source}: recall ${positives.length ? (caught / positives.length).toFixed(2) : '-'} (${positives.length}), FPR ${negatives.length ? (flagged / negatives.length).toFixed(3) : '-'} (${negatives.length})`);
  }
  report.push(`  calibration: input slope ${result.calibration.slope.toFixed(3)}, intercept ${result.calibration.intercept.toFixed(3)}; context slope ${result.contextCalibration.slope.toFixed(3)}, intercept ${result.contextCalibration.intercept.toFixed(3)}; input of at most ${result.shortInput.maxLength} units intercept ${result.shortInput.intercept.toFixed(3)}`);
  return { file, report };
}
