import { defineCronTasks, type CronTask } from '../../platform/cron.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SourceConfig } from '../sources/sources.config.ts';
import { runOncePerPeriod, type TaskRunsRepository } from '../tasks/task-runs.repository.ts';
import { runDriftCheck, type DriftJobDeps } from './drift.usecases.ts';
import { planProbeRun } from './probes.config.ts';
import { selectSourceProbes, type Probe } from './probes.models.ts';
import { runProbes, type ProbeRunReport, type ProbesDeps } from './probes.usecases.ts';

// The monitoring schedules: one hourly drift task over every source, and one probe task per
// source with a `monitoring.probes` block, on that source's own schedule. A source that fails
// does not stop the others; the failures are thrown together at the end so cron logs them.
// With a task-runs repository each (task, period) runs once even with several processes.

export const DRIFT_SCHEDULE = '5 * * * *';

export interface MonitoringTasksDeps {
  sources: Readonly<Record<string, Pick<SourceConfig, 'checks' | 'monitoring'>>>;
  clock: Clock;
  drift: DriftJobDeps;
  probes: ProbesDeps & { library: readonly Probe[] };
  taskRuns?: TaskRunsRepository;
  logger?: Logger;
  driftSchedule?: string;
}

const hourKey = (now: number) => new Date(now).toISOString().slice(0, 13);
const minuteKey = (now: number) => new Date(now).toISOString().slice(0, 16);

/** Builds the tasks; throws at start when a source lists an unknown probe. */
export function buildMonitoringTasks(deps: MonitoringTasksDeps): CronTask[] {
  const entries = Object.entries(deps.sources);
  for (const [name, source] of entries) {
    const probes = source.monitoring.probes;
    if (probes) selectSourceProbes(name, probes.only, deps.probes.library);
  }
  const once = async (task: string, period: string, work: () => Promise<void>) => {
    if (!deps.taskRuns) return work();
    await runOncePerPeriod(deps.taskRuns, task, period, () => deps.clock.now(), work);
  };

  const drift: CronTask = {
    name: 'monitoring.drift',
    schedule: deps.driftSchedule ?? DRIFT_SCHEDULE,
    async handler(now) {
      const failures: unknown[] = [];
      for (const [source, config] of entries) {
        if (!config.monitoring.drift.enabled) continue;
        try {
          await once(`monitoring.drift:${source}`, hourKey(now), async () => {
            const report = await runDriftCheck(deps.drift, { source, config: config.monitoring.drift, now });
            const count = (action: string) => report.outcomes.filter((outcome) => outcome.action === action).length;
            deps.logger?.info({ source, metrics: report.outcomes.length, alerts: count('alert'), updates: count('update'), resolved: count('resolve') }, 'drift checked');
            const errors = report.outcomes.filter((outcome) => outcome.error !== undefined);
            if (errors.length > 0) throw new Error(`drift check of ${source}: ${errors.map((outcome) => `${outcome.metric}: ${outcome.error}`).join('; ')}`);
          });
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, `drift check failed for ${failures.length} source(s)`);
    },
  };

  const probeTasks = entries.flatMap(([source, config]): CronTask[] => {
    const probes = config.monitoring.probes;
    if (!probes) return [];
    const name = `monitoring.probes:${source}`;
    return [{ name, schedule: probes.schedule, handler: (now) => once(name, minuteKey(now), async () => void (await runSourceProbes(deps, source, now))) }];
  });

  return defineCronTasks([drift, ...probeTasks]);
}

/** One probe run of `source` (its scheduled task's work); null when the source has no probe target. */
export async function runSourceProbes(deps: Pick<MonitoringTasksDeps, 'sources' | 'drift' | 'probes' | 'logger'>, source: string, now: number): Promise<ProbeRunReport | null> {
  const config = deps.sources[source];
  if (!config) throw new Error(`unknown source "${source}"`);
  const release = await deps.drift.driftRepository.findCurrentRelease(source, now);
  const input = planProbeRun(source, config, deps.probes.library, { release: release?.release ?? null, now });
  if (!input) return null;
  const report = await runProbes(deps.probes, input);
  const log = { source, runId: report.runId, release: report.release, ...report.counts };
  if (report.counts.breached > 0) deps.logger?.warn({ ...log, breached: report.outcomes.filter((o) => o.outcome === 'breached').map((o) => o.probe) }, 'probes got through');
  else deps.logger?.info(log, 'probes run');
  if (typeof report.incident === 'object') throw new Error(`probe incident for ${source} could not be opened: ${report.incident.error}`);
  return report;
}
