import { z } from 'zod';
import { sourceNameSchema } from '../sources/sources.config.ts';
import { guardrailChangeSchema } from './guardrail-change.models.ts';
import { graderNameSchema } from './guardrails.models.ts';
import { MAX_WAIT_MS } from './guardrails-live.usecases.ts';

export const MAX_CHECK_TEXT_CHARS = 256 * 1024;

const text = z.string().max(MAX_CHECK_TEXT_CHARS, `must be at most ${MAX_CHECK_TEXT_CHARS} characters`);
const reason = z.string().trim().min(1, 'give a reason: it is kept with the version and in the audit log').max(2000, 'must be at most 2000 characters');

export const checkBodySchema = z
  .object({
    source: sourceNameSchema,
    input: text.nullish(),
    output: text,
    /** The app's own grader scores in [0, 1], by grader name, compared with the guardrail's thresholds. */
    scores: z.record(graderNameSchema, z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1')).optional(),
  })
  .strict();

export const versionBodySchema = z.object({ change: guardrailChangeSchema, reason }).strict();
export const revertBodySchema = z.object({ version: z.number().int().min(1), reason }).strict();
export const killSwitchBodySchema = z.object({ on: z.boolean(), message: z.string().min(1).max(2000).optional(), reason }).strict();

const MAX_WAIT_SECONDS = MAX_WAIT_MS / 1000;

export const guardrailQuerySchema = z
  .object({
    wait: z
      .string()
      .regex(/^\d+$/, `must be a whole number of seconds, at most ${MAX_WAIT_SECONDS}`)
      .transform(Number)
      .pipe(z.number().max(MAX_WAIT_SECONDS, `must be at most ${MAX_WAIT_SECONDS} seconds`))
      .optional(),
  })
  .strip();

export const historyQuerySchema = z
  .object({
    limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(1).max(500)).optional(),
    before: z.string().regex(/^\d+$/).transform(Number).optional(),
  })
  .strip();

export const versionParamsSchema = z.object({ source: z.string(), version: z.string().regex(/^\d+$/, 'must be a version number').transform(Number) });
