import { z } from 'zod';

// Per-source data settings in vigil.config.yaml:
//   store: redacted                 # keep only the redacted text at rest (default: full)
//   retention:
//     events_days: 30               # delete events stored more than 30 days ago…
//     keep_reviewed_days: 365       # …except those a human reviewed, kept a year
// Without `retention`, events are kept until erased or deleted by hand.

const days = z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(36_500, 'must be at most 36500 days');

export const retentionConfigSchema = z
  .strictObject({
    events_days: days.optional(),
    /** Reviewed events (a final review item) are kept this long instead; at least events_days. */
    keep_reviewed_days: days.optional(),
  })
  .refine(
    (value) => value.keep_reviewed_days === undefined || value.events_days === undefined || value.keep_reviewed_days >= value.events_days,
    { message: 'keep_reviewed_days must be at least events_days (reviewed events are kept longer, not shorter)', path: ['keep_reviewed_days'] },
  );

export const storeModeSchema = z.enum(['full', 'redacted'], { error: 'must be "full" or "redacted"' }).default('full');

export type RetentionConfig = z.infer<typeof retentionConfigSchema>;
export type StoreMode = z.infer<typeof storeModeSchema>;
