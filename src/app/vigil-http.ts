import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../shared/clock.ts';
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.ts';
import { createApiKeyAuthenticator } from '../modules/api-keys/api-keys.usecases.ts';
import { createApiKeyHook } from '../modules/api-keys/api-keys.hooks.ts';
import { createAuditRepository } from '../modules/audit/audit.repository.ts';
import { registerAuditRoutes } from '../modules/audit/audit.routes.ts';
import type { ChecksModule } from '../modules/checks/checks.module.ts';
import type { GuardrailsModule } from '../modules/guardrails/guardrails.module.ts';
import { registerGuardrailRoutes } from '../modules/guardrails/guardrails.routes.ts';
import { createEventsRepository } from '../modules/ingestion/events.repository.ts';
import { createIngestionMetrics } from '../modules/ingestion/ingestion.metrics.ts';
import { registerIngestionRoutes } from '../modules/ingestion/ingestion.routes.ts';
import type { IngestionDeps } from '../modules/ingestion/ingestion.usecases.ts';
import { registerOpenApiRoutes } from '../modules/openapi/openapi.routes.ts';
import { createOtlpMetrics } from '../modules/otlp/otlp.metrics.ts';
import { registerOtlpRoutes } from '../modules/otlp/otlp.routes.ts';
import { registerReleaseRoutes } from '../modules/releases/releases.routes.ts';
import { createReleaseSightings, type ReleasesDeps } from '../modules/releases/releases.usecases.ts';
import type { ReviewModule } from '../modules/review/review.module.ts';
import { registerRetentionRoutes } from '../modules/retention/retention.routes.ts';
import type { RetentionDeps } from '../modules/retention/retention.usecases.ts';
import type { Env } from '../platform/config.ts';
import type { VigilDatabase } from '../platform/db.ts';
import { listenForChanges } from '../platform/db-changes.ts';
import { registerHealthRoutes } from '../platform/health.routes.ts';
import type { Logger } from '../platform/logger.ts';
import type { Registry } from '../platform/metrics.ts';
import { buildServer } from '../platform/server.ts';
import { createStorageHealth } from '../platform/storage-health.ts';
import { createSlackHealthCheck, mountSlackReceiver, type SlackAppHandle } from './slack-app.ts';

// The one HTTP server: /healthz and /metrics, Bolt's receiver at /slack/events, and the
// production apps' API under /v1 behind API keys.

export interface VigilHttpDeps {
  database: VigilDatabase;
  registry: Registry;
  clock: Clock;
  logger: Logger;
  slack: SlackAppHandle | null;
  env: Env;
  knownSources: ReadonlySet<string>;
  checks: ChecksModule;
  review: Pick<ReviewModule, 'notify' | 'registerRoutes'>;
  guardrails: Pick<GuardrailsModule, 'routes' | 'live'>;
  releases: ReleasesDeps;
  onEventsFlagged?: IngestionDeps['onFlagged'];
  prepareForStorage: NonNullable<IngestionDeps['prepareForStorage']>;
  retention: RetentionDeps;
}

/** The same relative path from src/app and dist/app. */
function readPackageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function buildVigilHttp(deps: VigilHttpDeps): Promise<FastifyInstance> {
  const { database, registry, clock, checks } = deps;
  const storage = createStorageHealth({ databasePath: database.dialect === 'sqlite' ? database.path : null, now: () => clock.now() });
  const http = buildServer({ logger: deps.logger, registry, storage, requestTimeoutMs: deps.env.REQUEST_TIMEOUT_MS });
  registerHealthRoutes(http, {
    database,
    registry,
    components: { storage: storage.check, graders: checks.health, slack: createSlackHealthCheck(deps.slack, deps.env) },
    ...(deps.env.METRICS_TOKEN ? { metricsToken: deps.env.METRICS_TOKEN } : {}),
  });
  registerOpenApiRoutes(http, { version: readPackageVersion() });
  if (deps.slack?.mode === 'http') await mountSlackReceiver(http, deps.slack.receiver);
  const authenticator = createApiKeyAuthenticator({ apiKeysRepository: createApiKeysRepository({ db: database.db }), clock });
  // Guardrail versions and revocations made through another instance (PostgreSQL NOTIFY).
  const changes = listenForChanges(database, deps.logger, (topic) => {
    if (topic !== 'guardrails') authenticator.forget();
    if (topic !== 'api_keys') void deps.guardrails.live.refreshAll();
  });
  http.addHook('onClose', () => changes.stop());
  const ingestionMetrics = createIngestionMetrics(registry);
  const isKnownSource = (name: string) => deps.knownSources.has(name);
  await http.register(
    async (v1) => {
      v1.addHook('onRequest', createApiKeyHook(authenticator));
      const ingestion: IngestionDeps = {
        eventsRepository: createEventsRepository({ db: database.db }),
        metrics: ingestionMetrics,
        clock,
        checks: checks.ingestionChecks,
        isKnownSource,
        prepareForStorage: deps.prepareForStorage,
        onStored: () => {
          checks.notifyGrading();
          deps.review.notify();
        },
        listGraderResults: (seq) => checks.gradingRepository.listResults(seq),
        onReleases: createReleaseSightings(deps.releases),
        ...(deps.onEventsFlagged ? { onFlagged: deps.onEventsFlagged } : {}),
      };
      registerIngestionRoutes(v1, { ...ingestion, batches: checks.batchPreparer });
      // OTLP traces become events through the same usecase: same checks, limits and metrics.
      await registerOtlpRoutes(v1, { ingestion, metrics: createOtlpMetrics(registry) });
      deps.review.registerRoutes(v1);
      registerGuardrailRoutes(v1, deps.guardrails.routes);
      registerReleaseRoutes(v1, { ...deps.releases, isKnownSource });
      registerRetentionRoutes(v1, { ...deps.retention, isKnownSource });
      registerAuditRoutes(v1, { auditRepository: createAuditRepository({ db: database.db, clock }) });
    },
    { prefix: '/v1' },
  );
  return http;
}
