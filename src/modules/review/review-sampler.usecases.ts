import { resolveRequiredVerdicts } from '../calibration/agreement-gold.models.ts';
import { decideSampling, resolveReviewersPerItem, type SamplingContext } from '../sampling/sampling.models.ts';
import { routeItem } from '../sampling/routing.models.ts';
import { resolveDefaultChannel } from './review.config.ts';
import type { ReviewContext } from './review-card.usecases.ts';
import type { ReviewItemRow, ReviewTx } from './review.repository.ts';
import { buildBoostCandidate, buildSamplingCandidate, listEventFlags, type PendingEvent } from './review-sampling.models.ts';

// The sampler works from database state only: events whose checks are complete and whose
// review is pending. Deciding, creating the items and marking the events done commit in one
// transaction, so a crash or a second process never samples an event twice (and the unique
// (event, channel) index would refuse a second item anyway).

export const SAMPLER_BATCH = 200;

export interface SamplerResult {
  processed: number;
  created: ReviewItemRow[];
}

export async function sampleBatch(ctx: ReviewContext, limit = SAMPLER_BATCH): Promise<SamplerResult> {
  if (!(await ctx.repository.hasPendingEvents())) return { processed: 0, created: [] };
  const now = ctx.clock.now();
  const result = await ctx.repository.transaction((tx) => sampleWithin(ctx, tx, now, limit));
  countSampled(ctx, result);
  return result;
}

/** The sampler's work inside a caller's transaction (the review loop runs it with dispatch, in one commit). */
export async function sampleWithin(ctx: ReviewContext, tx: ReviewTx, now: number, limit = SAMPLER_BATCH): Promise<SamplerResult> {
  const events = await tx.listPendingEvents(limit);
  if (events.length === 0) return { processed: 0, created: [] };
  const scores = new Map<number, { grader: string; score: number }[]>();
  for (const row of await tx.listGraderScores(events.map((event) => event.seq))) scores.set(row.eventSeq, [...(scores.get(row.eventSeq) ?? []), row]);
  const created: ReviewItemRow[] = [];
  // One event after another: each sees the items and first sightings the previous ones recorded.
  for (const event of events) created.push(...(await sampleEvent(ctx, tx, event, scores.get(event.seq) ?? [], now)));
  await tx.markEventsDone(events.map((event) => event.seq));
  return { processed: events.length, created };
}

/** Counted after the commit, so a rolled-back batch is not counted. */
export function countSampled(ctx: ReviewContext, result: SamplerResult): void {
  for (const item of result.created) ctx.metrics.created.inc({ source: item.source, priority: item.priority });
}

async function sampleEvent(ctx: ReviewContext, tx: ReviewTx, event: PendingEvent, scores: { grader: string; score: number }[], now: number): Promise<ReviewItemRow[]> {
  const config = ctx.sources[event.source];
  const defaultChannel = config ? resolveDefaultChannel(config) : null;
  if (!config || defaultChannel === null) {
    ctx.metrics.sampled.inc({ source: event.source, outcome: 'unrouted' });
    return [];
  }
  const candidate = buildSamplingCandidate(event, scores, (grader) => ctx.threshold(event.source, grader));
  const last = await tx.findLastItemByOutput(event.source, candidate.outputHash);
  const boost = (await ctx.boostFor?.(event.source, buildBoostCandidate(event, candidate), now)) ?? null;
  const context: SamplingContext = {
    now,
    ...(event.release !== null ? { releaseFirstSeenAt: await tx.readAndRecordFirstSeen(event.source, 'release', event.release, event.occurredAt) } : {}),
    ...(event.modelVersion !== null
      ? { modelVersionFirstSeenAt: await tx.readAndRecordFirstSeen(event.source, 'model_version', event.modelVersion, event.occurredAt) }
      : {}),
    ...(last ? { lastSeenOutputAt: last.createdAt, lastQueuedEventId: last.eventId } : {}),
    ...(boost ? { driftBoost: { metric: boost.metric, rate: boost.rate } } : {}),
  };
  const decision = decideSampling(candidate, config.sampling, context, ctx.rng);
  if (decision.dedupedOf && last) {
    await tx.attachDuplicate(event.seq, last.eventSeq, decision.inclusionProbability, now);
    ctx.metrics.sampled.inc({ source: event.source, outcome: 'deduped' });
    return [];
  }
  if (!decision.picked) {
    ctx.metrics.sampled.inc({ source: event.source, outcome: 'skipped' });
    return [];
  }
  ctx.metrics.sampled.inc({ source: event.source, outcome: 'picked' });
  const channels = routeItem({ reasons: decision.reasons, flags: listEventFlags(event) }, config.sampling.routes, defaultChannel);
  // Overlap is drawn once per event, so its items in every channel ask for the same reviewers.
  const base = resolveReviewersPerItem(config.sampling.reviewers_per_item, decision.priority);
  const requiredVerdicts = resolveRequiredVerdicts(base, ctx.overlapShare?.(event.source) ?? 0, ctx.rng);
  const created: ReviewItemRow[] = [];
  for (const channel of channels) {
    const item = await tx.insertItem({
      eventSeq: event.seq,
      eventId: event.id,
      source: event.source,
      channel,
      state: 'queued',
      priority: decision.priority,
      reasons: decision.reasons,
      inclusionProbability: decision.inclusionProbability,
      outputHash: candidate.outputHash,
      requiredVerdicts,
      createdAt: now,
      updatedAt: now,
    });
    if (item) created.push(item);
  }
  return created;
}
