import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type Database from 'better-sqlite3';
import { readMigrationStatus, readDatabaseSizeBytes } from './db.ts';
import { createErrorFactory } from './errors.ts';
import { Gauge, type Registry } from './metrics.ts';

const createMetricsUnauthorizedError = createErrorFactory({
  code: 'auth.metrics_token',
  statusCode: 401,
  message: '/metrics needs "Authorization: Bearer <METRICS_TOKEN>".',
});

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests, which have the same length whatever was sent, in constant time. */
function hasMetricsToken(request: FastifyRequest, token: string): boolean {
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  return sent !== undefined && timingSafeEqual(sha256(sent), sha256(token));
}

/** A component that reports into /healthz (graders, Slack, outbox…); `down` makes the whole answer 503. */
export type HealthCheck = () => { status: 'ok' | 'degraded' | 'down' | 'off'; [detail: string]: unknown };

export function registerHealthRoutes(
  app: FastifyInstance,
  deps: {
    sqlite: Database.Database;
    databasePath: string;
    registry: Registry;
    components: Record<string, HealthCheck>;
    /** When set, /metrics answers only `Authorization: Bearer <token>` (its figures name sources and reviewers' load); /healthz stays open for probes. */
    metricsToken?: string;
  },
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

  app.get('/metrics', async (request, reply) => {
    if (deps.metricsToken !== undefined && !hasMetricsToken(request, deps.metricsToken)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw createMetricsUnauthorizedError();
    }
    return reply.header('content-type', deps.registry.contentType).send(await deps.registry.metrics());
  });
}
