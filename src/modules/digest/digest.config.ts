import { z } from 'zod';
import { parseWeeklySchedule } from './digest-schedule.models.ts';

// The `digest:` block of a source in vigil.config.yaml: where the weekly digest goes and
// when. Every field has a default; a source with neither a channel nor managers gets no
// digest (there is nobody to send it to), and `/vigil digest` still shows it on request.

export const DEFAULT_DIGEST_SCHEDULE = '0 9 * * 1';

export const digestConfigSchema = z.strictObject({
  /** A channel id (C…/G…): the digest is posted there. */
  channel: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,30}$/, 'must be a Slack channel id such as C07DIGEST')
    .optional(),
  /** Slack user ids (U…/W…): each gets the digest as a direct message. */
  managers: z
    .array(z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'must be a Slack user id such as U024BE7LH'))
    .max(50)
    .default([]),
  /** A weekly cron expression read in VIGIL_TIMEZONE: minute, hour, `* *`, day of week. */
  schedule: z
    .string()
    .default(DEFAULT_DIGEST_SCHEDULE)
    .refine((value) => parseWeeklySchedule(value) !== null, 'must be a weekly cron expression such as "0 9 * * 1" (minute hour * * day-of-week)'),
});

export type DigestConfig = z.infer<typeof digestConfigSchema>;

export function hasDigestRecipients(config: DigestConfig): boolean {
  return config.channel !== undefined || config.managers.length > 0;
}
