import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../shared/clock.ts';
import { createCronScheduler, defineCronTasks, runCronTask } from './cron.ts';
import { createLogger } from './logger.ts';

const logger = createLogger({ level: 'silent' });

describe('defineCronTasks', () => {
  it('refuses an invalid schedule, naming the task', () => {
    expect(() => defineCronTasks([{ name: 'digest:support-bot', schedule: '61 * * * *', handler: async () => {} }])).toThrow('cron task "digest:support-bot": invalid schedule "61 * * * *"');
  });
});

describe('runCronTask', () => {
  it('passes the clock time and contains a failure', async () => {
    const clock = createFakeClock(Date.UTC(2026, 10, 23, 9));
    const seen: number[] = [];
    expect(await runCronTask({ name: 'ok', schedule: '* * * * *', handler: async (now) => void seen.push(now) }, { clock, logger })).toBe('ok');
    expect(seen).toEqual([Date.UTC(2026, 10, 23, 9)]);
    const failing = { name: 'boom', schedule: '* * * * *', handler: async () => Promise.reject(new Error('boom')) };
    expect(await runCronTask(failing, { clock, logger })).toBe('failed');
  });
});

describe('createCronScheduler', () => {
  it('runs a started task on its schedule and nothing after stop', async () => {
    const scheduler = createCronScheduler({ clock: createFakeClock(0), logger, timezone: 'UTC' });
    let runs = 0;
    let resolveFirst: () => void = () => {};
    const first = new Promise<void>((resolve) => (resolveFirst = resolve));
    // Six fields: every second, so the test waits at most about one second.
    scheduler.start(defineCronTasks([{ name: 'every-second', schedule: '* * * * * *', handler: async () => void (runs++, resolveFirst()) }]));
    await first;
    await scheduler.stop();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(runs).toBe(after);
    expect(after).toBeGreaterThanOrEqual(1);
  });
});
