import { renderCard, type ReviewContext } from './review-card.usecases.ts';
import { resolveCardLocation } from './review-dispatch.usecases.ts';
import type { ReviewCardModel } from './review.models.ts';

// A review item as evidence for another module (an incident's channel): the card as
// reviewers see it (redacted, scores shown: the incident channel is not a blind review)
// and where that card is in Slack, or null while it has not been posted.

export interface ItemEvidence {
  source: string;
  card: ReviewCardModel;
  channel: string | null;
  ts: string | null;
}

export function loadItemEvidence(ctx: ReviewContext, itemId: string): Promise<ItemEvidence | null> {
  return ctx.repository.transaction(async (tx) => {
    const found = await tx.findItem(itemId);
    if (!found) return null;
    const item = await resolveCardLocation(tx, found);
    return { source: item.source, card: await renderCard(ctx, tx, item, true), channel: item.cardChannel, ts: item.cardTs };
  });
}
