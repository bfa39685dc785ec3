// The learned injection model: logistic regression over hashed n-grams
// (injection-model-features.models.ts), trained by `npm run train:injection`. A long text is
// read as overlapping windows and scored by its worst window, so an instruction planted in the
// middle of a 4 KB document is not diluted by the harmless rest; the window's features are
// weighted 1/√n (an L2-normalised bag of n-grams), so a window's score does not grow with its
// length. Each feature occurrence is attributed to the offset where it starts, and prefix sums
// give every window's total in one pass over the text.

import { forEachFeature, listWordGrams, sumFeatureWeights, type ModelField } from './injection-model-features.models.ts';

export interface InjectionModel {
  /** First 12 hex digits of the SHA-256 of the weights file: recorded on every detection. */
  version: string;
  /** The weights as stored: 8-bit integers, each times `scale`. Scoring sums the integers and scales once per window. */
  weights: Int8Array;
  scale: number;
  bias: number;
  /** Platt scaling of the worst window's logit, fitted on out-of-source predictions at training time. */
  calibration: { slope: number; intercept: number };
  /** The same for retrieved context, whose benign texts are documents rather than questions. */
  contextCalibration: { slope: number; intercept: number };
  /**
   * User input of at most `maxLength` units (one window): the input's slope with an intercept of
   * its own. Long texts (pasted code, role-play templates) are scored by the worst of many windows
   * and set the input's operating point where a one-window message never reached.
   */
  shortInput: { maxLength: number; intercept: number };
  window: number;
  stride: number;
  /** Sentences and lines at least this long are windows of their own too (0: fixed windows only). */
  sentenceMin: number;
}

