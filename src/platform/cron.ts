import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from './logger.ts';
import type { Clock } from '../shared/clock.ts';

// Scheduled work is declared as data by each module (`*.tasks.ts`): a name, a cron
// expression, and a handler that receives `now`. Each task runs isolated, timed and
// logged; one failing never skips the others, and a slow run never overlaps itself.

export interface CronTask {
  name: string;
  /** node-cron expression, e.g. `0 9 * * 1` for Mondays at 09:00. */
  schedule: string;
  /** IANA zone the expression is read in; defaults to VIGIL_TIMEZONE. */
  timezone?: string;
  handler(now: number): Promise<void>;
}

export function defineCronTasks(tasks: CronTask[]): CronTask[] {
  for (const task of tasks) {
    if (!cron.validate(task.schedule)) throw new Error(`cron task "${task.name}": invalid schedule "${task.schedule}"`);
  }
  return tasks;
}

/** Runs one task now, the way the scheduler does: timed, logged, errors contained. */
export async function runCronTask(task: CronTask, deps: { clock: Clock; logger: Logger }): Promise<'ok' | 'failed'> {
  const started = performance.now();
  try {
    await task.handler(deps.clock.now());
    deps.logger.info({ task: task.name, ms: Math.round(performance.now() - started) }, 'task finished');
    return 'ok';
  } catch (error) {
    deps.logger.error({ task: task.name, err: error, ms: Math.round(performance.now() - started) }, 'task failed');
    return 'failed';
  }
}

export function createCronScheduler(deps: { clock: Clock; logger: Logger; timezone: string }) {
  const scheduled: ScheduledTask[] = [];
  const logger = deps.logger.child({ ns: 'cron' });
  return {
    start(tasks: CronTask[]) {
      for (const task of tasks) {
        scheduled.push(
          cron.schedule(task.schedule, () => runCronTask(task, { clock: deps.clock, logger }), {
            name: task.name,
            timezone: task.timezone ?? deps.timezone,
            noOverlap: true,
          }),
        );
      }
      logger.info({ tasks: tasks.map((task) => task.name) }, 'schedules started');
    },
    async stop() {
      await Promise.all(scheduled.map(async (task) => task.destroy()));
      scheduled.length = 0;
    },
  };
}
