// Training of the learned injection model: L2-regularised logistic regression by seeded SGD,
// reproducible to the bit (fixed order from a seeded shuffle, plain float64 arithmetic, weights
// quantised by the file format). Long texts are windows (see injection-model.models.ts); a
// benign text teaches every one of its windows, an attack only its worst window after the first
// epoch (multiple-instance learning: the planted sentence, not the harmless document around it).
// Classes weigh the same in total, and tricky benign texts twice an ordinary benign one, so
// trigger words alone do not make an attack. Calibration is Platt scaling on out-of-source
// predictions (each training source scored by a model trained on the others), so the
// probability reflects text the model has not seen, shifted so that 0.5 falls at a low
// false-positive rate on those predictions (for user input, messages that fit one window at
// their own 5 % point). Texts are read with their mentioned phrases masked (maskMentions), as at scoring.

import { createSeededRandom } from '../../../shared/random.ts';
import { forEachFeature, HASH_BITS, type ModelField } from './injection-model-features.models.ts';
import { maskMentions } from './injection-mention.models.ts';
import { listWindows, sigmoid } from './injection-model.models.ts';

export interface TrainingText {
  text: string;
  field: ModelField;
  label: 0 | 1;
  category: string;
  source: string;
}

// learningRate: each step is scaled by a window's 1/√n (about 1/20 for 256 characters); at 0.4 the
// model was underfit — measured leaving each source out in turn, the mean per-source AUC rose
// 0.86 → 0.89 → 0.90 at 0.4, 1.6, 6.4 and no further at 12.8; a 10× stronger L2 lost 0.03 on documents.
export const TRAINING_SETTINGS = { seed: 13, epochs: 8, learningRate: 6.4, l2: 1e-4, maxWindowShare: 0.1, operatingFpr: 0.1, inputOperatingFpr: 0.05, window: 256, stride: 128, sentenceMin: 24, trickyBenignWeight: 2 } as const;
const TRICKY = new Set(['tricky_benign', 'security_discussion', 'code']);

interface Window {
  buckets: Int32Array;
  scale: number;
}
interface Example {
  windows: Window[];
  label: 0 | 1;
  weight: number;
}

function buildWindows(text: string, field: ModelField, window: number, stride: number): Window[] {
  const positions: number[] = [];
  const buckets: number[] = [];
  forEachFeature(text, field, (bucket, position) => {
    positions.push(position);
    buckets.push(bucket);
  });
  return listWindows(text.length, text, window, stride, TRAINING_SETTINGS.sentenceMin).map(({ start, end }) => {
    const inside: number[] = [];
    for (let i = 0; i < positions.length; i++) if (positions[i]! >= start && positions[i]! < end) inside.push(buckets[i]!);
    return { buckets: Int32Array.from(inside), scale: inside.length > 0 ? 1 / Math.sqrt(inside.length) : 0 };
  });
}

function buildExamples(texts: readonly TrainingText[]): Example[] {
  const positives = texts.filter((t) => t.label === 1).length || 1;
  const negativeWeights = texts.filter((t) => t.label === 0).reduce((sum, t) => sum + (TRICKY.has(t.category) ? TRAINING_SETTINGS.trickyBenignWeight : 1), 0) || 1;
  const total = texts.length;
  return texts.map((t) => ({
    // The model reads what it will read at scoring time: mentioned phrases masked.
    windows: buildWindows(maskMentions(t.text), t.field, TRAINING_SETTINGS.window, TRAINING_SETTINGS.stride),
    label: t.label,
    // Each class carries half of the total weight; the mean weight is 1.
    weight: t.label === 1 ? total / 2 / positives : ((TRICKY.has(t.category) ? TRAINING_SETTINGS.trickyBenignWeight : 1) * total) / 2 / negativeWeights,
  }));
}

