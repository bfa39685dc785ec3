// The weights file of the learned injection model, versioned in the repository:
//   "VIGILINJ" · u32 LE header length · header JSON · i8 weights · SHA-256 of all before it.
// Weights are quantised to 8 bits (one scale for all): the file is 64 KB, `npm run
// train:injection` reproduces it byte for byte, and scoring reads the same small table (its cache
// misses were most of the model's cost per event; 16-bit weights gave the same held-out figures).
// The trailing digest catches a truncated or corrupted file at start, before it could score anything.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONCEPT_LEXICON } from './injection-concepts.models.ts';
import { HASH_BITS } from './injection-model-features.models.ts';
import type { InjectionModel } from './injection-model.models.ts';

export const DEFAULT_INJECTION_MODEL_PATH = fileURLToPath(new URL('./injection-model.bin', import.meta.url));
const MAGIC = Buffer.from('VIGILINJ', 'ascii');
const DIGEST_BYTES = 32;
const QUANT_MAX = 127;
/**
 * The file layout and the features its weights were trained on. 3: every feature of retrieved
 * context salted (injection-model-features.models.ts); a format-2 file's context weights sit in
 * other buckets, so it is refused rather than read wrong. 4: concept features, and the version of
 * the concept lexicon they were read with in the header.
 */
const FORMAT = 4;

const headerSchema = z.strictObject({
  format: z.literal(FORMAT),
  hashBits: z.literal(HASH_BITS),
  scale: z.number().positive(),
  bias: z.number().finite(),
  calibration: z.strictObject({ slope: z.number().finite(), intercept: z.number().finite() }),
  /** Short user input's own operating point (the input's slope, its own intercept). */
  shortInput: z.strictObject({ maxLength: z.number().int().positive(), intercept: z.number().finite() }),
  /** Retrieved context's own calibration. */
  contextCalibration: z.strictObject({ slope: z.number().finite(), intercept: z.number().finite() }),
  window: z.number().int().positive(),
  stride: z.number().int().positive(),
  /** Sentences at least this long are windows too; 0: fixed windows only. */
  sentenceMin: z.number().int().nonnegative(),
  trainedOn: z.strictObject({ texts: z.number().int(), windows: z.number().int(), sources: z.array(z.string()) }),
  /** The concept lexicon's version (injection-concepts.models.ts): another lexicon puts concepts in other words. */
  concepts: z.string(),
});
export type InjectionModelHeader = z.infer<typeof headerSchema>;

export class InjectionModelFileError extends Error {}

export function encodeInjectionModel(weights: Float64Array, header: Omit<z.input<typeof headerSchema>, 'format' | 'hashBits' | 'scale' | 'concepts'>): Buffer {
  const maxAbs = weights.reduce((max, w) => Math.max(max, Math.abs(w)), 0) || 1;
  const scale = maxAbs / QUANT_MAX;
  const json = Buffer.from(JSON.stringify({ format: FORMAT, hashBits: HASH_BITS, scale, ...header, concepts: CONCEPT_LEXICON.version }), 'utf8');
  const body = Buffer.alloc(MAGIC.length + 4 + json.length + weights.length);
  MAGIC.copy(body, 0);
  body.writeUInt32LE(json.length, MAGIC.length);
  json.copy(body, MAGIC.length + 4);
  const offset = MAGIC.length + 4 + json.length;
  for (let i = 0; i < weights.length; i++) body.writeInt8(Math.round(weights[i]! / scale), offset + i);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Parses and checks a weights file; any defect is one InjectionModelFileError with a plain reason. */
export function decodeInjectionModel(file: Buffer): InjectionModel & { header: InjectionModelHeader } {
  if (file.length < MAGIC.length + 4 + DIGEST_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw new InjectionModelFileError('not a Vigil injection model file');
  const body = file.subarray(0, file.length - DIGEST_BYTES);
  if (!createHash('sha256').update(body).digest().equals(file.subarray(file.length - DIGEST_BYTES))) throw new InjectionModelFileError('checksum mismatch (truncated or corrupted)');
  const headerLength = body.readUInt32LE(MAGIC.length);
  let header: InjectionModelHeader;
  try {
    const json: unknown = JSON.parse(body.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength).toString('utf8'));
    const format = (json as { format?: unknown } | null)?.format;
    if (format !== FORMAT) throw new InjectionModelFileError(`format ${String(format)}, this version reads format ${FORMAT} (trained on other features)`);
    header = headerSchema.parse(json);
  } catch (error) {
    if (error instanceof InjectionModelFileError) throw error;
    throw new InjectionModelFileError(`bad header: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (header.concepts !== CONCEPT_LEXICON.version) throw new InjectionModelFileError(`trained with concept lexicon ${header.concepts}, this version has ${CONCEPT_LEXICON.version}`);
  const offset = MAGIC.length + 4 + headerLength;
  const buckets = 1 << header.hashBits;
  if (body.length - offset !== buckets) throw new InjectionModelFileError(`expected ${buckets} weights, found ${body.length - offset}`);
  const weights = new Int8Array(buckets);
  for (let i = 0; i < buckets; i++) weights[i] = body.readInt8(offset + i);
  const version = createHash('sha256').update(file).digest('hex').slice(0, 12);
  return { version, weights, scale: header.scale, bias: header.bias, calibration: header.calibration, contextCalibration: header.contextCalibration, shortInput: header.shortInput, window: header.window, stride: header.stride, sentenceMin: header.sentenceMin, header };
}

const loaded = new Map<string, InjectionModel>();

/**
 * Reads the weights file once per process (each detector worker reads its own copy). Throws an
 * Error whose message is one line naming the file and the defect, for the start to print.
 */
export function loadInjectionModel(path = DEFAULT_INJECTION_MODEL_PATH): InjectionModel {
  const cached = loaded.get(path);
  if (cached) return cached;
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InjectionModelFileError(`injection model ${path}: ${code === 'ENOENT' ? 'file not found' : String(code ?? error)}; restore it from git or run npm run train:injection`);
  }
  try {
    const model = decodeInjectionModel(file);
    loaded.set(path, model);
    return model;
  } catch (error) {
    throw new InjectionModelFileError(`injection model ${path}: ${(error as Error).message}; restore it from git or run npm run train:injection`);
  }
}
