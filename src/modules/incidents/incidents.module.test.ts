import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config.ts';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { systemClock } from '../../shared/clock.ts';
import { sourcesFileSchema } from '../sources/sources.config.ts';
import { createIncidentsModule, type IncidentsModuleOptions } from './incidents.module.ts';
import { DEFAULT_PAGERDUTY_EVENTS_URL } from './pagerduty.client.ts';

describe('createIncidentsModule', () => {
  let database: TestDb | undefined;
  afterEach(async () => {
    // Not every test opens one, and a PostgreSQL pool must be ended only once.
    await database?.close();
    database = undefined;
  });

  async function options(overrides: Partial<IncidentsModuleOptions> = {}): Promise<IncidentsModuleOptions> {
    const opened = await createTestDb();
    database = opened;
    return {
      db: opened.db,
      sources: sourcesFileSchema.parse({ sources: { 'support-bot': { incidents: { pagerduty_routing_key_env: 'SUPPORT_BOT_PD_KEY' } }, 'billing-bot': null } }),
      env: { VIGIL_TIMEZONE: 'UTC' },
      secrets: { SUPPORT_BOT_PD_KEY: 'R0UTINGKEY0123456789ABCDEFGHIJKL' },
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
      slackClient: null,
      notifyOutbox: () => {},
      loadEvidence: async () => null,
      rollbackRelease: async () => ({ fromRelease: null, toRelease: 'r1', version: 2 }),
      isApprover: async () => false,
      isReviewer: async () => false,
      ...overrides,
    };
  }

  it('pages PagerDuty\'s public endpoint unless PAGERDUTY_EVENTS_URL says otherwise, and gives every source its incidents settings', async () => {
    const module = createIncidentsModule(await options());
    expect(module.deps.pagerDutyEventsUrl).toBe(DEFAULT_PAGERDUTY_EVENTS_URL);
    expect(module.deps.sources['billing-bot']).toEqual({ oncall_users: [], auto_rules: [] });
    await database?.close();
    const custom = createIncidentsModule(await options({ env: { VIGIL_TIMEZONE: 'UTC', PAGERDUTY_EVENTS_URL: 'https://pd.example/v2/enqueue' } }));
    expect(custom.deps.pagerDutyEventsUrl).toBe('https://pd.example/v2/enqueue');
  });

  it('does not start when a routing key the config names is missing from the environment', async () => {
    const withoutKey = await options({ secrets: {} });
    expect(() => createIncidentsModule(withoutKey)).toThrow(ConfigError);
  });

  it('refuses auto rules with the same name and on-call ids of the wrong kind in the config file', () => {
    const parse = (incidents: unknown) => sourcesFileSchema.safeParse({ sources: { 'support-bot': { incidents } } });
    const rule = { name: 'leak', when: { check: 'secrets' }, severity: 'SEV1' };
    expect(parse({ auto_rules: [rule, rule] }).error?.issues[0]?.message).toBe('rule names must be unique');
    expect(parse({ oncall_group: 'U0NOTAGROUP' }).error?.issues[0]?.message).toBe('must be a Slack user-group id (S…)');
    expect(parse({ pagerduty_routing_key_env: 'the-key-itself-0123' }).success).toBe(false);
    expect(parse({ auto_rules: [rule] }).data?.sources['support-bot']?.incidents.auto_rules).toEqual([{ ...rule, when: { check: 'secrets', min_severity: 'critical' }, window_minutes: 60 }]);
  });
});
