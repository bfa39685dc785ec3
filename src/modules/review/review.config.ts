import { z } from 'zod';
import { SEVERITIES, type Severity } from '../checks/checks.models.ts';
import { samplingConfigSchema } from '../sampling/sampling.config.ts';

// The `review:` block of a source in vigil.config.yaml: where its cards go, who may judge
// them, and how fast. Every field has a default, so a source may omit the block; without
// a channel the source is not sampled for review (Vigil says so once at start).

const channelIdSchema = z.string().regex(/^[CG][A-Z0-9]{2,30}$/, 'must be a Slack channel id such as C07REVQUEUE');
/** A Slack user (`U…`, `W…` on Enterprise Grid) or a user group (`S…`), whose members are looked up. */
const principalSchema = z.string().regex(/^[UWS][A-Z0-9]{2,30}$/, 'must be a Slack user id (U…/W…) or user-group id (S…)');
const codeSchema = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a lowercase code such as factually_wrong');

export const DEFAULT_REJECT_REASONS = ['factually_wrong', 'off_brand', 'tone', 'policy_violation', 'data_leak', 'unsafe', 'other'];
export const DEFAULT_DIMENSIONS = ['tone', 'brand', 'policy', 'accuracy', 'safety'];
export const DEFAULT_SLA_MINUTES: Record<Severity, number> = { critical: 15, warn: 120, info: 480 };

export const reviewConfigSchema = z.strictObject({
  /** The default review channel; `sampling.routes` send some items elsewhere. */
  channel: channelIdSchema.optional(),
  sampling: z.preprocess((value) => value ?? {}, samplingConfigSchema),
  /** Who may give verdicts; approvers may too. Empty means nobody: clicks are refused, not let through. */
  reviewers: z.array(principalSchema).max(200).default([]),
  /** Who settles disagreements (and may also review). */
  approvers: z.array(principalSchema).max(200).default([]),
  /** How long a user group's members are cached before `usergroups.users.list` is asked again. */
  group_cache_minutes: z.number().int().min(1).max(1440).default(10),
  reject_reasons: z.array(codeSchema).min(1).max(100).default(DEFAULT_REJECT_REASONS),
  dimensions: z.array(codeSchema).max(100).default(DEFAULT_DIMENSIONS),
  /** Grader scores stay hidden on the card until it is final, and from each reviewer until they vote. */
  blind: z.boolean().default(true),
  /** Secrets and personal data found by the detectors are redacted on cards and in modals. */
  redact: z.boolean().default(true),
  /** Minutes after the card is posted before a reminder in its thread, by item priority. */
  sla_minutes: z
    .strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int().min(1).max(10_080).default(DEFAULT_SLA_MINUTES[s])])) as {
      [K in Severity]: z.ZodDefault<z.ZodNumber>;
    })
    .prefault({}),
  /** User group pinged by reminders of critical items. */
  oncall_group: z.string().regex(/^S[A-Z0-9]{2,30}$/, 'must be a Slack user-group id (S…)').optional(),
  /** Where permanent Slack errors of this source (channel_not_found, not_in_channel…) are reported once. */
  admin_channel: channelIdSchema.optional(),
});

export type ReviewConfig = z.infer<typeof reviewConfigSchema>;

/** The channel items go to when no route matches; null when the source has no review channel. */
export function resolveDefaultChannel(config: ReviewConfig): string | null {
  return config.sampling.default_channel ?? config.channel ?? null;
}
