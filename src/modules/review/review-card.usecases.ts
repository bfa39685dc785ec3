import type { KnownBlock } from '@slack/types';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { BoostCandidate, BoostLike } from '../monitoring/boosts.models.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { slackOrderKey } from '../outbox/outbox.models.ts';
import { outboxRef } from '../outbox/outbox-refs.models.ts';
import type { ReviewConfig } from './review.config.ts';
import type { ReviewMetrics } from './review.metrics.ts';
import type { ReviewCardModel } from './review.models.ts';
import { buildCardModel } from './review-card.models.ts';
import type { ReviewItemRow, ReviewRepository, ReviewTx } from './review.repository.ts';
import type { ReviewRoles } from './review-roles.usecases.ts';

// What every review use case shares, and the Slack writes a card makes. Each write is an
// outbox message enqueued in the caller's transaction, so the decision and the card that
// shows it commit together. A card's follow-ups name its post with a `$ref` until Slack
// has answered with the ts, and queue behind it on the channel's order key. Messages carry
// no outbox `purpose`: a purpose costs a hook commit per message, and where a card landed is
// read back from the outbox in batches instead (`recordCardOutcomes`).

/** A drift alert's sampling boost that covers an event (monitoring answers `boostFor`). */
export interface SamplingBoost extends BoostLike {
  /** The drifted metric, shown in the card's "Why you are seeing this". */
  metric: string;
}

/** What other modules plug into review; each is optional, so review runs without them. */
export interface ReviewHooks {
  /** Lets other modules add to every card rendered (the guardrail menu option and notes). */
  decorateCard?(item: ReviewItemRow, card: ReviewCardModel): Promise<ReviewCardModel> | ReviewCardModel;
  /** Whether the cards of a source offer "Escalate…" (the source has incidents configured). */
  canEscalate?(source: string): boolean;
  /**
   * The drift boost covering a candidate event at `now`, or null. The sampler asks inside its
   * transaction, once per event: keep it quick (monitoring answers from memory).
   */
  boostFor?(source: string, candidate: BoostCandidate, now: number): Promise<SamplingBoost | null> | SamplingBoost | null;
  /** A reviewer's agreement and gold-accuracy lines for a source, shown on their App Home. */
  describeReviewerStanding?(source: string, reviewerId: string): Promise<string[]> | string[];
}

export interface ReviewContext extends ReviewHooks {
  repository: ReviewRepository;
  /** The `review:` settings of each configured source. */
  sources: Readonly<Record<string, ReviewConfig>>;
  threshold(source: string, grader: string): number;
  roles: Pick<ReviewRoles, 'resolveRole' | 'listRoles'>;
  clock: Clock;
  rng: () => number;
  metrics: ReviewMetrics;
  logger: Logger;
  /** Wakes the outbox after a commit that enqueued messages. */
  notifyOutbox(): void;
  /** Share of a source's items that ask for a second reviewer (`calibration.overlap_share`); 0 when absent. */
  overlapShare?(source: string): number;
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export function readSourceConfig(ctx: Pick<ReviewContext, 'sources'>, source: string): ReviewConfig | undefined {
  return ctx.sources[source];
}

export async function renderCard(ctx: ReviewContext, tx: Pick<ReviewTx, 'loadCardSources'>, item: ReviewItemRow, showScores?: boolean): Promise<ReviewCardModel> {
  const config = ctx.sources[item.source];
  if (!config) throw new Error(`review item ${item.id}: source ${item.source} is no longer configured`);
  const sources = await tx.loadCardSources(item);
  const built = buildCardModel({ item, ...sources }, { config, threshold: (grader) => ctx.threshold(item.source, grader), showScores });
  const card = ctx.canEscalate?.(item.source) ? { ...built, canEscalate: true } : built;
  return ctx.decorateCard ? await ctx.decorateCard(item, card) : card;
}

// Cards carry untrusted text: never let Slack link names or unfurl what the output points at.
const SAFE_POST = { link_names: false, unfurl_links: false, unfurl_media: false } as const;

export async function enqueueCardPost(tx: ReviewTx, item: ReviewItemRow, message: SlackMessage, now: number): Promise<string> {
  const post = await enqueueOutboxMessage(
    tx.executor,
    {
      kind: 'slack',
      method: 'chat.postMessage',
      payload: { channel: item.channel, ...message, ...SAFE_POST },
      orderKey: slackOrderKey(item.channel),
      dedupeKey: `review.card:${item.id}`,
    },
    now,
  );
  return post.id;
}

/** Where the card is: known once Slack answered, else a placeholder resolved when the post is delivered. */
function locateCard(item: ReviewItemRow): { channel: unknown; ts: unknown } {
  if (item.cardChannel && item.cardTs) return { channel: item.cardChannel, ts: item.cardTs };
  if (!item.cardOutboxId) throw new Error(`review item ${item.id} has no card yet`);
  return { channel: outboxRef(item.cardOutboxId, 'channel'), ts: outboxRef(item.cardOutboxId, 'ts') };
}

export async function enqueueCardUpdate(tx: ReviewTx, item: ReviewItemRow, message: SlackMessage, now: number): Promise<void> {
  const { channel, ts } = locateCard(item);
  await enqueueOutboxMessage(
    tx.executor,
    { kind: 'slack', method: 'chat.update', payload: { channel, ts, ...message, link_names: false }, orderKey: slackOrderKey(item.channel) },
    now,
  );
}

export async function enqueueThreadReply(tx: ReviewTx, item: ReviewItemRow, message: SlackMessage, now: number, dedupeKey: string): Promise<void> {
  const { channel, ts } = locateCard(item);
  await enqueueOutboxMessage(
    tx.executor,
    { kind: 'slack', method: 'chat.postMessage', payload: { channel, thread_ts: ts, ...message, ...SAFE_POST }, orderKey: slackOrderKey(item.channel), dedupeKey },
    now,
  );
}

/** Ephemerals queue per user, not behind the channel's cards: they answer a click. */
export async function enqueueEphemeral(tx: ReviewTx, target: { channel: string; user: string }, message: SlackMessage, now: number): Promise<void> {
  await enqueueOutboxMessage(
    tx.executor,
    { kind: 'slack', method: 'chat.postEphemeral', payload: { ...target, ...message }, orderKey: `slack:user:${target.user}` },
    now,
  );
}
