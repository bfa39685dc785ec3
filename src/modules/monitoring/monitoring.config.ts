import cron from 'node-cron';
import { z } from 'zod';
import { DRIFT_TESTS, DEFAULT_MIN_SAMPLE_SIZE, type DriftTestName } from './drift.models.ts';

// The `monitoring:` block of a source in vigil.config.yaml: the hourly drift check (on by
// default) and the scheduled injection and leak probes (off until a probe target is given).
// Secrets are never written here: the file names the environment variables that hold them.

const envNameSchema = z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be an environment variable name such as PROBE_API_KEY');
const headerNameSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name');
const cronSchema = z.string().refine((value) => cron.validate(value), 'must be a cron expression such as "0 * * * *"');

const thresholdsSchema = z.strictObject(
  Object.fromEntries(Object.keys(DRIFT_TESTS).map((name) => [name, z.number().min(0).max(10).optional()])) as {
    [K in DriftTestName]: z.ZodOptional<z.ZodNumber>;
  },
);

export const DRIFT_REFERENCES = ['previous_7_days', 'since_release'] as const;
export type DriftReference = (typeof DRIFT_REFERENCES)[number];

export const driftConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The current window: the last N hours. */
  window_hours: z.number().int().min(1).max(720).default(24),
  /** What the current window is compared with: the 7 days before it, or the traffic since the current release went live. */
  reference: z.enum(DRIFT_REFERENCES).default('previous_7_days'),
  /** Either window smaller than this → insufficient_data, no alert. */
  min_sample_size: z.number().int().min(1).max(1_000_000).default(DEFAULT_MIN_SAMPLE_SIZE),
  /** Overrides of Evidently's default threshold, per test: `{ ks: 0.01, psi: 0.2 }`. */
  thresholds: thresholdsSchema.prefault({}),
  /** A metric must stay at no_drift this long before its alert episode closes. */
  cool_down_hours: z.number().min(0).max(720).default(24),
  /** Review sampling raised for the drifted slice after an alert. */
  boost: z
    .strictObject({
      rate: z.number().gt(0).max(1).default(0.25),
      hours: z.number().gt(0).max(720).default(24),
    })
    .prefault({}),
});

export type DriftConfig = z.infer<typeof driftConfigSchema>;

const openAiChatTargetSchema = z.strictObject({
  kind: z.literal('openai_chat'),
  /** `POST {base_url}/chat/completions` */
  base_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  model: z.string().min(1).max(200),
  api_key_env: envNameSchema.optional(),
  /** Sent as the system message, for a target that is the bare model rather than the app. */
  system_prompt: z.string().max(100_000).optional(),
  headers_env: z.record(headerNameSchema, envNameSchema).default({}),
});

const requestTemplateSchema = z.union([z.string(), z.record(z.string(), z.unknown())]).transform((template, context) => {
  let value: unknown = template;
  if (typeof template === 'string') {
    try {
      value = JSON.parse(template);
    } catch (error) {
      context.addIssue({ code: 'custom', message: `must be JSON: ${error instanceof Error ? error.message : String(error)}` });
      return z.NEVER;
    }
  }
  if (!JSON.stringify(value).includes('{{prompt}}') && !JSON.stringify(value).includes('{{messages}}')) {
    context.addIssue({ code: 'custom', message: 'must contain a "{{prompt}}" or "{{messages}}" placeholder' });
    return z.NEVER;
  }
  return value;
});

const httpJsonTargetSchema = z.strictObject({
  kind: z.literal('http_json'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  method: z.enum(['POST', 'PUT']).default('POST'),
  /** JSON (a string or a mapping) with `{{prompt}}`, optionally `{{context}}` and `{{messages}}` placeholders. */
  request_template: requestTemplateSchema,
  /** Where the answer is in the response JSON, e.g. `choices.0.message.content`. */
  response_path: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be a dotted path such as choices.0.message.content'),
  headers: z.record(headerNameSchema, z.string().max(1000)).default({}),
  headers_env: z.record(headerNameSchema, envNameSchema).default({}),
});

export const probeTargetSchema = z.discriminatedUnion('kind', [openAiChatTargetSchema, httpJsonTargetSchema]);
export type ProbeTarget = z.infer<typeof probeTargetSchema>;

export const probesConfigSchema = z.strictObject({
  /** node-cron expression; hourly by default. */
  schedule: cronSchema.default('17 * * * *'),
  target: probeTargetSchema,
  /** Probe names to run; all of prompts/probes/ when absent. */
  only: z.array(z.string().min(1)).min(1).optional(),
  rate_per_minute: z.number().int().min(1).max(600).default(20),
  timeout_ms: z.number().int().min(100).max(300_000).default(30_000),
  concurrency: z.number().int().min(1).max(16).default(2),
  /** A probe that gets through also opens an incident (it always raises a critical flag). */
  open_incident: z.boolean().default(false),
  /** Canaries planted in the app's system prompt; defaults to `checks.prompt_leak.canaries`. */
  canaries: z.array(z.string().min(6, 'canaries must be at least 6 characters')).max(50).optional(),
});

export type ProbesConfig = z.infer<typeof probesConfigSchema>;

export const monitoringConfigSchema = z.strictObject({
  drift: driftConfigSchema.prefault({}),
  probes: probesConfigSchema.optional(),
});

export type MonitoringConfig = z.infer<typeof monitoringConfigSchema>;
