import { appendAuditEntry } from '../audit/audit.repository.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { readDeliveryError } from '../outbox/outbox-hooks.worker.ts';
import { BUDGET_WINDOW_MS, planDispatch, resolveHourlyBudget } from '../sampling/budget.models.ts';
import { escapeMrkdwn, formatInlineCode } from '../../shared/mrkdwn.ts';
import { buildReviewCardMessage } from './review.blocks.ts';
import { enqueueCardPost, renderCard, type ReviewContext } from './review-card.usecases.ts';
import type { ReviewItemRow, ReviewTx } from './review.repository.ts';

// Sends queued items as cards within each channel's hourly budget, most severe first, and
// expires what waited past its TTL (audited and counted: an item is never dropped silently).
// Sending is enqueueing the card in the outbox in the same transaction that marks the item.

const HOUR_MS = 3_600_000;
/** Cards per transaction, so one tick never holds the write lock for long. */
export const DISPATCH_BATCH = 100;

export interface DispatchResult {
  sent: number;
  expired: ReviewItemRow[];
  /** When the budget next lets a waiting card go; null when nothing waits. */
  nextSlotAt: number | null;
  /** More cards are due now than one batch sends. */
  more: boolean;
}

/**
 * With `send: false` (Slack is off) nothing is sent, so cards do not pile up in the outbox for
 * days; items wait in the queue and expire at their TTL as usual, visible in the API.
 */
export async function dispatchQueuedItems(ctx: ReviewContext, options: { send: boolean } = { send: true }): Promise<DispatchResult> {
  if (!(await ctx.repository.hasQueuedItems())) return { sent: 0, expired: [], nextSlotAt: null, more: false };
  const now = ctx.clock.now();
  const result = await ctx.repository.transaction((tx) => dispatchWithin(ctx, tx, now, options));
  countDispatched(ctx, result);
  return result;
}

/** The dispatcher's work inside a caller's transaction. */
export async function dispatchWithin(ctx: ReviewContext, tx: ReviewTx, now: number, options: { send: boolean }): Promise<DispatchResult> {
  const outcome: DispatchResult = { sent: 0, expired: [], nextSlotAt: null, more: false };
  for (const { source, channel } of await tx.listQueuedChannels()) {
    const config = ctx.sources[source];
    if (!config) continue;
    const plan = planDispatch({
      pending: await tx.listQueued(source, channel),
      sentTimestamps: await tx.listDispatchTimes(channel, now - BUDGET_WINDOW_MS),
      budgetPerHour: options.send ? resolveHourlyBudget(config.sampling, channel) : 0,
      ttlMs: config.sampling.ttl_hours * HOUR_MS,
      now,
    });
    for (const item of plan.expire) outcome.expired.push(await expireItem(tx, item, now));
    const room = DISPATCH_BATCH - outcome.sent;
    for (const item of plan.send.slice(0, Math.max(0, room))) await postCard(ctx, tx, item, now);
    outcome.sent += Math.min(plan.send.length, Math.max(0, room));
    if (plan.send.length > room) outcome.more = true;
    if (plan.nextSlotAt !== null) outcome.nextSlotAt = Math.min(outcome.nextSlotAt ?? Infinity, plan.nextSlotAt);
  }
  return outcome;
}

export function countDispatched(ctx: ReviewContext, result: DispatchResult): void {
  for (const item of result.expired) ctx.metrics.expired.inc({ source: item.source });
}

async function expireItem(tx: ReviewTx, item: ReviewItemRow, now: number): Promise<ReviewItemRow> {
  await appendAuditEntry(
    tx.executor,
    {
      actor: 'system',
      action: 'review_item.expired',
      source: item.source,
      subjectType: 'review_item',
      subjectId: item.id,
      details: { channel: item.channel, priority: item.priority, waitedMs: now - item.createdAt, eventId: item.eventId },
    },
    now,
  );
  return tx.updateItem(item.id, { state: 'expired', expiredAt: now, updatedAt: now });
}

async function postCard(ctx: ReviewContext, tx: ReviewTx, item: ReviewItemRow, now: number): Promise<void> {
  const dispatched: ReviewItemRow = { ...item, state: 'in_review', dispatchedAt: now, updatedAt: now };
  const outboxId = await enqueueCardPost(tx, dispatched, buildReviewCardMessage(await renderCard(ctx, tx, dispatched)), now);
  await tx.markDispatched(item.id, now, outboxId);
}

