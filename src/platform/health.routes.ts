import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readMigrationStatus, readDatabaseSizeBytes, type VigilDatabase } from './db.ts';
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

async function readStoreSizeBytes(database: VigilDatabase): Promise<number> {
  if (database.dialect === 'sqlite') return readDatabaseSizeBytes(database.path);
  const result = await database.pool.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
  return Number(result.rows[0]?.bytes ?? 0);
}

/** PostgreSQL's pool in /healthz: a pool with requests waiting and no idle client is saturated. */
function describePool(database: VigilDatabase) {
  if (database.dialect === 'sqlite') return {};
  const { totalCount, idleCount, waitingCount, options } = database.pool;
  return { pool: { max: options.max, open: totalCount, idle: idleCount, waiting: waitingCount } };
}

export function registerHealthRoutes(
  app: FastifyInstance,
  deps: {
    database: VigilDatabase;
    registry: Registry;
    components: Record<string, HealthCheck>;
    /** When set, /metrics answers only `Authorization: Bearer <token>` (its figures name sources and reviewers' load); /healthz stays open for probes. */
    metricsToken?: string;
  },
) {
  new Gauge({
    name: 'vigil_database_size_bytes',
    help: 'Size of the database: the SQLite file and its write-ahead log, or pg_database_size on PostgreSQL',
    registers: [deps.registry],
    async collect() {
      this.set(await readStoreSizeBytes(deps.database));
    },
  });

  app.get('/healthz', async (_request, reply) => {
    let database: Record<string, unknown>;
    try {
      const migrations = await readMigrationStatus(deps.database);
      database = { status: migrations.pending === 0 ? 'ok' : 'down', dialect: deps.database.dialect, migrations, ...describePool(deps.database) };
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
