import { z } from 'zod';
import type { ThresholdObjective } from './calibration.models.ts';

// The `calibration:` block of a source in vigil.config.yaml: what a good threshold means for
// this source, how many labels it takes before one is proposed, where proposals go, and
// whether Vigil may apply one by itself (off by default, and then only by small steps).

const channelIdSchema = z.string().regex(/^[CG][A-Z0-9]{2,30}$/, 'must be a Slack channel id such as C07GUARDRAIL');
const shareSchema = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

export const CALIBRATION_OBJECTIVES = ['target_recall', 'f_beta'] as const;

export const calibrationConfigSchema = z.strictObject({
  /** `target_recall`: the highest threshold catching `target_recall` of live violations. `f_beta`: the best F_β. */
  objective: z.enum(CALIBRATION_OBJECTIVES).default('target_recall'),
  target_recall: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').default(0.95),
  beta: z.number().gt(0, 'must be > 0').max(100).default(1),
  /** Raw labels needed in each class (violations and not) before anything is proposed. */
  min_labels_per_class: z.number().int().min(1).max(100_000).default(30),
  /** Where proposal cards go; defaults to the source's review.admin_channel, then review.channel. */
  channel: channelIdSchema.optional(),
  /** Days of graded traffic behind "flags per day" and the review load. */
  traffic_days: z.number().int().min(1).max(90).default(7),
  /** Vigil applies its own proposal only when enabled, and moves a threshold at most this much per day in total. */
  auto_apply: z
    .strictObject({
      enabled: z.boolean().default(false),
      max_change_per_day: z.number().gt(0).max(1).default(0.05),
    })
    .prefault({}),
  /** Share of review items that ask for a second reviewer, to measure agreement. */
  overlap_share: shareSchema.default(0.1),
  /** Share of review items that are gold items: adjudicated past items with a known answer, mixed in blind. */
  gold_share: shareSchema.default(0.05),
});

export type CalibrationConfig = z.infer<typeof calibrationConfigSchema>;

export const DEFAULT_CALIBRATION_CONFIG: CalibrationConfig = calibrationConfigSchema.parse({});

export function toThresholdObjective(config: CalibrationConfig): ThresholdObjective {
  return config.objective === 'f_beta' ? { kind: 'f_beta', beta: config.beta } : { kind: 'target_recall', recall: config.target_recall };
}

export function describeObjective(objective: ThresholdObjective): string {
  return objective.kind === 'f_beta' ? `best F${objective.beta === 1 ? '1' : `-β (β = ${objective.beta})`}` : `recall ≥ ${objective.recall}`;
}