export interface ModelScore {
  /** Calibrated probability that the text is an injection. */
  probability: number;
  /** Raw logit of the worst window. */
  logit: number;
  /** The worst window, in offsets of the scored text. */
  start: number;
  end: number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Window start offsets for a text of `length` units: every `stride`, the last one ending at the text's end. */
export function listWindowStarts(length: number, window: number, stride: number): number[] {
  if (length <= window) return [0];
  const starts: number[] = [];
  for (let start = 0; start + window < length; start += stride) starts.push(start);
  starts.push(length - window);
  return starts;
}

const isSpace = (code: number): boolean => code === 32 || code === 9 || code === 10 || code === 13 || code === 160;

/** A sentence's end: a line break, or `.`, `!` or `?` before a space or the end of the text. */
const SENTENCE_END = /\n|[.!?](?=[ \t\n\r\u00a0]|$)/g;

/**
 * Calls `visit` with each sentence or line of `text` between `min` and `max` units long (leading
 * spaces trimmed): a planted instruction is usually one sentence, and a window of its own keeps
 * the document around it from diluting its n-grams. The ends are found by one native regex scan
 * (a loop over every unit cost the model a sixth more); allocates nothing else.
 */
export function forEachSentence(text: string, min: number, max: number, visit: (start: number, end: number) => void): void {
  let start = 0;
  SENTENCE_END.lastIndex = 0;
  for (;;) {
    const match = SENTENCE_END.exec(text);
    const end = match === null ? text.length : match[0] === '\n' ? match.index : match.index + 1;
    let from = start;
    while (from < end && isSpace(text.charCodeAt(from))) from++;
    if (end - from >= min && end - from <= max) visit(from, end);
    if (match === null) return;
    start = match.index + 1;
  }
}

/** Every window of a text: the fixed ones (listWindowStarts), then its sentences when the model reads them. */
export function listWindows(length: number, text: string, window: number, stride: number, sentenceMin: number): { start: number; end: number }[] {
  const spans = listWindowStarts(length, window, stride).map((start) => ({ start, end: Math.min(length, start + window) }));
  if (sentenceMin > 0) forEachSentence(text, sentenceMin, window, (start, end) => spans.push({ start, end }));
  return spans;
}

/**
 * Per window of `text`: its sum of weights and its number of feature occurrences. `weightOf` is
 * the model's weights at inference and the current weights during training.
 */
export function sumWindows(text: string, field: ModelField, weightOf: (bucket: number) => number, window: number, stride: number, sentenceMin = 0): { start: number; end: number; sum: number; count: number }[] {
  const length = text.length;
  const sums = new Float64Array(length + 1);
  const counts = new Int32Array(length + 1);
  forEachFeature(text, field, (bucket, position) => {
    sums[position + 1]! += weightOf(bucket);
    counts[position + 1]!++;
  });
  for (let i = 1; i <= length; i++) {
    sums[i]! += sums[i - 1]!;
    counts[i]! += counts[i - 1]!;
  }
  return listWindows(length, text, window, stride, sentenceMin).map(({ start, end }) => ({ start, end, sum: sums[end]! - sums[start]!, count: counts[end]! - counts[start]! }));
}

export function windowLogit(bias: number, sum: number, count: number): number {
  return bias + (count > 0 ? sum / Math.sqrt(count) : 0);
}

/** Per-offset totals of scoreWithModel, grown as needed and reused: it runs on every event. */
let totals = { sums: new Float64Array(4097), counts: new Int32Array(4097) };

/** Scores one text: the worst window's logit, calibrated. Deterministic. */
export function scoreWithModel(model: InjectionModel, text: string, field: ModelField): ModelScore {
  const length = text.length;
  if (totals.sums.length < length + 1) totals = { sums: new Float64Array(length * 2 + 1), counts: new Int32Array(length * 2 + 1) };
  const { sums, counts } = totals;
  sums.fill(0, 0, length + 1);
  counts.fill(0, 0, length + 1);
  sumFeatureWeights(text, field, model.weights, sums, counts);
  // Running totals in locals: a loop that read back the previous offset's total waited on its own store.
  let sum = 0;
  let count = 0;
  for (let i = 1; i <= length; i++) {
    sum += sums[i]!;
    sums[i] = sum;
    count += counts[i]!;
    counts[i] = count;
  }
  const { window, stride } = model;
  let bestLogit = -Infinity;
  let bestStart = 0;
  let bestEnd = 0;
  // The windows of listWindowStarts: every `stride`, the last one ending at the text's end.
  for (let start = 0; ; start += stride) {
    const last = start + window >= length;
    const from = last ? Math.max(0, length - window) : start;
    const end = Math.min(length, from + window);
    // Sums of integers, exact in float64: scaled once per window.
    const logit = windowLogit(model.bias, (sums[end]! - sums[from]!) * model.scale, counts[end]! - counts[from]!);
    if (logit > bestLogit) {
      bestLogit = logit;
      bestStart = from;
      bestEnd = end;
    }
    if (last) break;
  }
  if (model.sentenceMin > 0) {
    forEachSentence(text, model.sentenceMin, window, (start, end) => {
      const logit = windowLogit(model.bias, (sums[end]! - sums[start]!) * model.scale, counts[end]! - counts[start]!);
      if (logit > bestLogit) {
        bestLogit = logit;
        bestStart = start;
        bestEnd = end;
      }
    });
  }
  return { probability: calibrate(model, bestLogit, field, length), logit: bestLogit, start: bestStart, end: bestEnd };
}

/**
 * The probability of a worst-window logit for a text of `length` units read as `field`: context
 * through its own calibration, user input through the input's slope and, when it fits the short
 * class, that class's intercept. Scoring and the training report share it.
 */
export function calibrate(model: Pick<InjectionModel, 'calibration' | 'contextCalibration' | 'shortInput'>, logit: number, field: ModelField, length: number): number {
  const calibration = field === 'context' ? model.contextCalibration : model.calibration;
  const intercept = field === 'input' && length <= model.shortInput.maxLength ? model.shortInput.intercept : calibration.intercept;
  return sigmoid(calibration.slope * logit + intercept);
}

/** The word n-grams of a span that pushed its score up most: the model's evidence, readable by a reviewer. */
export function listTopGrams(model: InjectionModel, span: string, field: ModelField, count = 3): { gram: string; weight: number }[] {
  const seen = new Set<string>();
  return listWordGrams(span, field)
    .map(({ gram, bucket }) => ({ gram, weight: model.weights[bucket]! * model.scale }))
    .filter(({ weight }) => weight > 0)
    .sort((a, b) => b.weight - a.weight || (a.gram < b.gram ? -1 : 1))
    // A word read as a concept too is named once, with the larger of its two weights.
    .filter(({ gram }) => !seen.has(gram) && seen.add(gram) !== undefined)
    .slice(0, count);
}
