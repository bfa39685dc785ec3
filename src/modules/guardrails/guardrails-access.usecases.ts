import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import { escapeMrkdwn } from '../../shared/mrkdwn.ts';
import { section } from '../../shared/slack-blocks.ts';
import type { OutboxMessageInput } from '../outbox/outbox.models.ts';
import type { ReleasesDeps } from '../releases/releases.usecases.ts';
import type { RollbackRequestsRepository } from '../releases/rollback-requests.repository.ts';
import { describeMissingRole, hasRole, type ReviewRole } from '../review/review-roles.models.ts';
import type { GuardrailCardsRepository } from './guardrail-cards.repository.ts';
import type { LiveGuardrails } from './guardrails-live.usecases.ts';
import type { GuardrailsDeps } from './guardrails.usecases.ts';

// What the guardrail actions in Slack share, and who may take them. Only approvers of a
// source change its guardrail or roll it back; anyone else gets an ephemeral naming the
// role needed, and the refused attempt is audited. Every Slack write goes through the outbox.

export interface GuardrailSourceSettings {
  logChannel?: string;
  twoPersonRule: boolean;
  killSwitchMessage: string;
}

export interface GuardrailSlackContext {
  cards: GuardrailCardsRepository;
  requests: RollbackRequestsRepository;
  versions: GuardrailsDeps;
  live: Pick<LiveGuardrails, 'get'>;
  releases: ReleasesDeps;
  roles: { resolveRole(source: string, userId: string): Promise<ReviewRole | null> };
  sources: Readonly<Record<string, GuardrailSourceSettings>>;
  clock: Clock;
  logger: Logger;
  notifyOutbox(): void;
  /** Re-renders a review card (the review module's), which reads its guardrail notes again. */
  refreshCard(itemId: string): Promise<void>;
  /** Follows a webhook until it is delivered or failed, refreshing the cards that show it. */
  watchDelivery(outboxId: string): void;
  rollbackRequestTtlMs: number;
}

export interface SlackActor {
  userId: string;
  /** Where the click happened, for ephemeral answers. */
  channelId?: string;
}

export const actorOf = (actor: SlackActor) => `slack:${actor.userId}`;

export function buildEphemeral(channel: string, user: string, text: string): OutboxMessageInput {
  return { kind: 'slack', method: 'chat.postEphemeral', payload: { channel, user, text, blocks: [section('guardrails.notice', text)] } };
}

/** Sends an ephemeral to the actor when we know where they clicked. */
export async function tellActor(ctx: GuardrailSlackContext, actor: SlackActor, text: string): Promise<void> {
  if (!actor.channelId) return;
  await ctx.cards.record({ messages: [buildEphemeral(actor.channelId, actor.userId, text)] }, ctx.clock.now());
  ctx.notifyOutbox();
}

/** True for an approver of the source; otherwise audits the refusal, tells the user, and returns false. */
export async function authorizeApprover(
  ctx: GuardrailSlackContext,
  actor: SlackActor,
  request: { source: string; attempted: string; action: string; subjectType: string; subjectId: string },
): Promise<boolean> {
  const role = await ctx.roles.resolveRole(request.source, actor.userId);
  if (hasRole(role, 'approver')) return true;
  const text = describeMissingRole(escapeMrkdwn(request.source), 'approver', request.action);
  await ctx.cards.record(
    {
      audit: [
        {
          actor: actorOf(actor),
          action: 'guardrail.refused',
          source: request.source,
          subjectType: request.subjectType,
          subjectId: request.subjectId,
          details: { attempted: request.attempted, needed: 'approver', role: role ?? 'none' },
        },
      ],
      messages: actor.channelId ? [buildEphemeral(actor.channelId, actor.userId, text)] : [],
    },
    ctx.clock.now(),
  );
  ctx.notifyOutbox();
  ctx.logger.info({ source: request.source, attempted: request.attempted, user: actor.userId }, 'guardrail action refused: not an approver');
  return false;
}

/** The refusal text, for answers that cannot be ephemerals (modal errors). */
export function describeApproverNeeded(source: string, action: string): string {
  return describeMissingRole(escapeMrkdwn(source), 'approver', action).replace(/[*`]/g, '');
}
