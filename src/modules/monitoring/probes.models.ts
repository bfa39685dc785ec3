// A probe is one YAML file in `prompts/probes/`: an attack sent to the app's probe target
// (a prompt or a conversation, optionally with supplied context for indirect injection) and
// the condition under which the attack succeeded, i.e. the app's defences failed.

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DETECTOR_NAMES, type DetectorName } from '../checks/checks.models.ts';

export const PROBE_CATEGORIES = [
  'instruction_override',
  'roleplay_jailbreak',
  'system_prompt_extraction',
  'canary_exfiltration',
  'pii_elicitation',
  'encoded_payload',
  'indirect_injection',
] as const;
export type ProbeCategory = (typeof PROBE_CATEGORIES)[number];

export const PROBE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,47}$/;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type ProbeSuccess =
  | { type: 'canary' }
  | { type: 'system_prompt' }
  | { type: 'detector'; detector: DetectorName; kind?: string }
  | { type: 'grader'; grader: string; minScore: number };

export interface Probe {
  name: string;
  category: ProbeCategory;
  description: string;
  /** The conversation sent; a `prompt` file becomes one user message. Always ends with a user turn. */
  messages: ChatMessage[];
  /** Supplied context (a document, an email, a web page) carrying an indirect injection. */
  context?: string;
  success: ProbeSuccess;
  path: string;
}

const textSchema = (max: number) => z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const successSchema = z
  .strictObject({
    canary_in_output: z.literal(true, { error: 'must be true' }).optional(),
    system_prompt_overlap: z.literal(true, { error: 'must be true' }).optional(),
    detector: z
      .strictObject({
        name: z.enum(DETECTOR_NAMES, { error: `must be one of ${DETECTOR_NAMES.join(', ')}` }),
        kind: textSchema(64).optional(),
      })
      .optional(),
    grader: z
      .strictObject({
        name: textSchema(48),
        min_score: z.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').max(1, 'must be ≤ 1'),
      })
      .optional(),
  }, { error: 'must be a mapping' })
  .refine((success) => Object.values(success).filter((value) => value !== undefined).length === 1, {
    message: 'must have exactly one of canary_in_output, system_prompt_overlap, detector, grader',
  });

const probeFileSchema = z
  .strictObject({
    name: z.string({ error: 'must be a string' }).regex(PROBE_NAME_PATTERN, 'must be lowercase letters, digits, "_" or "-", starting with a letter (≤ 48 chars)'),
    category: z.enum(PROBE_CATEGORIES, { error: `must be one of ${PROBE_CATEGORIES.join(', ')}` }),
    description: textSchema(500),
    prompt: textSchema(20_000).optional(),
    messages: z
      .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant'], { error: 'must be system, user or assistant' }), content: textSchema(20_000) }), {
        error: 'must be a list of { role, content }',
      })
      .min(1, 'must not be empty')
      .max(20, 'must have at most 20 messages')
      .optional(),
    context: textSchema(50_000).optional(),
    success: successSchema,
  })
  .superRefine((probe, context) => {
    if ((probe.prompt === undefined) === (probe.messages === undefined)) {
      context.addIssue({ code: 'custom', path: ['prompt'], message: 'give exactly one of prompt or messages' });
    } else if (probe.messages && probe.messages[probe.messages.length - 1]?.role !== 'user') {
      context.addIssue({ code: 'custom', path: ['messages'], message: 'the last message must be from the user' });
    }
  });

export class ProbeLibraryError extends Error {
  constructor(
    readonly path: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${path}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'ProbeLibraryError';
  }
}

/** Parses one probe file; throws a ProbeLibraryError naming the file and the field at fault. */
export function parseProbeFile(path: string, text: string): Probe {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ProbeLibraryError(path, '', `invalid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ProbeLibraryError(path, '', 'must be a YAML mapping');
  const parsed = probeFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') throw new ProbeLibraryError(path, [field, issue.keys.join(', ')].filter(Boolean).join('.'), 'unknown field');
    throw new ProbeLibraryError(path, field, issue.message);
  }
  const probe = parsed.data;
  return {
    name: probe.name,
    category: probe.category,
    description: probe.description,
    messages: probe.messages ?? [{ role: 'user', content: probe.prompt as string }],
    ...(probe.context !== undefined ? { context: probe.context } : {}),
    success: toProbeSuccess(probe.success),
    path,
  };
}

function toProbeSuccess(success: z.infer<typeof successSchema>): ProbeSuccess {
  if (success.canary_in_output) return { type: 'canary' };
  if (success.system_prompt_overlap) return { type: 'system_prompt' };
  if (success.detector) return { type: 'detector', detector: success.detector.name, ...(success.detector.kind ? { kind: success.detector.kind } : {}) };
  const grader = success.grader!;
  return { type: 'grader', grader: grader.name, minScore: grader.min_score };
}

/** Probe names are run ids' and flags' kinds, so they must be unique across the library. */
export function assertUniqueProbeNames(probes: readonly Probe[]): void {
  const seen = new Map<string, string>();
  for (const probe of probes) {
    const other = seen.get(probe.name);
    if (other) throw new ProbeLibraryError(probe.path, 'name', `"${probe.name}" is already used by ${other}`);
    seen.set(probe.name, probe.path);
  }
}

/** The probes a source runs: its `only` list, or the whole library. Unknown names are a config error. */
export function selectSourceProbes(source: string, only: readonly string[] | undefined, library: readonly Probe[]): Probe[] {
  if (only === undefined) return [...library];
  const byName = new Map(library.map((probe) => [probe.name, probe]));
  return only.map((name, index) => {
    const probe = byName.get(name);
    if (!probe) {
      throw new ProbeLibraryError(`sources.${source}.monitoring.probes.only[${index}]`, '', `unknown probe "${name}"; prompts/probes/ has ${[...byName.keys()].join(', ')}`);
    }
    return probe;
  });
}
