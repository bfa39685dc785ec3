// The labelled evaluation corpus (test/fixtures/eval/*.jsonl, format in its README): one zod
// schema for every file, injection and leaks alike, so a malformed line fails loudly with its
// file and line instead of being skipped and quietly moving a figure.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const CORPUS_SPLITS = ['train', 'dev', 'heldout'] as const;

export const corpusLineSchema = z.object({
  id: z.string().min(1),
  text: z.string().min(1),
  field: z.enum(['input', 'output', 'context']),
  kind: z.enum(['injection', 'secret', 'pii']),
  label: z.union([z.literal(0), z.literal(1)]),
  category: z.string().min(1),
  source: z.string().min(1),
  path: z.string().nullable().optional(),
  licence: z.string().min(1),
  split: z.enum(CORPUS_SPLITS),
  expect: z.object({ detector: z.string(), kind: z.string() }).nullable().optional(),
});
export type CorpusLine = z.infer<typeof corpusLineSchema> & { file: string };

export class CorpusError extends Error {}

/** Parses one JSONL file's content; `file` names it in errors. */
export function parseCorpusFile(file: string, content: string): CorpusLine[] {
  const lines: CorpusLine[] = [];
  for (const [index, raw] of content.split('\n').entries()) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new CorpusError(`${file}:${index + 1}: not valid JSON`);
    }
    const parsed = corpusLineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CorpusError(`${file}:${index + 1}: ${issue.path.join('.') || 'line'}: ${issue.message}`);
    }
    lines.push({ ...parsed.data, file });
  }
  return lines;
}

/** Every `*.jsonl` of `dir`, in name order; ids must be unique across files. */
export function readCorpus(dir: string): CorpusLine[] {
  const files = readdirSync(dir).filter((name) => name.endsWith('.jsonl')).sort();
  const lines = files.flatMap((file) => parseCorpusFile(file, readFileSync(join(dir, file), 'utf8')));
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.id)) throw new CorpusError(`${line.file}: duplicate id ${line.id}`);
    seen.add(line.id);
  }
  return lines;
}
