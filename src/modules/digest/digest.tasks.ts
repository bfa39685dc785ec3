import { defineCronTasks, type CronTask } from '../../platform/cron.ts';
import { hasDigestRecipients } from './digest.config.ts';
import { runDigestIfDue, type DigestContext, type DigestRunResult } from './digest.usecases.ts';

// One cron task per source at its own schedule (read in VIGIL_TIMEZONE), plus an hourly
// catch-up over every source, also run once at start: if Vigil was down at the scheduled
// time, or Slack failed then, the owed digest goes out at the next check. The claim in
// runDigestIfDue makes all of these safe to overlap: each week is sent once.

/** Minute 7 of every hour: off the hour, when other schedules and other apps are busy. */
export const DIGEST_CATCH_UP_SCHEDULE = '7 * * * *';

/** Runs every source's owed digest; one source failing does not stop the others (the errors are thrown together after). */
export async function catchUpDigests(ctx: DigestContext, now: number): Promise<Record<string, DigestRunResult>> {
  const results: Record<string, DigestRunResult> = {};
  const errors: unknown[] = [];
  for (const source of Object.keys(ctx.sources).sort()) {
    try {
      results[source] = await runDigestIfDue(ctx, source, now);
    } catch (error) {
      errors.push(new Error(`digest of ${source} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} digest(s) failed`);
  return results;
}

/** Also run once at start (`runCronTask(buildDigestCatchUpTask(ctx), …)`): the digest owed while Vigil was down goes out then. */
export function buildDigestCatchUpTask(ctx: DigestContext): CronTask {
  return {
    name: 'digest:catch-up',
    schedule: DIGEST_CATCH_UP_SCHEDULE,
    timezone: ctx.timeZone,
    handler: async (now) => {
      await catchUpDigests(ctx, now);
    },
  };
}

export function buildDigestTasks(ctx: DigestContext): CronTask[] {
  const perSource = Object.entries(ctx.sources)
    .filter(([, config]) => hasDigestRecipients(config))
    .map(
      ([source, config]): CronTask => ({
        name: `digest:${source}`,
        schedule: config.schedule,
        timezone: ctx.timeZone,
        handler: async (now) => {
          await runDigestIfDue(ctx, source, now);
        },
      }),
    );
  return defineCronTasks([...perSource, buildDigestCatchUpTask(ctx)]);
}