function logitOf(weights: Float64Array, bias: number, window: Window): number {
  let sum = 0;
  for (let i = 0; i < window.buckets.length; i++) sum += weights[window.buckets[i]!]!;
  // The same value as windowLogit(bias, sum, n) at inference: scale is 1/√n.
  return bias + sum * window.scale;
}

function worstWindow(weights: Float64Array, bias: number, example: Example): { window: Window; logit: number } {
  let best = { window: example.windows[0]!, logit: -Infinity };
  for (const window of example.windows) {
    const logit = logitOf(weights, bias, window);
    if (logit > best.logit) best = { window, logit };
  }
  return best;
}

export interface TrainedWeights {
  weights: Float64Array;
  bias: number;
}

/**
 * Buckets found in more than `maxWindowShare` of all windows ("the", "to", " th"…): they say
 * what language or register a text is in, not whether it attacks, and left in they teach the
 * model that long English prose is an attack. They keep a weight of 0.
 */
function findCommonBuckets(examples: readonly Example[]): Uint8Array {
  const seen = new Int32Array(1 << HASH_BITS);
  const lastWindow = new Int32Array(1 << HASH_BITS).fill(-1);
  let windows = 0;
  for (const example of examples) {
    for (const window of example.windows) {
      for (let k = 0; k < window.buckets.length; k++) {
        const bucket = window.buckets[k]!;
        if (lastWindow[bucket] !== windows) {
          lastWindow[bucket] = windows;
          seen[bucket]!++;
        }
      }
      windows++;
    }
  }
  const common = new Uint8Array(1 << HASH_BITS);
  for (let bucket = 0; bucket < common.length; bucket++) if (seen[bucket]! > TRAINING_SETTINGS.maxWindowShare * windows) common[bucket] = 1;
  return common;
}

function fit(examples: readonly Example[]): TrainedWeights {
  const { seed, epochs, learningRate, l2 } = TRAINING_SETTINGS;
  const weights = new Float64Array(1 << HASH_BITS);
  const common = findCommonBuckets(examples);
  let bias = 0;
  const random = createSeededRandom(seed);
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const rate = learningRate / (1 + epoch);
    for (const index of order) {
      const example = examples[index]!;
      const windows = example.label === 1 && epoch > 0 ? [worstWindow(weights, bias, example).window] : example.windows;
      for (const window of windows) {
        const gradient = (sigmoid(logitOf(weights, bias, window)) - example.label) * (example.weight / windows.length);
        const step = rate * gradient * window.scale;
        for (let k = 0; k < window.buckets.length; k++) {
          const bucket = window.buckets[k]!;
          if (common[bucket] === 0) weights[bucket] = weights[bucket]! * (1 - rate * l2) - step;
        }
        bias -= rate * gradient * 0.1;
      }
    }
  }
  return { weights, bias };
}

/** Platt scaling by Newton's method on (logit, label), classes weighted equally. */
export function fitPlatt(points: readonly { logit: number; label: 0 | 1 }[]): { slope: number; intercept: number } {
  const positives = points.filter((p) => p.label === 1).length || 1;
  const negatives = points.length - positives || 1;
  let slope = 1;
  let intercept = 0;
  for (let iteration = 0; iteration < 50; iteration++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (const { logit, label } of points) {
      const weight = label === 1 ? 0.5 / positives : 0.5 / negatives;
      const p = sigmoid(slope * logit + intercept);
      const x = Math.max(-50, Math.min(50, logit));
      ga += weight * (p - label) * x;
      gb += weight * (p - label);
      const h = weight * Math.max(p * (1 - p), 1e-12);
      haa += h * x * x;
      hab += h * x;
      hbb += h;
    }
    haa += 1e-6;
    hbb += 1e-6;
    const det = haa * hbb - hab * hab;
    slope -= (hbb * ga - hab * gb) / det;
    intercept -= (haa * gb - hab * ga) / det;
  }
  return { slope, intercept };
}

