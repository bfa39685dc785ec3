import { z } from 'zod';
import { checksConfigSchema, gradersConfigSchema, gradingConfigSchema } from '../checks/checks.config.ts';
import { guardrailsConfigSchema } from '../guardrails/guardrails.config.ts';
import { incidentsConfigSchema } from '../incidents/incidents.config.ts';
import { reviewConfigSchema } from '../review/review.config.ts';
import { monitoringConfigSchema } from '../monitoring/monitoring.config.ts';
import { digestConfigSchema } from '../digest/digest.config.ts';
import { calibrationConfigSchema } from '../calibration/calibration.config.ts';
import { retentionConfigSchema, storeModeSchema } from '../retention/retention.config.ts';

// A source is one production AI feature that Vigil watches. Each module adds its
// fragment of the per-source settings here as it grows (checks, sampling, roles…).

export const SOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const sourceNameSchema = z
  .string()
  .regex(SOURCE_NAME_PATTERN, 'must be 1–64 lowercase letters, digits, "-" or "_", starting with a letter or digit');

export const sourceConfigSchema = z
  .object({
    description: z.string().max(500).optional(),
    checks: z.preprocess((value) => value ?? {}, checksConfigSchema),
    graders: z.preprocess((value) => value ?? {}, gradersConfigSchema),
    guardrails: z.preprocess((value) => value ?? {}, guardrailsConfigSchema),
    review: z.preprocess((value) => value ?? {}, reviewConfigSchema),
    incidents: z.preprocess((value) => value ?? {}, incidentsConfigSchema),
    monitoring: z.preprocess((value) => value ?? {}, monitoringConfigSchema),
    digest: z.preprocess((value) => value ?? {}, digestConfigSchema),
    calibration: z.preprocess((value) => value ?? {}, calibrationConfigSchema),
    store: storeModeSchema,
    retention: z.preprocess((value) => value ?? {}, retentionConfigSchema),
  })
  .strict();

export type SourceConfig = z.infer<typeof sourceConfigSchema>;

export const sourcesFileSchema = z
  .object({
    sources: z
      // `support-bot:` with nothing under it is a source with every default.
      .record(sourceNameSchema, z.preprocess((value) => value ?? {}, sourceConfigSchema))
      .default({}),
    grading: z.preprocess((value) => value ?? {}, gradingConfigSchema),
  })
  .strict();

export type SourcesFile = z.infer<typeof sourcesFileSchema>;
