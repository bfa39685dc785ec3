import pg from 'pg';

// Global teardown of the PostgreSQL test project: drops the databases this run created (its
// template and any copy a crashed test left behind), named after VIGIL_TEST_RUN_ID.

export async function teardown(): Promise<void> {
  const url = process.env.VIGIL_TEST_POSTGRES_URL;
  const runId = process.env.VIGIL_TEST_RUN_ID;
  if (!url || !runId) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2', [
      `vigil_test_${runId}_%`,
      `vigil_template_${runId}%`,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