/** Reads `{channel, ts}` from Slack's answer to a card post, as the outbox kept it. */
export function readCardLocation(response: Record<string, unknown> | null): { cardChannel: string; cardTs: string } | null {
  const channel = response?.channel;
  const ts = response?.ts;
  return typeof channel === 'string' && typeof ts === 'string' ? { cardChannel: channel, cardTs: ts } : null;
}

/** Before a follow-up: persists where the card landed if Slack has answered, so it no longer depends on the outbox row. */
export async function resolveCardLocation(tx: ReviewTx, item: ReviewItemRow): Promise<ReviewItemRow> {
  if (item.cardTs || !item.cardOutboxId) return item;
  const location = readCardLocation(await tx.readCardResponse(item.cardOutboxId));
  return location ? tx.updateItem(item.id, location) : item;
}

/**
 * Records, in one transaction, what became of the cards the outbox finished: where each one
 * landed (kept on the item, so follow-ups update that message), or the permanent error Slack
 * gave (channel_not_found, not_in_channel, invalid_auth…). Errors are counted, and reported
 * once per channel and error to the source's admin channel, or logged when it has none.
 * Returns how many cards are still on their way.
 */
export async function recordCardOutcomes(ctx: ReviewContext): Promise<{ posted: number; failed: number; inFlight: number }> {
  const awaiting = await ctx.repository.listCardsAwaitingOutcome(1000);
  const settled = awaiting.filter(({ outbox }) => outbox?.status !== 'pending' && outbox?.status !== 'in_flight');
  if (settled.length === 0) return { posted: 0, failed: 0, inFlight: awaiting.length };
  const now = ctx.clock.now();
  const outcome = await ctx.repository.transaction(async (tx) => {
    const failed: { item: ReviewItemRow; code: string; reported: boolean }[] = [];
    let posted = 0;
    let inFlight = 0;
    for (const { item, outbox } of await tx.listCardsAwaitingOutcome(1000)) {
      if (outbox && outbox.status !== 'delivered' && outbox.status !== 'failed') {
        inFlight += 1;
        continue;
      }
      const location = outbox?.status === 'delivered' ? readCardLocation(outbox.response) : null;
      if (location) {
        await tx.updateItem(item.id, location);
        posted += 1;
        continue;
      }
      // A pruned outbox row is a card nobody will ever see: report it like a refusal.
      const code = !outbox ? 'outbox_message_missing' : outbox.status === 'delivered' ? 'no_ts_in_response' : readDeliveryError(outbox).code;
      const refused = await tx.updateItem(item.id, { cardError: code, updatedAt: now });
      failed.push({ item: refused, code, reported: await reportCardError(tx, ctx, refused, code, now) });
    }
    return { posted, failed, inFlight };
  });
  for (const { item, code, reported } of outcome.failed) {
    ctx.metrics.cardErrors.inc({ source: item.source, code });
    if (!reported) ctx.logger.error({ itemId: item.id, source: item.source, channel: item.channel, code }, 'review card refused by Slack; no admin_channel to report to');
  }
  if (outcome.failed.some((failure) => failure.reported)) ctx.notifyOutbox();
  return { posted: outcome.posted, failed: outcome.failed.length, inFlight: outcome.inFlight };
}

async function reportCardError(tx: ReviewTx, ctx: ReviewContext, item: ReviewItemRow, code: string, now: number): Promise<boolean> {
  const admin = ctx.sources[item.source]?.admin_channel;
  if (!admin) return false;
  const text = `:rotating_light: Vigil cannot post review cards of *${escapeMrkdwn(item.source)}* to ${formatInlineCode(item.channel)}: Slack says ${formatInlineCode(code)}. Their items are listed by \`GET /v1/items\` with \`card_error\`.`;
  await enqueueOutboxMessage(tx.executor, { kind: 'slack', method: 'chat.postMessage', payload: { channel: admin, text }, dedupeKey: `review.card_error:${item.source}:${item.channel}:${code}` }, now);
  return true;
}
