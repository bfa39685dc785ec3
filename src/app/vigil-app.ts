import type { FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../shared/clock.ts';
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.ts';
import { createApiKeyAuthenticator } from '../modules/api-keys/api-keys.usecases.ts';
import { createApiKeyHook } from '../modules/api-keys/api-keys.hooks.ts';
import { createAuditRepository } from '../modules/audit/audit.repository.ts';
import { createEventsRepository } from '../modules/ingestion/events.repository.ts';
import { createIngestionMetrics } from '../modules/ingestion/ingestion.metrics.ts';
import { registerIngestionRoutes } from '../modules/ingestion/ingestion.routes.ts';
import { createSourcesRepository } from '../modules/sources/sources.repository.ts';
import { createChecksModule } from '../modules/checks/checks.module.ts';
import { createSlackApp, createSlackHealthCheck, describeSlackStatus, mountSlackReceiver, type SlackAppOptions } from './slack-app.ts';
import type { VigilConfig } from './config.ts';
import { openDatabase, runMigrations } from './db.ts';
import { registerHealthRoutes } from './health.routes.ts';
import type { Logger } from './logger.ts';
import { createMetricsRegistry } from './metrics.ts';
import { buildServer } from './server.ts';

// Wires the process together: database → repositories → HTTP. main.ts reads the
// environment and calls this; tests call it with their own config and clock.

export interface VigilApp {
  http: FastifyInstance;
  listen(): Promise<string>;
  stop(): Promise<void>;
}

export interface VigilAppOptions {
  logger: Logger;
  clock?: Clock;
  rng?: () => number;
  collectDefaultMetrics?: boolean;
  /** Detector worker threads (default 1: the second core); 0 runs them on the main thread. */
  detectorWorkers?: number;
  /** Test hooks for the Slack app: bot ids (no auth.test), processBeforeResponse, retries. */
  slack?: Partial<Pick<SlackAppOptions, 'botIdentity' | 'processBeforeResponse' | 'clientOptions' | 'unhandledRequestTimeoutMillis' | 'startTimeoutMs'>>;
}

export async function createVigilApp(config: VigilConfig, options: VigilAppOptions): Promise<VigilApp> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const database = openDatabase({ url: config.env.DATABASE_URL, synchronous: config.env.DATABASE_SYNCHRONOUS });
  const { applied } = runMigrations(database.sqlite);
  logger.info({ database: database.path, migrationsApplied: applied }, 'database ready');

  const sourceNames = Object.keys(config.sources.sources);
  const sourcesRepository = createSourcesRepository({ db: database.db, clock });
  await sourcesRepository.upsertMany(
    Object.entries(config.sources.sources).map(([name, source]) => ({ name, description: source.description })),
  );
  const knownSources = new Set(sourceNames);
  if (sourceNames.length === 0) logger.warn({ configPath: config.configPath }, 'no sources declared: every event will be refused');

  const registry = createMetricsRegistry({ collectDefaults: options.collectDefaultMetrics ?? true });
  const repositories = {
    events: createEventsRepository({ db: database.db }),
    apiKeys: createApiKeysRepository({ db: database.db }),
    audit: createAuditRepository({ db: database.db, clock }),
  };
  const authenticator = createApiKeyAuthenticator({ apiKeysRepository: repositories.apiKeys, clock });
  const checks = await createChecksModule({
    sources: config.sources,
    db: database.db,
    registry,
    clock,
    logger,
    openaiApiKey: config.env.OPENAI_API_KEY,
    openaiBaseUrl: config.env.OPENAI_BASE_URL,
    detectorWorkers: options.detectorWorkers ?? 1,
    rng: options.rng,
  });

  const slackStatus = describeSlackStatus(config.env);
  if (!slackStatus.enabled) logger.warn(`Slack is off: ${slackStatus.reason}`);
  const slack = createSlackApp({ env: config.env, logger, ...options.slack });

  const http = buildServer({ logger, registry });
  registerHealthRoutes(http, {
    sqlite: database.sqlite,
    databasePath: database.path,
    registry,
    components: { graders: checks.health, slack: createSlackHealthCheck(slack, config.env) },
  });
  if (slack?.mode === 'http') await mountSlackReceiver(http, slack.receiver);
  const ingestionMetrics = createIngestionMetrics(registry);
  await http.register(
    async (v1) => {
      v1.addHook('onRequest', createApiKeyHook(authenticator));
      registerIngestionRoutes(v1, {
        eventsRepository: repositories.events,
        metrics: ingestionMetrics,
        clock,
        checks: checks.ingestionChecks,
        isKnownSource: (name) => knownSources.has(name),
        onStored: () => checks.notifyGrading(),
        listGraderResults: (seq) => checks.gradingRepository.listResults(seq),
      });
    },
    { prefix: '/v1' },
  );

  let stopped = false;
  return {
    http,
    async listen() {
      await slack?.start();
      checks.start();
      return http.listen({ port: config.env.PORT, host: config.env.HOST });
    },
    /** Stops accepting, lets in-flight requests finish (their batches commit), then closes the database. */
    async stop() {
      if (stopped) return;
      stopped = true;
      await slack?.stop();
      await http.close();
      await checks.stop();
      database.close();
      logger.info('stopped');
    },
  };
}
