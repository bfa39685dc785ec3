import { queryDatabase } from '../../../test/helpers/query-database.ts';
import { startTestVigil, type TestVigil } from '../../../test/helpers/test-vigil.ts';

/** How many events Vigil stored, and how many distinct ids among them. */
export async function countStoredEvents(databasePath: string): Promise<{ rows: number; ids: number }> {
  const [counts] = await queryDatabase<{ rows: number; ids: number }>(databasePath, 'SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM events');
  return counts!;
}

export function readStoredEvents(databasePath: string): Promise<Array<Record<string, unknown>>> {
  return queryDatabase(databasePath, 'SELECT source, input, output, model, release FROM events ORDER BY seq');
}

/** Stops Vigil but keeps its database, then starts it again on the same port and file. */
export async function restartVigil(vigil: TestVigil): Promise<TestVigil> {
  const port = new URL(vigil.url).port;
  await vigil.app.stop();
  return startTestVigil({ env: { PORT: port, DATABASE_URL: vigil.databasePath } });
}

/** A URL where nothing listens: a Vigil that was started and stopped. */
export async function unreachableUrl(): Promise<string> {
  const vigil = await startTestVigil();
  await vigil.stop();
  return vigil.url;
}
