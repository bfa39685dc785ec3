import { z } from 'zod';
import { SEVERITIES } from '../checks/checks.models.ts';
import { boundedJsonObjectSchema } from '../../shared/json-depth.ts';
import { sourceNameSchema } from '../sources/sources.config.ts';

export const MAX_EVENTS_PER_BATCH = 1000;
export const MAX_TEXT_BYTES = 1024 * 1024;

// A string of at most MAX_TEXT_BYTES / 4 characters cannot exceed the byte limit
// in UTF-8, so only long strings pay for Buffer.byteLength.
const text = z
  .string()
  .refine(
    (value) => value.length <= MAX_TEXT_BYTES / 4 || Buffer.byteLength(value) <= MAX_TEXT_BYTES,
    'must be at most 1 MiB of UTF-8',
  );

const label = z.string().max(256, 'must be at most 256 characters');

export const appFlagSchema = z
  .object({
    name: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    score: z.number().finite().optional(),
    severity: z.enum(SEVERITIES, { error: 'must be one of info, warn, critical' }).optional(),
    reason: z.string().max(2000, 'must be at most 2000 characters').optional(),
  })
  .strict();

export const eventInputSchema = z
  .object({
    id: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').nullish(),
    source: sourceNameSchema,
    input: text.nullish(),
    output: text,
    model: label.nullish(),
    model_version: label.nullish(),
    prompt_version: label.nullish(),
    release: label.nullish(),
    session_id: label.nullish(),
    user_id: label.nullish(),
    occurred_at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-25T09:30:00Z' }).nullish(),
    metadata: boundedJsonObjectSchema.nullish(),
    flags: z.array(appFlagSchema).max(100, 'must have at most 100 flags').nullish(),
  })
  .strict();

export const eventBatchSchema = z
  .object({
    events: z
      .array(eventInputSchema, { error: 'must be an array of events' })
      .min(1, `must contain 1 to ${MAX_EVENTS_PER_BATCH} events`)
      .max(MAX_EVENTS_PER_BATCH, `must contain 1 to ${MAX_EVENTS_PER_BATCH} events`),
  })
  .strict();

export type EventInput = z.infer<typeof eventInputSchema>;
export type EventBatch = z.infer<typeof eventBatchSchema>;