export interface TrainingResult extends TrainedWeights {
  /** For user input. */
  calibration: { slope: number; intercept: number };
  /** For retrieved context (metadata.context). */
  contextCalibration: { slope: number; intercept: number };
  /** For user input of at most maxLength units. */
  shortInput: { maxLength: number; intercept: number };
  /** Out-of-source logits of every training text, in input order (for the training report). */
  outOfSource: number[];
  windows: number;
  sources: string[];
}

/** Trains on `texts` (in the given order, which must itself be deterministic). */
export function trainInjectionModel(texts: readonly TrainingText[]): TrainingResult {
  const examples = buildExamples(texts);
  const sources = [...new Set(texts.map((t) => t.source))].sort();
  const outOfSource = new Array<number>(texts.length).fill(0);
  for (const source of sources) {
    const inside = texts.map((t, i) => (t.source === source ? i : -1)).filter((i) => i >= 0);
    const model = fit(examples.filter((_, i) => texts[i]!.source !== source));
    for (const i of inside) outOfSource[i] = worstWindow(model.weights, model.bias, examples[i]!).logit;
  }
  const platt = fitPlatt(outOfSource.map((logit, i) => ({ logit, label: texts[i]!.label })));
  // Attacks are rare in real traffic, so 0.5 (where a flag starts) is placed where it flags
  // OPERATING_FPR of the out-of-source benign documents, not at the balanced training prior. Of
  // the documents only: benign user input pooled in moved the point with every set of questions
  // added to training (900 messages in 18 languages lowered it enough to flag 10 % of BIPIA's
  // clean e-mails instead of 3 %).
  const negatives = outOfSource.filter((_, i) => texts[i]!.label === 0 && texts[i]!.field === 'context').sort((a, b) => b - a);
  const operatingLogit = negatives[Math.floor(TRAINING_SETTINGS.operatingFpr * negatives.length)] ?? 0;
  const contextCalibration = { slope: platt.slope, intercept: -platt.slope * operatingLogit };
  // User input gets its own slope and operating point. Out of source, retrieved documents rank no
  // better than chance (another domain's clean documents score as high as planted ones): pooled
  // with them, the slope flattened every input's probability, and the 10 % point was set by
  // documents (whose sentence windows lift their worst window). Input's 0.5 sits where it flags
  // 5 % of the out-of-source benign inputs: the bound on tricky prompts, on texts harder
  // than traffic.
  const inputSlope = fitPlatt(outOfSource.map((logit, i) => ({ logit, label: texts[i]!.label })).filter((_, i) => texts[i]!.field === 'input')).slope;
  const inputNegatives = outOfSource.filter((_, i) => texts[i]!.field === 'input' && texts[i]!.label === 0).sort((a, b) => b - a);
  const inputOperatingLogit = inputNegatives[Math.floor(TRAINING_SETTINGS.inputOperatingFpr * inputNegatives.length)] ?? 0;
  const calibration = { slope: inputSlope, intercept: -inputSlope * inputOperatingLogit };
  // Messages that fit one window get their own 5 % point. The pooled one is set by long benign
  // inputs (pasted code, role-play templates), scored by the worst of many windows, a maximum that
  // grows with their number; a one-window attack never reached it. Never stricter than the pooled
  // point.
  const shortInputMaxLength = TRAINING_SETTINGS.window;
  const shortNegatives = outOfSource.filter((_, i) => texts[i]!.field === 'input' && texts[i]!.label === 0 && texts[i]!.text.length <= shortInputMaxLength).sort((a, b) => b - a);
  const shortOperatingLogit = Math.min(inputOperatingLogit, shortNegatives[Math.floor(TRAINING_SETTINGS.inputOperatingFpr * shortNegatives.length)] ?? inputOperatingLogit);
  const shortInput = { maxLength: shortInputMaxLength, intercept: -inputSlope * shortOperatingLogit };
  const final = fit(examples);
  return { ...final, calibration, contextCalibration, shortInput, outOfSource, windows: examples.reduce((sum, e) => sum + e.windows.length, 0), sources };
}
