import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { checksConfigSchema } from '../checks/checks.config.ts';
import { createEventsRepository } from '../ingestion/events.repository.ts';
import { createTaskRunsRepository } from '../tasks/task-runs.repository.ts';
import { createBoostsRepository } from './boosts.repository.ts';
import { createDriftRepository } from './drift.repository.ts';
import { monitoringConfigSchema } from './monitoring.config.ts';
import { buildMonitoringTasks, type MonitoringTasksDeps } from './monitoring.tasks.ts';
import { seedEvents, seedSource } from './monitoring.test-utils.ts';
import type { Probe } from './probes.models.ts';
import { createProbesRepository } from './probes.repository.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 24, 12, 5, 0);
const probe: Probe = { name: 'demo', category: 'instruction_override', description: 'demo', messages: [{ role: 'user', content: 'hi' }], success: { type: 'canary' }, path: 'demo.yaml' };

describe('monitoring tasks', () => {
  let database: TestDb;
  let deps: MonitoringTasksDeps;
  let posted: string[];

  beforeEach(async () => {
    database = await createTestDb(async (db) => {
      await seedSource(db, 'support-bot');
      await seedSource(db, 'search-bot');
    });
    posted = [];
    const checks = checksConfigSchema.parse({});
    deps = {
      sources: {
        'support-bot': { checks, monitoring: monitoringConfigSchema.parse({ probes: { schedule: '*/30 * * * *', target: { kind: 'openai_chat', base_url: 'http://127.0.0.1:9/v1', model: 'm' } } }) },
        'search-bot': { checks, monitoring: monitoringConfigSchema.parse({}) },
        'quiet-bot': { checks, monitoring: monitoringConfigSchema.parse({ drift: { enabled: false } }) },
      },
      clock: createFakeClock(NOW),
      drift: {
        driftRepository: createDriftRepository({ db: database.db }),
        boostsRepository: createBoostsRepository({ db: database.db }),
        postAlertCard: async (source, _message, _png, ref) => void posted.push(`${source}:${ref.metric}`),
        renderChart: async () => Buffer.from('png'),
      },
      probes: {
        library: [probe],
        eventsRepository: createEventsRepository({ db: database.db }),
        probesRepository: createProbesRepository({ db: database.db }),
        checks: { detectBatch: async (batch) => batch.map(() => []), flagMinSeverity: () => 'warn', planGrading: () => [] },
        clock: createFakeClock(NOW),
        readSecret: () => undefined,
      },
      taskRuns: createTaskRunsRepository({ db: database.db }),
    };
  });
  afterEach(() => database.close());

  it('declares one hourly drift task and one probe task per source with a probe target, on its schedule', () => {
    expect(buildMonitoringTasks(deps).map((task) => [task.name, task.schedule])).toEqual([
      ['monitoring.drift', '5 * * * *'],
      ['monitoring.probes:support-bot', '*/30 * * * *'],
    ]);
  });

  it('refuses to start when a source lists a probe the library does not have', () => {
    deps.sources['support-bot']!.monitoring.probes!.only = ['missing'];
    expect(() => buildMonitoringTasks(deps)).toThrow('sources.support-bot.monitoring.probes.only[0]: unknown probe "missing"');
  });

  it('checks every source even when one fails, reports the failure, and runs each source once per hour', async () => {
    await seedEvents(database, { source: 'search-bot', from: NOW - 6 * 24 * HOUR, to: NOW - 2 * 24 * HOUR, count: 150 }, () => ({ tone: 0.1 }));
    await seedEvents(database, { source: 'search-bot', from: NOW - 20 * HOUR, to: NOW - HOUR, count: 150 }, () => ({ tone: 0.9 }));
    const load = deps.drift.driftRepository.forEachOutput;
    deps.drift.driftRepository.forEachOutput = async (source, window, visit) => {
      if (source === 'support-bot') throw new Error('disk on fire');
      return load(source, window, visit);
    };
    const [drift] = buildMonitoringTasks(deps);
    await expect(drift!.handler(NOW)).rejects.toThrow('drift check failed for 1 source(s)');
    expect(posted).toEqual(['search-bot:grader:tone']);

    await expect(drift!.handler(NOW + 60_000)).rejects.toThrow('drift check failed for 1 source(s)');
    expect(posted).toHaveLength(1);
    const done = await createTaskRunsRepository({ db: database.db }).find('monitoring.drift:search-bot', '2026-11-24T12');
    expect(done?.status).toBe('done');
  });

  it('runs a source probe task that records an unreachable target as errors', async () => {
    const probes = buildMonitoringTasks(deps)[1]!;
    await probes.handler(NOW);
    const runs = await createProbesRepository({ db: database.db }).listLatestRun('support-bot');
    expect(runs).toMatchObject([{ probe: 'demo', passed: null, error: expect.stringContaining('request failed') }]);
  });
});
