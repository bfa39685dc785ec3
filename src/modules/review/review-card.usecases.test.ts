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
  beforeEach(async () => {
    database = await createTestDb(async (db) => {
      await seedSource(db);
      await seedSource(db, 'sales-bot');
    });
    await insertEvent(database);
    await insertEvent(database, { source: 'sales-bot' });
  });
  afterEach(() => database.close());

  const sources = { 'support-bot': parseReviewConfig(), 'sales-bot': parseReviewConfig() };
  const itemOf = async (source: string) => (await database.db.select().from(reviewItemsTable)).find((item) => item.source === source)!;

  it('offers Escalate on the cards of sources that have incidents, and only there', async () => {
    const ctx = createTestReviewContext(database, { sources, hooks: { canEscalate: (source) => source === 'support-bot' } });
    await sampleBatch(ctx);
    expect((await renderCard(ctx, ctx.repository, await itemOf('support-bot'))).canEscalate).toBe(true);
    expect((await renderCard(ctx, ctx.repository, await itemOf('sales-bot'))).canEscalate).toBeUndefined();
    const menu = JSON.stringify(buildReviewCardMessage(await renderCard(ctx, ctx.repository, await itemOf('support-bot'))).blocks);
    expect(menu).toContain(`"value":"escalate|${(await itemOf('support-bot')).id}"`);
  });

  it('never offers Escalate without the hook', async () => {
    const ctx = createTestReviewContext(database, { sources });
    await sampleBatch(ctx);
    expect((await renderCard(ctx, ctx.repository, await itemOf('support-bot'))).canEscalate).toBeUndefined();
  });

  it('sets Escalate before other modules decorate the card, so they see it', async () => {
    const seen: ReviewCardModel[] = [];
    const decorateCard = (_item: unknown, card: ReviewCardModel) => {
      seen.push(card);
      return { ...card, canTighten: true };
    };
    const ctx = createTestReviewContext(database, { sources, hooks: { canEscalate: () => true, decorateCard } });
    await sampleBatch(ctx);
    expect(await renderCard(ctx, ctx.repository, await itemOf('sales-bot'))).toMatchObject({ canEscalate: true, canTighten: true });
    expect(seen[0]!.canEscalate).toBe(true);
  });
});
