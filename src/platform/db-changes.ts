import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Logger } from './logger.ts';
import { executeStatement, type Db, type VigilDatabase } from './db.ts';

// Changes other instances must see at once (a guardrail version, a revoked API key). On
// PostgreSQL the writer announces them with NOTIFY inside its transaction, so the message leaves
// only if the change commits, and every instance LISTENs on one dedicated connection. Polling
// stays as the fallback (a notification lost while the connection was down triggers a full
// refresh on reconnect). On SQLite, one process owns the file: there is nothing to announce.

export const CHANGES_CHANNEL = 'vigil_changes';
export type ChangeTopic = 'guardrails' | 'api_keys';
/** Passed to listeners after a reconnect: anything may have changed meanwhile. */
export const EVERYTHING = '*';

export async function announceChange(db: Db, topic: ChangeTopic): Promise<void> {
  if (db.dialect === 'postgres') await executeStatement(db, sql`SELECT pg_notify(${CHANGES_CHANNEL}, ${topic})`);
}

const RECONNECT_MS = 1_000;

export function listenForChanges(
  database: VigilDatabase,
  logger: Logger,
  onChange: (topic: ChangeTopic | typeof EVERYTHING) => void,
): { stop(): Promise<void> } {
  if (database.dialect !== 'postgres') return { stop: async () => {} };
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (isReconnect: boolean) => {
    const next = new pg.Client({ ...database.pool.options, application_name: 'vigil-listen' });
    next.on('notification', (message) => {
      if (message.payload === 'guardrails' || message.payload === 'api_keys') onChange(message.payload);
    });
    const lost = (error?: Error) => {
      if (stopped || client !== next) return;
      client = undefined;
      logger.warn({ err: error }, 'change notifications lost their connection; reconnecting (polling covers the gap)');
      retry = setTimeout(() => void connect(true), RECONNECT_MS);
      retry.unref();
    };
    next.on('error', lost);
    next.on('end', () => lost());
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (stopped) return void (await next.end());
      client = next;
      if (isReconnect) onChange(EVERYTHING);
    } catch (error) {
      client = next;
      lost(error as Error);
    }
  };
  void connect(false);

  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}
