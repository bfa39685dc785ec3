import { globSync } from 'tinyglobby';
import { configDefaults, defineConfig, type ViteUserConfig } from 'vitest/config';
import { findTestPostgres, selectPostgresOnlyTests, selectPostgresTests } from './test/setup/stores.ts';

const include = ['src/**/*.test.ts', 'test/**/*.test.ts', 'clients/**/*.test.ts'];

// Two projects: every test on SQLite, and every test that touches the store again on PostgreSQL
// when one answers (test/setup/stores.ts). Without PostgreSQL the run says so and covers SQLite only.
export default defineConfig(async (): Promise<ViteUserConfig> => {
  const postgresUrl = await findTestPostgres();
  if (postgresUrl === null) {
    process.stderr.write(
      '\nvigil: PostgreSQL is not reachable (VIGIL_TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/postgres): ' +
        'the tests run on SQLite only. Start it (.ci/run does) to run them on both stores.\n\n',
    );
  }
  const files = globSync(include);
  const postgresFiles = postgresUrl === null ? [] : selectPostgresTests(files);
  // Names this run's PostgreSQL databases, so its teardown drops exactly those.
  process.env.VIGIL_TEST_RUN_ID ??= `${Date.now().toString(36)}${process.pid.toString(36)}`;
  process.env.VIGIL_TEST_POSTGRES_URL = postgresUrl ?? '';
  return {
    test: {
      environment: 'node',
      testTimeout: 20_000,
      hookTimeout: 30_000,
      // End-to-end tests start real servers and child processes; two cores are all CI has.
      maxWorkers: 2,
      projects: [
        { extends: true as const, test: { name: 'sqlite', include, exclude: [...configDefaults.exclude, ...selectPostgresOnlyTests(files)], env: { VIGIL_TEST_POSTGRES_URL: '' } } },
        ...(postgresUrl === null
          ? []
          : [
              {
                extends: true as const,
                test: { name: 'postgres', include: postgresFiles, env: { VIGIL_TEST_POSTGRES_URL: postgresUrl }, globalSetup: ['test/setup/postgres-databases.ts'] },
              },
            ]),
      ],
    },
  };
});
