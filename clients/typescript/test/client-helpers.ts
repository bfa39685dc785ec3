import Database from 'better-sqlite3';
import { startTestVigil, type TestVigil } from '../../../test/helpers/test-vigil.ts';

/** How many events Vigil stored, and how many distinct ids among them. */
export function countStoredEvents(databasePath: string): { rows: number; ids: number } {
  const sqlite = new Database(databasePath, { readonly: true });
  try {
    return sqlite.prepare('SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM events').get() as { rows: number; ids: number };
  } finally {
    sqlite.close();
  }
}

export function readStoredEvents(databasePath: string): Array<Record<string, unknown>> {
  const sqlite = new Database(databasePath, { readonly: true });
  try {
    return sqlite.prepare('SELECT source, input, output, model, release FROM events ORDER BY seq').all() as Array<Record<string, unknown>>;
  } finally {
    sqlite.close();
  }
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
