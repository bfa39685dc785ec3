import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { buildReviewCardMessage } from './review.blocks.ts';
import { renderCard } from './review-card.usecases.ts';
import type { ReviewCardModel } from './review.models.ts';
import { reviewItemsTable } from './review.table.ts';
import { sampleBatch } from './review-sampler.usecases.ts';
import { createTestReviewContext, insertEvent, parseReviewConfig, seedSource } from './review-context.test-utils.ts';

describe('renderCard', () => {
  let database: TestDb;
  beforeEach(() => {
    database = createTestDb((db) => {
      seedSource(db);
      seedSource(db, 'sales-bot');
    });
    insertEvent(database);
    insertEvent(database, { source: 'sales-bot' });
  });
  afterEach(() => database.close());

  const sources = { 'support-bot': parseReviewConfig(), 'sales-bot': parseReviewConfig() };
  const itemOf = (source: string) => database.db.select().from(reviewItemsTable).all().find((item) => item.source === source)!;

  it('offers Escalate on the cards of sources that have incidents, and only there', () => {
    const ctx = createTestReviewContext(database, { sources, hooks: { canEscalate: (source) => source === 'support-bot' } });
    sampleBatch(ctx);
    expect(renderCard(ctx, ctx.repository, itemOf('support-bot')).canEscalate).toBe(true);
    expect(renderCard(ctx, ctx.repository, itemOf('sales-bot')).canEscalate).toBeUndefined();
    const menu = JSON.stringify(buildReviewCardMessage(renderCard(ctx, ctx.repository, itemOf('support-bot'))).blocks);
    expect(menu).toContain(`"value":"escalate|${itemOf('support-bot').id}"`);
  });

  it('never offers Escalate without the hook', () => {
    const ctx = createTestReviewContext(database, { sources });
    sampleBatch(ctx);
    expect(renderCard(ctx, ctx.repository, itemOf('support-bot')).canEscalate).toBeUndefined();
  });

  it('sets Escalate before other modules decorate the card, so they see it', () => {
    const seen: ReviewCardModel[] = [];
    const decorateCard = (_item: unknown, card: ReviewCardModel) => {
      seen.push(card);
      return { ...card, canTighten: true };
    };
    const ctx = createTestReviewContext(database, { sources, hooks: { canEscalate: () => true, decorateCard } });
    sampleBatch(ctx);
    expect(renderCard(ctx, ctx.repository, itemOf('sales-bot'))).toMatchObject({ canEscalate: true, canTighten: true });
    expect(seen[0]!.canEscalate).toBe(true);
  });
});
