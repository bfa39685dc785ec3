import type { App } from '@slack/bolt';
import { loadItemEvidence } from './review-evidence.usecases.ts';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Registry } from '../../platform/metrics.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import type { OutboxWorker } from '../outbox/outbox.worker.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { resolveDefaultChannel, type ReviewConfig } from './review.config.ts';
import type { ReviewContext, ReviewHooks } from './review-card.usecases.ts';
import { createReviewMetrics } from './review.metrics.ts';
import { createReviewDigestRepository, type DigestPeriod } from './review-digest.repository.ts';
import { createReviewQueriesRepository } from './review-queries.repository.ts';
import { createReviewRepository } from './review.repository.ts';
import { createReviewRoles } from './review-roles.usecases.ts';
import { registerReviewRoutes } from './review.routes.ts';
import { registerReviewSlackHandlers } from './review.slack.ts';
import { createReviewWorker } from './review.tasks.ts';
import { refreshCard } from './review.usecases.ts';

// Builds the review capability: sampler and dispatcher loop, verdict use cases, Slack
// listeners, the /v1 items and verdicts API.

export interface ReviewModuleOptions extends ReviewHooks {
  sources: SourcesFile;
  db: Db;
  registry: Registry;
  clock: Clock;
  rng?: () => number;
  logger: Logger;
  /** The live grader threshold of a source (checks' flag policy). */
  threshold(source: string, grader: string): number;
  outbox: Pick<OutboxWorker, 'notify'>;
  /** For user-group lookups; null when Slack is off. */
  slackClient: Pick<SlackClient, 'usergroups'> | null;
  pollMs?: number;
}

export function createReviewModule(options: ReviewModuleOptions) {
  const logger = options.logger.child({ ns: 'review' });
  const sources: Record<string, ReviewConfig> = Object.fromEntries(Object.entries(options.sources.sources).map(([name, source]) => [name, source.review]));
  for (const [name, config] of Object.entries(sources)) {
    if (resolveDefaultChannel(config) === null) logger.warn({ source: name }, 'review is off for this source: set review.channel to send its events to reviewers');
  }
  const repository = createReviewRepository({ db: options.db });
  const roles = createReviewRoles({ sources, client: options.slackClient, clock: options.clock, logger });
  const queries = createReviewQueriesRepository({ db: options.db });
  const digest = createReviewDigestRepository({ db: options.db });
  const ctx: ReviewContext = {
    repository,
    sources,
    threshold: options.threshold,
    roles,
    clock: options.clock,
    rng: options.rng ?? Math.random,
    metrics: createReviewMetrics(options.registry, () => queries.countByState()),
    logger,
    notifyOutbox: () => options.outbox.notify(),
    overlapShare: (source) => options.sources.sources[source]?.calibration.overlap_share ?? 0,
    decorateCard: options.decorateCard,
    canEscalate: options.canEscalate,
    boostFor: options.boostFor,
    describeReviewerStanding: options.describeReviewerStanding,
  };
  const worker = createReviewWorker(ctx, { pollMs: options.pollMs, sendCards: options.slackClient !== null });

  return {
    /** Wakes the sampler: call after events are stored or their checks complete. */
    notify: () => worker.notify(),
    start: () => {
      worker.start();
      void roles.warm();
    },
    stop: () => worker.stop(),
    /** Re-renders an item's card and updates it in Slack (after a guardrail note, a delivered webhook…). */
    refreshCard: (itemId: string) => refreshCard(ctx, itemId),
    /** Who reviews and approves each source (user groups resolved and cached): one cache for every module. */
    roles,
    /** An item's card (scores shown) and where it is in Slack: an incident's evidence. */
    loadEvidence: (itemId: string) => loadItemEvidence(ctx, itemId),
    /** The items waiting for a reviewer's vote, for `/vigil queue`. */
    listAwaitingReviewer: async (userId: string, limit: number) => queries.listAwaitingReviewer(userId, (await roles.listRoles(userId)).map((role) => role.source), limit),
    /** Review items per source and state, for `/vigil status`. */
    countByState: () => queries.countByState(),
    /** `ReleasesDeps.countRejectedCritical`: finally rejected critical items of a release since a time. */
    countRejectedCritical: (source: string, release: string, since: number) => queries.countRejectedCritical(source, release, since),
    /** `DigestLoaders.loadReview` for the weekly digest. */
    loadDigestReview: (source: string, period: DigestPeriod) => digest.loadReview(source, period),
    /** Runs sampling, dispatch, expiry and SLA reminders now (tests, fake clocks). */
    runTasks: () => worker.runNow(),
    registerSlackHandlers: (app: App) => registerReviewSlackHandlers(app, { ctx, queries }),
    registerRoutes: (v1: FastifyInstance) => registerReviewRoutes(v1, { queries }),
  };
}

export type ReviewModule = ReturnType<typeof createReviewModule>;
