import { z } from 'zod';
import { SEVERITIES } from './checks.models.ts';
import { type CountryCode, isSupportedCountry } from 'libphonenumber-js/max';
import { PII_KINDS } from './detectors/pii.detector.ts';
import { DEFAULT_PHONE_REGIONS } from './detectors/pii-phone.models.ts';
import { validateBlocklistPattern } from './detectors/blocklist.detector.ts';

// Per-source settings of the automated checks (the `checks:` and `graders:` blocks
// of a source in vigil.config.yaml). Every field has a default, so a source with no
// settings gets every detector with sensible options.

const phoneRegion = z
  .string()
  .transform((value) => value.toUpperCase())
  .refine((value): value is CountryCode => /^[A-Z]{2}$/.test(value) && isSupportedCountry(value as CountryCode), {
    message: 'must be a two-letter country code that has phone numbers, such as US, GB or DE',
  });

const blocklistPattern = z.string().superRefine((pattern, context) => {
  const verdict = validateBlocklistPattern(pattern);
  if (!verdict.ok) context.addIssue({ code: 'custom', message: verdict.reason });
});

export const SCAN_OUTPUT_MODES = ['with_context', 'always', 'never'] as const;

export const checksConfigSchema = z
  .object({
    /** Scan the user's input for secrets and PII too (injection is always looked for in inputs). */
    scan_inputs: z.boolean().default(true),
    /** Detections at or above this severity become flags. */
    flag_min_severity: z.enum(SEVERITIES).default('warn'),
    secrets: z.object({ enabled: z.boolean().default(true) }).strict().default({ enabled: true }),
    pii: z
      .object({
        enabled: z.boolean().default(true),
        kinds: z.array(z.enum(PII_KINDS)).default([...PII_KINDS]),
        /** One region, the setting before `phone_regions`: alone, it is the only region. */
        region: phoneRegion.optional(),
        /** Regions national phone numbers are read in, in order; `+` numbers are found whatever the list. */
        phone_regions: z.array(phoneRegion).min(1, 'must list at least one region, e.g. [US, GB, DE]').max(20).optional(),
      })
      .strict()
      .default({ enabled: true, kinds: [...PII_KINDS] })
      .transform(({ region, phone_regions, ...pii }) => ({
        ...pii,
        phone_regions: phone_regions ?? (region === undefined ? [...DEFAULT_PHONE_REGIONS] : [region]),
      })),
    injection: z
      .object({
        enabled: z.boolean().default(true),
        /**
         * When the answer is read for what a document it quotes carries (an address to the AI,
         * exfiltration, hidden text): on events with retrieved context (the documents an answer
         * quotes, and the cost of reading a whole answer paid only there), on every event, or never.
         */
        scan_output: z.enum(SCAN_OUTPUT_MODES).default('with_context'),
      })
      .strict()
      .default({ enabled: true, scan_output: 'with_context' }),
    prompt_leak: z
      .object({
        canaries: z.array(z.string().min(6, 'canaries must be at least 6 characters')).max(50).default([]),
        system_prompt: z.string().max(100_000).optional(),
        min_leak_chars: z.number().int().min(10).max(10_000).default(40),
      })
      .strict()
      .default({ canaries: [], min_leak_chars: 40 }),
    blocklist: z
      .object({
        words: z.array(z.string().min(1).max(200)).max(5000).default([]),
        patterns: z.array(blocklistPattern).max(500).default([]),
      })
      .strict()
      .default({ words: [], patterns: [] }),
  })
  .strict();

export type ChecksConfig = z.infer<typeof checksConfigSchema>;

export const GRADER_RUN_MODES = ['all', 'sample', 'flagged'] as const;

export const gradersConfigSchema = z
  .object({
    /** Grader names from prompts/*.md; empty means every grader found there. */
    enabled: z.array(z.string().min(1)).optional(),
    /** all events, a random share, or only events a detector already flagged. */
    run_on: z.enum(GRADER_RUN_MODES).default('sample'),
    sample_rate: z.number().min(0).max(1).default(0.1),
    /** Overrides of the prompts' default thresholds (probability of violation that flags). */
    thresholds: z.record(z.string(), z.number().min(0).max(1)).default({}),
  })
  .strict();

export type GradersConfig = z.infer<typeof gradersConfigSchema>;

/** Process-wide grading limits (top-level `grading:` in the config file). */
export const gradingConfigSchema = z
  .object({
    concurrency: z.number().int().min(1).max(64).default(4),
    calls_per_minute: z.number().int().min(1).max(100_000).default(600),
    timeout_ms: z.number().int().min(1000).max(300_000).default(30_000),
    max_attempts: z.number().int().min(1).max(20).default(5),
    /** A job that cannot get a call within this time (budget or open circuit) is skipped → grader_unavailable. */
    max_wait_ms: z.number().int().min(1000).max(86_400_000).default(600_000),
    breaker_failures: z.number().int().min(1).max(100).default(5),
    breaker_open_ms: z.number().int().min(1000).max(3_600_000).default(30_000),
  })
  .strict();

export type GradingConfig = z.infer<typeof gradingConfigSchema>;
