import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { buildCardUrl } from './review-api.models.ts';
import { buildAppHomeView, type AppHomeModel } from './app-home.blocks.ts';
import type { ReviewContext } from './review-card.usecases.ts';
import type { ReviewQueriesRepository } from './review-queries.repository.ts';
import { describeItemHeadline, listEventFlags } from './review-copy.models.ts';

// Builds a user's App Home from the database and publishes it through the outbox (one
// order key per user, so two quick opens publish in order and the last view wins).

const WEEK_MS = 7 * 24 * 3_600_000;
const MAX_RECENT = 10;

export async function loadAppHome(ctx: ReviewContext, queries: ReviewQueriesRepository, userId: string): Promise<AppHomeModel> {
  const now = ctx.clock.now();
  const roles = await ctx.roles.listRoles(userId);
  const sources = roles.map((r) => r.source);
  const pending = await queries.listAwaitingReviewer(userId, sources, 21);
  const verdicts = await queries.listReviewerVerdictsSince(userId, now - WEEK_MS, 500);
  const counts = await queries.countByState(sources.length > 0 ? sources : 'all');
  const expired = await queries.countExpiredSince(sources.length > 0 ? sources : 'all', now - WEEK_MS);
  const queueSources = [...new Set([...counts.map((c) => c.source), ...expired.map((e) => e.source)])].sort();
  const count = (source: string, state: string) => counts.find((c) => c.source === source && c.state === state)?.n ?? 0;
  const describeStanding = ctx.describeReviewerStanding;
  const standing = describeStanding
    ? await Promise.all([...new Set(sources)].sort().map(async (source) => ({ source, lines: await describeStanding(source, userId) })))
    : undefined;
  return {
    roles,
    pending: pending.map((item) => ({
      itemId: item.id,
      source: item.source,
      priority: item.priority,
      headline: describeItemHeadline(item.source, listEventFlags(item), item.reasons),
      sentAt: item.dispatchedAt,
      adjudication: item.state === 'needs_adjudication',
      cardUrl: item.cardChannel && item.cardTs ? buildCardUrl(item.cardChannel, item.cardTs) : null,
    })),
    verdicts: {
      approved: verdicts.filter((v) => v.decision === 'approve').length,
      rejected: verdicts.filter((v) => v.decision === 'reject').length,
      recent: verdicts.slice(0, MAX_RECENT).map((v) => ({
        itemId: v.itemId, source: v.source, headline: describeItemHeadline(v.source, listEventFlags(v), v.reasons), decision: v.decision ?? '', at: v.updatedAt,
      })),
    },
    queues: queueSources.map((source) => ({
      source,
      queued: count(source, 'queued'),
      inReview: count(source, 'in_review'),
      needsAdjudication: count(source, 'needs_adjudication'),
      expiredThisWeek: expired.find((e) => e.source === source)?.n ?? 0,
    })),
    ...(standing ? { standing } : {}),
  };
}

export async function publishAppHome(ctx: ReviewContext, queries: ReviewQueriesRepository, userId: string): Promise<void> {
  const view = buildAppHomeView(await loadAppHome(ctx, queries, userId));
  const now = ctx.clock.now();
  await ctx.repository.transaction((tx) =>
    enqueueOutboxMessage(tx.executor, { kind: 'slack', method: 'views.publish', payload: { user_id: userId, view } }, now),
  );
  ctx.notifyOutbox();
}
