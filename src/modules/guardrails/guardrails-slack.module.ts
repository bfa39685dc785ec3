import type { App } from '@slack/bolt';
import { createRollbackNotRequestedError } from '../releases/releases.errors.ts';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { OutboxWorker } from '../outbox/outbox.worker.ts';
import { expireRollbackRequests, requestRollback, ROLLBACK_REQUEST_TTL_MS } from '../releases/rollback-approval.usecases.ts';
import { createRollbackRequestsRepository } from '../releases/rollback-requests.repository.ts';
import type { ReleasesDeps } from '../releases/releases.usecases.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { createGuardrailCardsRepository } from './guardrail-cards.repository.ts';
import { GUARDRAIL_WEBHOOK_PURPOSE } from './guardrail-webhooks.models.ts';
import type { GuardrailSlackContext } from './guardrails-access.usecases.ts';
import { createCardDecorator, createDeliveryWatcher, refreshCardsOfWebhook } from './guardrails-cards.usecases.ts';
import { postVersionToLog } from './guardrails-log.usecases.ts';
import type { GuardrailsModule } from './guardrails.module.ts';
import { registerGuardrailSlackHandlers } from './guardrails.slack.ts';

// Tighten, roll back, kill switch and revert from Slack, assembled for the composition root:
// the Bolt listeners, the card decoration the review module renders with, the guardrail log
// posts, the webhook-delivery hooks, and the sweep that expires two-person rollback requests.

export interface GuardrailsSlackModuleOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  sources: SourcesFile;
  guardrails: Pick<GuardrailsModule, 'versions' | 'live' | 'onVersionCreated'>;
  releases: ReleasesDeps;
  /** Approvers per source; `warm` fills the user-group cache before the first click needs it. */
  roles: GuardrailSlackContext['roles'] & { warm?(): Promise<void> };
  outbox: Pick<OutboxWorker, 'notify' | 'onDelivered' | 'onFailed'>;
  /** The review module's card refresh (re-render + chat.update through the outbox). */
  refreshCard(itemId: string): unknown;
  /** How often pending rollback requests are checked for expiry (default 15 s). */
  expirySweepMs?: number;
}

export function createGuardrailsSlackModule(options: GuardrailsSlackModuleOptions) {
  const logger = options.logger.child({ ns: 'guardrails-slack' });
  const cards = createGuardrailCardsRepository({ db: options.db });
  const requests = createRollbackRequestsRepository({ db: options.db });
  const refreshCard = async (itemId: string) => {
    try {
      await options.refreshCard(itemId);
    } catch (error) {
      logger.error({ err: error, itemId }, 'could not refresh the review card');
    }
  };
  const watcher = createDeliveryWatcher({ cards, refreshCard, logger });
  const ctx: GuardrailSlackContext = {
    cards,
    requests,
    versions: options.guardrails.versions,
    live: options.guardrails.live,
    releases: options.releases,
    roles: options.roles,
    sources: Object.fromEntries(
      Object.entries(options.sources.sources).map(([name, source]) => [
        name,
        { logChannel: source.guardrails.log_channel, twoPersonRule: source.guardrails.releases.two_person_rule, killSwitchMessage: source.guardrails.kill_switch_message },
      ]),
    ),
    clock: options.clock,
    logger,
    notifyOutbox: () => options.outbox.notify(),
    refreshCard,
    watchDelivery: (outboxId) => watcher.watch(outboxId),
    rollbackRequestTtlMs: ROLLBACK_REQUEST_TTL_MS,
  };
  options.guardrails.onVersionCreated((version) => postVersionToLog(ctx, version));
  const onWebhookFinished = (row: { id: string }) => refreshCardsOfWebhook(ctx, row.id);
  options.outbox.onDelivered(GUARDRAIL_WEBHOOK_PURPOSE, onWebhookFinished);
  options.outbox.onFailed(GUARDRAIL_WEBHOOK_PURPOSE, onWebhookFinished);
  let sweep: NodeJS.Timeout | undefined;

  const expire = (now: number) => expireRollbackRequests(ctx, now);
  return {
    ctx,
    /** For the review module: adds "Tighten guardrail…" and the guardrail notes to every card it renders. */
    decorateCard: createCardDecorator({ cards, requests }),
    registerSlackHandlers: (app: App) => registerGuardrailSlackHandlers(app, ctx),
    /**
     * A rollback asked for outside a card (an incident's Roll back) on a source with the
     * two-person rule: posts the request for a second approver to the guardrail log channel.
     */
    async requestRollback(request: { source: string; userId: string; reason: string }) {
      const outcome = await requestRollback(ctx, { userId: request.userId }, { source: request.source, itemId: null, reason: request.reason });
      if (outcome.status !== 'requested') throw createRollbackNotRequestedError(request.source, outcome.status === 'failed' ? outcome.message : outcome.status);
      // Plain words: the incident escapes the text it posts, so a channel mention would not render.
      return { requested: true as const, requestId: outcome.requestId, toRelease: outcome.targetRelease, where: 'the guardrail log channel' };
    },
    /** Expires two-person rollback requests past their 10 minutes (also run by the module's own sweep). */
    expireRollbackRequests: expire,
    async start() {
      void options.roles.warm?.();
      clearInterval(sweep);
      sweep = setInterval(async () => {
        try {
          await expire(options.clock.now());
        } catch (error) {
          logger.error({ err: error }, 'rollback request expiry sweep failed');
        }
      }, options.expirySweepMs ?? 15_000);
      sweep.unref();
      // Webhooks a previous run left open are followed again, so their cards still show retries.
      for (const id of await cards.listOpenWebhooks(options.clock.now() - 86_400_000)) watcher.watch(id);
    },
    stop() {
      clearInterval(sweep);
      watcher.stop();
    },
  };
}

export type GuardrailsSlackModule = ReturnType<typeof createGuardrailsSlackModule>;
