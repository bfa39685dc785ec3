import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { outboxTable } from '../outbox/outbox.table.ts';
import { requestRollback } from '../releases/rollback-approval.usecases.ts';
import { createCardDecorator, createDeliveryWatcher, MAX_CARD_NOTES } from './guardrails-cards.usecases.ts';
import { APPROVERS, createGuardrailSlackTestContext, SOURCE, type GuardrailSlackTestContext } from './guardrails-slack.test-utils.ts';

const ITEM = 'rev_01JBXK5M2N3P4Q5R6S7T8V9W0X';

describe('guardrail notes on review cards', () => {
  let t: GuardrailSlackTestContext;
  let webhookId: string;

  beforeEach(async () => {
    t = await createGuardrailSlackTestContext();
    const now = t.clock.now();
    webhookId = (await enqueueOutboxMessage(t.database.db, { kind: 'webhook', payload: { url: 'http://127.0.0.1:9/hook', body: {} }, orderKey: `webhook:${SOURCE}` }, now)).id;
    await t.ctx.cards.record({ notes: [{ itemId: ITEM, source: SOURCE, version: 2, actor: 'slack:U0APPR0001', text: ':shield: guardrail v2 by <@U0APPR0001>: rolled back', webhookOutboxId: webhookId, rollbackRequestId: null, createdAt: now }] }, now);
  });
  afterEach(() => t.database.close());

  const setWebhook = async (change: Partial<typeof outboxTable.$inferSelect>) => {
    await t.database.db.update(outboxTable).set(change).where(eq(outboxTable.id, webhookId));
  };
  const decorate = () => createCardDecorator(t.ctx)({ id: ITEM }, { notes: [':repeat: Seen 2×'] });

  it('adds the menu option and shows the webhook as queued, retrying with its error, then delivered', async () => {
    expect(await decorate()).toEqual({ canTighten: true, notes: [':repeat: Seen 2×', ':shield: guardrail v2 by <@U0APPR0001>: rolled back · :outbox_tray: webhook queued'] });
    await setWebhook({ attempts: 1, lastError: 'http_500: upstream down' });
    expect((await decorate()).notes[1]).toBe(':shield: guardrail v2 by <@U0APPR0001>: rolled back · :repeat: webhook retrying (attempt 1 failed: http_500: upstream down)');
    await setWebhook({ attempts: 2, status: 'delivered', deliveredAt: t.clock.now() });
    expect((await decorate()).notes[1]).toBe(':shield: guardrail v2 by <@U0APPR0001>: rolled back · :white_check_mark: webhook delivered (attempt 2)');
    await setWebhook({ status: 'failed', lastError: 'http_410: gone' });
    expect((await decorate()).notes[1]).toContain(':x: webhook failed: http_410: gone');
  });

  it('shows a rollback request in its current state, and only the most recent notes', async () => {
    await t.register('r-1');
    await t.register('r-2');
    await requestRollback(t.ctx, { userId: APPROVERS[0]! }, { source: SOURCE, itemId: ITEM, reason: 'r' });
    expect((await decorate()).notes.at(-1)).toContain('rollback to `r-1` requested by <@U0APPR0001>; a second approver must confirm by');
    const now = t.clock.now();
    for (let i = 0; i < 5; i++) await t.ctx.cards.record({ notes: [{ itemId: ITEM, source: SOURCE, version: 3 + i, actor: 'system', text: `note ${i}`, webhookOutboxId: null, rollbackRequestId: null, createdAt: now }] }, now);
    expect((await decorate()).notes.slice(1)).toEqual(['note 1', 'note 2', 'note 3', 'note 4'].slice(-MAX_CARD_NOTES));
  });

  it('refreshes the cards of a watched webhook when an attempt fails, and stops watching once it is delivered', async () => {
    const refreshed: string[] = [];
    const refreshCard = async (id: string) => {
      refreshed.push(id);
    };
    const watcher = createDeliveryWatcher({ cards: t.ctx.cards, refreshCard, logger: createLogger({ level: 'silent' }), intervalMs: 60_000 });
    watcher.watch(webhookId);
    await watcher.tick();
    expect(refreshed).toEqual([]);
    await setWebhook({ attempts: 1, lastError: 'http_500' });
    await watcher.tick();
    await watcher.tick();
    expect(refreshed).toEqual([ITEM]);
    await setWebhook({ attempts: 2, status: 'delivered' });
    await watcher.tick();
    await setWebhook({ attempts: 3, status: 'pending' });
    await watcher.tick();
    expect(refreshed).toEqual([ITEM]);
    watcher.stop();
  });
});
