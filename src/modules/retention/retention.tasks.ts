import { defineCronTasks, type CronTask } from '../../platform/cron.ts';
import { purgeExpiredEvents, type RetentionDeps } from './retention.usecases.ts';

// The purge runs every hour, at minute 23 (off the hour and off the other schedules). An hour
// late is within any retention measured in days, and a run purges whatever is due, so a run
// missed while Vigil was down is made up by the next one.

export const RETENTION_PURGE_SCHEDULE = '23 * * * *';

export function buildRetentionTasks(deps: RetentionDeps, sources: readonly string[]): CronTask[] {
  return defineCronTasks([
    {
      name: 'retention.purge',
      schedule: RETENTION_PURGE_SCHEDULE,
      async handler(now) {
        // One source at a time; a failure in one is reported after the others ran.
        const errors: unknown[] = [];
        for (const source of sources) {
          try {
            await purgeExpiredEvents(deps, source, now);
          } catch (error) {
            errors.push(error);
          }
        }
        if (errors.length > 0) throw new AggregateError(errors, `retention purge failed for ${errors.length} source(s)`);
      },
    },
  ]);
}
