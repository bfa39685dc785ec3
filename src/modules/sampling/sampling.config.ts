// The `sampling:` fragment of a source in vigil.config.yaml. `samplingConfigSchema.parse({})`
// yields a complete policy, so a source may omit the whole block. Objects are strict: a typo
// such as `baseline_rat` stops the start instead of silently falling back to a default.
// Readers of the values (per grader, per channel, per severity) live in the models that use them,
// and import only types from here, so there is no runtime import cycle.
import { z } from 'zod';
import { DETECTOR_NAMES, SEVERITIES } from '../checks/checks.models.ts';
import { REASON_CODES } from './sampling.models.ts';

const rateSchema = z.number().min(0).max(1);
const nameSchema = z.string().trim().min(1).max(64);
const channelSchema = z.string().trim().min(1).max(80);

const uncertaintyOverrideSchema = z.strictObject({
  width: z.number().min(0).max(0.5).optional(),
  rate: rateSchema.optional(),
});

const routeSchema = z
  .strictObject({
    channel: channelSchema,
    reasons: z.array(z.enum(REASON_CODES)).max(REASON_CODES.length).optional(),
    // A misspelt detector (`secret`) would match nothing, and its leaks would go to the default channel.
    detectors: z.array(z.enum(DETECTOR_NAMES, { error: `must be one of ${DETECTOR_NAMES.join(', ')} (the app's own flags go under flags)` })).max(50).optional(),
    graders: z.array(nameSchema).max(50).optional(),
    /** Names of flags the app sends with its events (`flags: [{ name }]`), which Vigil cannot list in advance. */
    flags: z.array(nameSchema).max(50).optional(),
  })
  .refine((route) => Boolean(route.reasons?.length || route.detectors?.length || route.graders?.length || route.flags?.length), {
    message: 'a route needs at least one of reasons, detectors, graders or flags (default_channel takes the rest)',
  });

export const samplingConfigSchema = z.strictObject({
  /** Flags at or above this severity are always reviewed. */
  min_severity: z.enum(SEVERITIES).default('warn'),
  /** Share of events without such a flag that are picked at random. */
  baseline_rate: rateSchema.default(0.01),
  /** Scores within ±width of a grader's threshold are sampled at `rate`; `by_grader` overrides either. */
  uncertainty_band: z
    .strictObject({
      width: z.number().min(0).max(0.5).default(0.1),
      rate: rateSchema.default(0.5),
      by_grader: z.record(nameSchema, uncertaintyOverrideSchema).default({}),
    })
    .prefault({}),
  /** Events of a release or model version first seen less than `hours` ago are sampled at `rate`. */
  release_boost: z
    .strictObject({
      hours: z.number().min(0).max(720).default(24),
      rate: rateSchema.default(0.1),
    })
    .prefault({}),
  /** An output identical to one queued within this window is attached to that item, not queued again. 0 = off. */
  dedupe_window_minutes: z.number().int().min(0).max(10_080).default(60),
  /** Cards per channel per sliding hour; `hourly_budget_by_channel` overrides it for one channel. */
  hourly_budget: z.number().int().min(1).max(1000).default(30),
  hourly_budget_by_channel: z.record(channelSchema, z.number().int().min(1).max(1000)).default({}),
  /** A review item not sent within this time expires (reported, never dropped silently). */
  ttl_hours: z.number().int().min(1).max(720).default(24),
  /** Reviewers needed per item, by item priority; `default` covers severities not listed. */
  reviewers_per_item: z
    .strictObject({
      default: z.number().int().min(1).max(10).default(1),
      info: z.number().int().min(1).max(10).optional(),
      warn: z.number().int().min(1).max(10).optional(),
      critical: z.number().int().min(1).max(10).optional(),
    })
    .default({ default: 1, critical: 2 }),
  routes: z.array(routeSchema).max(50).default([]),
  /** Where items go when no route matches; the composition root falls back to the source's review channel. */
  default_channel: channelSchema.optional(),
});

export type SamplingConfig = z.infer<typeof samplingConfigSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
