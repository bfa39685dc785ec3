import type { Clock } from '../../shared/clock.ts';
import type { ReviewRepository } from '../review/review.repository.ts';
import { countGoldToAdd, selectGoldItems } from './agreement-gold.models.ts';
import { buildAgreementReport, type AgreementReport } from './agreement-report.models.ts';
import type { AgreementRepository } from './agreement.repository.ts';

// Reviewer agreement of a source, and the gold items that measure each reviewer against a
// known answer. Gold items are queued like any item (blind: the card looks like the original
// and names no answer); their verdicts never count as calibration labels.

const DAY_MS = 86_400_000;
/** A past item serves as gold only once it is this old, so its reviewers are unlikely to remember it. */
export const GOLD_MIN_AGE_MS = 7 * DAY_MS;
/** Gold items waiting for a verdict, at most: a stalled queue must not fill up with tests. */
export const MAX_OPEN_GOLD = 10;

export interface AgreementContext {
  repository: AgreementRepository;
  clock: Clock;
}

export async function computeReviewerAgreement(ctx: AgreementContext, request: { source: string; days?: number; minPairItems?: number }): Promise<AgreementReport & { source: string; since: string }> {
  const since = ctx.clock.now() - (request.days ?? 90) * DAY_MS;
  const report = buildAgreementReport(await ctx.repository.listVerdicts(request.source, since), await ctx.repository.listGoldAnswers(request.source, since), { minPairItems: request.minPairItems });
  return { source: request.source, since: new Date(since).toISOString(), ...report };
}

export interface GoldMixContext extends AgreementContext {
  /** The review module's repository: gold items are inserted as ordinary queued items. */
  review: Pick<ReviewRepository, 'transaction'>;
  rng: () => number;
}

/**
 * Adds gold items for the real items created in the last `windowMs`, so that about
 * `goldShare` of all items are gold. Each is a copy of a settled past item in the channel the
 * original went to, needing one verdict; its priority is at most `warn` (a test never pages).
 */
export async function mixGoldItems(ctx: GoldMixContext, request: { source: string; goldShare: number; windowMs: number }): Promise<string[]> {
  const now = ctx.clock.now();
  const wanted = countGoldToAdd(await ctx.repository.countRealItems(request.source, now - request.windowMs), request.goldShare, ctx.rng);
  const room = Math.max(0, MAX_OPEN_GOLD - (await ctx.repository.countOpenGold(request.source)));
  const count = Math.min(wanted, room);
  if (count === 0) return [];
  const picked = selectGoldItems(await ctx.repository.listGoldCandidates(request.source, now - GOLD_MIN_AGE_MS), count, ctx.rng);
  if (picked.length === 0) return [];
  return ctx.review.transaction(async (tx) => {
    const created: string[] = [];
    for (const origin of picked) {
      const event = await ctx.repository.copyEventAsGold(tx.executor, origin.eventSeq, `gold-${origin.itemId}-${origin.timesUsed + 1}`, now);
      const item = await tx.insertItem({
        eventSeq: event.seq,
        eventId: event.id,
        source: request.source,
        channel: origin.channel,
        state: 'queued',
        priority: origin.priority === 'critical' ? 'warn' : origin.priority,
        reasons: origin.reasons,
        inclusionProbability: 1,
        // Its own hash: identical live outputs must never be attached to a gold item.
        outputHash: `gold:${origin.outputHash}`,
        requiredVerdicts: 1,
        createdAt: now,
        updatedAt: now,
      });
      if (!item) continue;
      await ctx.repository.insertGoldItem(tx.executor, { itemId: item.id, source: request.source, originItemId: origin.itemId, expectedOutcome: origin.outcome, createdAt: now });
      created.push(item.id);
    }
    return created;
  });
}
