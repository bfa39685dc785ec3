import { z } from 'zod';
import { DETECTOR_ACTIONS, GRADER_ACTIONS, DEFAULT_DETECTOR_ACTIONS, DEFAULT_KILL_SWITCH_MESSAGE } from './guardrails.models.ts';

// The `guardrails:` block of a source in vigil.config.yaml. It only seeds the source's
// first guardrail version; afterwards the guardrail lives in the database and changes
// as new versions (Slack, API, `vigil guardrails import`), never silently from the file.
// Thresholds and the blocklist are seeded from the `graders:` and `checks:` blocks.

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;

export const guardrailsConfigSchema = z
  .object({
    detectors: z
      .object({
        secrets: z.enum(DETECTOR_ACTIONS).default(DEFAULT_DETECTOR_ACTIONS.secrets),
        pii: z.enum(DETECTOR_ACTIONS).default(DEFAULT_DETECTOR_ACTIONS.pii),
        injection: z.enum(DETECTOR_ACTIONS).default(DEFAULT_DETECTOR_ACTIONS.injection),
        prompt_leak: z.enum(DETECTOR_ACTIONS).default(DEFAULT_DETECTOR_ACTIONS.prompt_leak),
        blocklist: z.enum(DETECTOR_ACTIONS).default(DEFAULT_DETECTOR_ACTIONS.blocklist),
      })
      .strict()
      .default({ ...DEFAULT_DETECTOR_ACTIONS }),
    /** Per grader action when its score reaches the threshold; graders not listed only flag. */
    graders: z.record(z.string(), z.enum(GRADER_ACTIONS)).default({}),
    /** What the app shows instead of the model's answer while the kill switch is on. */
    kill_switch_message: z.string().min(1).max(2000).default(DEFAULT_KILL_SWITCH_MESSAGE),
    /** Signed POST on every new version and rollback; the secret comes from the named environment variable. */
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
        secret_env: z.string().regex(ENV_NAME, 'must be an environment variable name such as SUPPORT_BOT_WEBHOOK_SECRET'),
      })
      .strict()
      .optional(),
    /** Where every guardrail version made in Slack or the API is posted, with a Revert button. */
    log_channel: z.string().regex(CHANNEL_ID, 'must be a Slack channel id such as C07GUARDLOG').optional(),
    releases: z
      .object({
        /** A release live this long with no rejected critical item becomes known-good (a rollback target). */
        soak_hours: z.number().min(0).max(24 * 90).default(24),
        /** A rollback asked for in Slack runs only once a second, different approver confirms it within 10 minutes. */
        two_person_rule: z.boolean().default(false),
      })
      .strict()
      .default({ soak_hours: 24, two_person_rule: false }),
  })
  .strict();

export type GuardrailsConfig = z.infer<typeof guardrailsConfigSchema>;
