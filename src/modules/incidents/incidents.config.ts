import { z } from 'zod';
import { SEVERITIES } from '../checks/checks.models.ts';
import { INCIDENT_SEVERITIES } from './incidents.models.ts';

// The `incidents:` block of a source in vigil.config.yaml: who is on call, how they are
// paged, and which flags open an incident by themselves. The PagerDuty routing key is a
// secret: the file only names the environment variable that holds it.

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

const autoRuleSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be 1–40 lowercase letters, digits, "-" or "_"'),
  when: z.strictObject({
    /** The flag's check: a detector (`secrets`), a grader, or an app flag name. */
    check: z.string().min(1).max(64),
    /** Only flags of this kind (`aws_access_key`); any kind when absent. */
    kind: z.string().min(1).max(64).optional(),
    min_severity: z.enum(SEVERITIES).default('critical'),
  }),
  severity: z.enum(INCIDENT_SEVERITIES),
  /** At most one incident per rule in this many minutes, so a burst of flags pages once. */
  window_minutes: z.number().int().min(1).max(10_080).default(60),
});

export type AutoIncidentRule = z.infer<typeof autoRuleSchema>;

export const incidentsConfigSchema = z.strictObject({
  pagerduty_routing_key_env: z.string().regex(ENV_NAME, 'must be an environment variable name such as SUPPORT_BOT_PAGERDUTY_KEY').optional(),
  /** Invited to every incident channel and mentioned when PagerDuty is not configured. */
  oncall_group: z.string().regex(/^S[A-Z0-9]{2,30}$/, 'must be a Slack user-group id (S…)').optional(),
  oncall_users: z.array(z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'must be a Slack user id (U…/W…)')).max(100).default([]),
  auto_rules: z
    .array(autoRuleSchema)
    .max(50)
    .default([])
    .refine((rules) => new Set(rules.map((rule) => rule.name)).size === rules.length, 'rule names must be unique'),
});

export type IncidentsConfig = z.infer<typeof incidentsConfigSchema>;

export const DEFAULT_INCIDENTS_CONFIG: IncidentsConfig = incidentsConfigSchema.parse({});
