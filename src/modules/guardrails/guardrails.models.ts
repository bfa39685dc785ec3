import { z } from 'zod';
import { DETECTOR_NAMES, type DetectorName } from '../checks/checks.models.ts';
import { validateBlocklistPattern } from '../checks/detectors/blocklist.detector.ts';

// A guardrail is the live policy of one source. Every change is a new version row; the
// spec below is what a version holds and what GET /v1/guardrails/:source returns.
// Keys are snake_case because the spec is public API and YAML.

export const DETECTOR_ACTIONS = ['flag', 'redact', 'block'] as const;
export type DetectorAction = (typeof DETECTOR_ACTIONS)[number];
export const GRADER_ACTIONS = ['flag', 'block'] as const;
export type GraderAction = (typeof GRADER_ACTIONS)[number];

/** Leaked credentials and personal data are cut out; a leaked system prompt is never shown. */
export const DEFAULT_DETECTOR_ACTIONS: Record<DetectorName, DetectorAction> = {
  secrets: 'redact',
  pii: 'redact',
  injection: 'flag',
  prompt_leak: 'block',
  blocklist: 'block',
};

export const DEFAULT_KILL_SWITCH_MESSAGE = 'This assistant is temporarily unavailable. Please try again later.';

const GRADER_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const graderNameSchema = z.string().regex(GRADER_NAME, 'grader names are 1–64 lowercase letters, digits, "-" or "_"');

const label = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');
export const blocklistWordSchema = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const blocklistPatternSchema = z.string().superRefine((pattern, context) => {
  const verdict = validateBlocklistPattern(pattern);
  if (!verdict.ok) context.addIssue({ code: 'custom', message: verdict.reason });
});

export const graderRuleSchema = z
  .object({ threshold: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'), action: z.enum(GRADER_ACTIONS) })
  .strict();
export const detectorRuleSchema = z.object({ action: z.enum(DETECTOR_ACTIONS) }).strict();
export const killSwitchSchema = z.object({ on: z.boolean(), message: z.string().min(1).max(2000) }).strict();
export const pinnedReleaseSchema = z
  .object({ release: label, model: label.nullable().default(null), prompt_version: label.nullable().default(null) })
  .strict();

export const guardrailSpecSchema = z
  .object({
    graders: z.record(graderNameSchema, graderRuleSchema),
    detectors: z.object(Object.fromEntries(DETECTOR_NAMES.map((name) => [name, detectorRuleSchema])) as Record<DetectorName, typeof detectorRuleSchema>).strict(),
    blocklist: z
      .object({
        words: z.array(blocklistWordSchema).max(5000, 'at most 5000 words'),
        patterns: z.array(blocklistPatternSchema).max(500, 'at most 500 patterns'),
      })
      .strict(),
    kill_switch: killSwitchSchema,
    /** The release the app should run: set by a rollback, cleared by a change to null. */
    pinned_release: pinnedReleaseSchema.nullable(),
  })
  .strict();

export type GuardrailSpec = z.infer<typeof guardrailSpecSchema>;
export type GraderRule = z.infer<typeof graderRuleSchema>;
export type PinnedRelease = z.infer<typeof pinnedReleaseSchema>;

export const GUARDRAIL_VERSION_KINDS = ['seed', 'change', 'revert', 'import', 'rollback', 'kill_switch'] as const;
export type GuardrailVersionKind = (typeof GUARDRAIL_VERSION_KINDS)[number];

export interface GuardrailDiffEntry {
  path: string;
  from?: unknown;
  to?: unknown;
  added?: string[];
  removed?: string[];
}

export interface GuardrailVersion {
  source: string;
  version: number;
  kind: GuardrailVersionKind;
  spec: GuardrailSpec;
  actor: string;
  reason: string;
  diff: GuardrailDiffEntry[];
  /** The version this one restores (revert) or null. */
  revertOf: number | null;
  webhookOutboxId: string | null;
  createdAt: number;
}

/** Version 1 of a source, from its config file: thresholds, grader actions, detector actions, blocklist. */
export function buildSeedSpec(seed: {
  thresholds: Record<string, number>;
  graderActions: Record<string, GraderAction>;
  detectorActions: Record<DetectorName, DetectorAction>;
  blocklist: { words: string[]; patterns: string[] };
  killSwitchMessage: string;
}): GuardrailSpec {
  const graders = Object.fromEntries(
    Object.entries(seed.thresholds)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, threshold]) => [name, { threshold, action: seed.graderActions[name] ?? 'flag' }]),
  );
  return {
    graders,
    detectors: Object.fromEntries(DETECTOR_NAMES.map((name) => [name, { action: seed.detectorActions[name] }])) as GuardrailSpec['detectors'],
    blocklist: { words: [...seed.blocklist.words], patterns: [...seed.blocklist.patterns] },
    kill_switch: { on: false, message: seed.killSwitchMessage },
    pinned_release: null,
  };
}

/** `"support-bot-v12"`: strong, and readable in a log line. */
export function formatGuardrailEtag(source: string, version: number): string {
  return `"${source}-v${version}"`;
}

/** The version named by an If-None-Match value of this source (weak or strong), if any. */
export function parseGuardrailEtag(header: string | undefined, source: string): number | undefined {
  if (!header) return undefined;
  for (const tag of header.split(',')) {
    const match = /^\s*(?:W\/)?"(.+)-v(\d+)"\s*$/.exec(tag);
    if (match && match[1] === source) return Number(match[2]);
  }
  return undefined;
}

/** The public JSON of a version (GET /v1/guardrails/:source, webhooks, CLI --json). */
export function toGuardrailJson(version: GuardrailVersion) {
  return {
    source: version.source,
    version: version.version,
    kind: version.kind,
    actor: version.actor,
    reason: version.reason,
    created_at: new Date(version.createdAt).toISOString(),
    revert_of: version.revertOf,
    diff: version.diff,
    guardrail: version.spec,
  };
}
