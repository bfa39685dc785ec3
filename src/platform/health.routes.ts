import type { FastifyInstance } from 'fastify';
import type Database from 'better-sqlite3';
import { readMigrationStatus, readDatabaseSizeBytes } from './db.ts';
import { Gauge, type Registry } from './metrics.ts';

/** A component that reports into /healthz (graders, Slack, outbox…); `down` makes the whole answer 503. */
export type HealthCheck = () => { status: 'ok' | 'degraded' | 'down' | 'off'; [detail: string]: unknown };

export function registerHealthRoutes(
  app: FastifyInstance,
  deps: { sqlite: Database.Database; databasePath: string; registry: Registry; components: Record<string, HealthCheck> },
) {
  new Gauge({
    name: 'vigil_database_size_bytes',
    help: 'Size of the SQLite database file and its write-ahead log',
    registers: [deps.registry],
    collect() {
      this.set(readDatabaseSizeBytes(deps.databasePath));
    },
  });

  app.get('/healthz', async (_request, reply) => {
    let database: Record<string, unknown>;
    try {
      deps.sqlite.prepare('SELECT 1').get();
      const migrations = readMigrationStatus(deps.sqlite);
      database = { status: migrations.pending === 0 ? 'ok' : 'down', migrations };
    } catch (error) {
      database = { status: 'down', error: (error as Error).message };
    }
    const components = Object.fromEntries(Object.entries(deps.components).map(([name, check]) => [name, check()]));
    const all = [database, ...Object.values(components)];
    const down = all.some((c) => c.status === 'down');
    const degraded = all.some((c) => c.status === 'degraded');
    return reply.code(down ? 503 : 200).send({ status: down ? 'down' : degraded ? 'degraded' : 'ok', database, ...components });
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', deps.registry.contentType).send(await deps.registry.metrics());
  });
}
