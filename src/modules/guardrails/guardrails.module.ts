import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Registry } from '../../platform/metrics.ts';
import type { Clock } from '../../shared/clock.ts';
import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import { createOutboxRepository } from '../outbox/outbox.repository.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { createGuardrailWebhookSigner, describeDelivery } from './guardrail-webhooks.models.ts';
import type { GuardrailVersion } from './guardrails.models.ts';
import { createGuardrailsRepository } from './guardrails.repository.ts';
import { createGuardrailChecker } from './guardrails-check.usecases.ts';
import { createLiveGuardrails } from './guardrails-live.usecases.ts';
import { createGuardrailMetrics } from './guardrails.metrics.ts';
import type { GuardrailRoutesDeps } from './guardrails.routes.ts';
import { buildGuardrailSeeds, resolveWebhookSecrets } from './guardrails-seed.usecases.ts';
import { seedGuardrails, type GuardrailsDeps } from './guardrails.usecases.ts';

// Builds the guardrails capability: versions in the database, the live compiled copy,
// the check endpoint's evaluator, webhook signing and delivery status.

export interface GuardrailsModuleOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  sources: SourcesFile;
  configPath: string;
  /** The grader prompts (default thresholds of the seed). */
  prompts: ReadonlyMap<string, GraderPrompt>;
  /** Where webhook secrets are read from: the variables named by `guardrails.webhook.secret_env`. */
  secretEnv: Readonly<Record<string, string | undefined>>;
  /** Poll interval for versions written by other processes. */
  pollMs?: number;
  /** Wakes the outbox worker after a version with a webhook commits. */
  notifyOutbox?(): void;
}

export function createGuardrailsModule(options: GuardrailsModuleOptions) {
  const { db, clock, sources } = options;
  const logger = options.logger.child({ ns: 'guardrails' });
  const sourceNames = Object.keys(sources.sources);
  const secrets = resolveWebhookSecrets(sources, options.secretEnv);
  const seeds = buildGuardrailSeeds(sources, options.prompts, options.configPath);
  const repository = createGuardrailsRepository({ db });
  const outbox = createOutboxRepository({ db, clock });
  const live = createLiveGuardrails({
    repository,
    sources: sourceNames,
    minSeverityOf: (source) => sources.sources[source]?.checks.flag_min_severity ?? 'warn',
    logger,
    pollMs: options.pollMs,
  });
  const checker = createGuardrailChecker({ live, checksConfigs: Object.fromEntries(Object.entries(sources.sources).map(([name, source]) => [name, source.checks])) });
  const metrics = createGuardrailMetrics(options.registry, live, sourceNames);
  const listeners: Array<(version: GuardrailVersion) => void | Promise<void>> = [];

  const versions: GuardrailsDeps = {
    repository,
    clock,
    webhookUrlOf: (source) => sources.sources[source]?.guardrails.webhook?.url,
    async onVersionCreated(version: GuardrailVersion) {
      live.install(version);
      logger.info({ source: version.source, version: version.version, kind: version.kind, actor: version.actor }, 'guardrail version created');
      if (version.webhookOutboxId) options.notifyOutbox?.();
      for (const listener of listeners) {
        try {
          await listener(version);
        } catch (error) {
          logger.error({ err: error, source: version.source, version: version.version }, 'guardrail version listener failed');
        }
      }
    },
  };

  async function listDeliveries(_source: string, list: GuardrailVersion[]): Promise<Record<number, unknown>> {
    const ids = list.flatMap((version) => (version.webhookOutboxId ? [version.webhookOutboxId] : []));
    const rows = new Map((await outbox.findByIds(ids)).map((row) => [row.id, row]));
    const byVersion: Record<number, unknown> = {};
    for (const version of list) {
      const row = version.webhookOutboxId ? rows.get(version.webhookOutboxId) : undefined;
      if (row) byVersion[version.version] = describeDelivery(row);
    }
    return byVersion;
  }

  const routes: GuardrailRoutesDeps = {
    live,
    checker,
    versions,
    listDeliveries,
    onChecked: (source, action) => metrics.checks.inc({ source, action }),
  };

  return {
    live,
    checker,
    versions,
    routes,
    listDeliveries,
    /** For the outbox worker: signs guardrail webhooks with their source's secret at send time. */
    signWebhook: createGuardrailWebhookSigner(secrets),
    /** The live threshold of a grader (what flagPolicy uses), or undefined when the guardrail has no rule for it. */
    thresholdOf: (source: string, grader: string): number | undefined => live.get(source)?.version.spec.graders[grader]?.threshold,
    /**
     * Called after each version created in this process commits (not for versions written by
     * other processes): e.g. the Slack side posting to the guardrail log channel.
     */
    onVersionCreated(listener: (version: GuardrailVersion) => void | Promise<void>) {
      listeners.push(listener);
    },
    /** Seeds version 1 of new sources, loads every source's current version, starts polling. */
    async start() {
      const created = await seedGuardrails(versions, seeds);
      for (const version of created) logger.info({ source: version.source }, 'guardrail seeded from the config file');
      await live.start();
    },
    /** Ends long polls (they answer 304) so the HTTP server can close without waiting for them. */
    stop() {
      live.stop();
    },
  };
}

export type GuardrailsModule = ReturnType<typeof createGuardrailsModule>;
