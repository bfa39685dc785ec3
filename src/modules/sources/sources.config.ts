import { z } from 'zod';
import { checksConfigSchema, gradersConfigSchema, gradingConfigSchema } from '../checks/checks.config.ts';

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
