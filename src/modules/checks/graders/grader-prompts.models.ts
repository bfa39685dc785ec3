// A grader is one Markdown file in `prompts/`: YAML front matter (what to run and the
// default decision threshold) and a rubric body (what the judge is told). The file's
// bytes are its version, so any edit to the rubric, model or threshold is a new
// grader version and restarts calibration for it.

import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const GRADER_DIMENSIONS = ['tone', 'brand', 'policy', 'injection'] as const;
export type GraderDimension = (typeof GRADER_DIMENSIONS)[number];

const graderFrontMatterSchema = z.strictObject({
  name: z
    .string({ error: 'must be a string' })
    .regex(/^[a-z][a-z0-9_-]{0,47}$/, 'must be lowercase letters, digits, "_" or "-", starting with a letter (≤ 48 chars)'),
  description: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty'),
  model: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').default('gpt-4o-mini'),
  threshold: z
    .number({ error: 'must be a number' })
    .min(0, 'must be ≥ 0')
    .max(1, 'must be ≤ 1'),
  dimension: z.enum(GRADER_DIMENSIONS, { error: `must be one of ${GRADER_DIMENSIONS.join(', ')}` }),
  temperature: z.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').max(2, 'must be ≤ 2').optional(),
  /** Caps the judge's answer so a hijacked judge cannot run up the bill. */
  maxCompletionTokens: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(16, 'must be ≥ 16')
    .max(32_000, 'must be ≤ 32000')
    .optional(),
});

export type GraderFrontMatter = z.infer<typeof graderFrontMatterSchema>;

export interface GraderPrompt extends GraderFrontMatter {
  /** The Markdown body: the rubric sent as the system message. */
  rubric: string;
  /** First 12 hex characters of the SHA-256 of the file's bytes. */
  version: string;
  /** The path the prompt was read from, for error messages and logs. */
  path: string;
}

export class GraderPromptError extends Error {
  constructor(
    readonly path: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${path}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'GraderPromptError';
  }
}

export function computeGraderVersion(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Parses one grader file; throws a GraderPromptError naming the file and the field at fault. */
export function parseGraderPrompt(path: string, bytes: Uint8Array | string): GraderPrompt {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const match = FRONT_MATTER.exec(text);
  if (!match) throw new GraderPromptError(path, '', 'missing YAML front matter between "---" lines');

  let data: unknown;
  try {
    data = parseYaml(match[1] ?? '');
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new GraderPromptError(path, '', `invalid YAML front matter: ${detail}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new GraderPromptError(path, '', 'front matter must be a YAML mapping');
  }

  const parsed = graderFrontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      throw new GraderPromptError(path, issue.keys.join(', '), 'unknown field');
    }
    throw new GraderPromptError(path, issue?.path.join('.') ?? '', issue?.message ?? 'invalid');
  }

  const rubric = text.slice(match[0].length).trim();
  if (rubric.length === 0) throw new GraderPromptError(path, 'body', 'the rubric must not be empty');

  return { ...parsed.data, rubric, version: computeGraderVersion(bytes), path };
}

/** Graders are referenced by name from the config and the guardrail, so names must be unique. */
export function assertUniqueGraderNames(prompts: readonly GraderPrompt[]): void {
  const seen = new Map<string, string>();
  for (const prompt of prompts) {
    const other = seen.get(prompt.name);
    if (other) throw new GraderPromptError(prompt.path, 'name', `"${prompt.name}" is already used by ${other}`);
    seen.set(prompt.name, prompt.path);
  }
}
