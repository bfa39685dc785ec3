import type { Logger } from '../../platform/logger.ts';
import type { RollbackRequestsRepository } from '../releases/rollback-requests.repository.ts';
import type { GuardrailCardsRepository } from './guardrail-cards.repository.ts';
import { describeRollbackRequest, describeWebhookDelivery } from './guardrail-notes.models.ts';
import { describeDelivery } from './guardrail-webhooks.models.ts';

// The guardrail part of a review card: the "Tighten guardrail…" menu option and the notes of
// what approvers did from it. Notes are read at every render, with the current state of their
// webhook and rollback request, so any re-render (a verdict, a delivery) shows the latest.

/** A card shows at most this many guardrail notes, the most recent ones. */
export const MAX_CARD_NOTES = 4;

export interface DecoratableCard {
  notes: string[];
  canTighten?: boolean;
}

export function createCardDecorator(deps: { cards: GuardrailCardsRepository; requests: RollbackRequestsRepository }) {
  return async <C extends DecoratableCard>(item: { id: string }, card: C): Promise<C> => {
    const notes = (await deps.cards.listNotes(item.id)).slice(-MAX_CARD_NOTES);
    const webhooks = new Map((await deps.cards.findOutboxRows(notes.flatMap((note) => (note.webhookOutboxId ? [note.webhookOutboxId] : [])))).map((row) => [row.id, row]));
    const lines: string[] = [];
    for (const note of notes) {
      if (note.rollbackRequestId) {
        const request = await deps.requests.find(note.rollbackRequestId);
        if (request) lines.push(describeRollbackRequest(request));
        continue;
      }
      const webhook = note.webhookOutboxId ? webhooks.get(note.webhookOutboxId) : undefined;
      lines.push(webhook ? `${note.text} · ${describeWebhookDelivery(describeDelivery(webhook))}` : note.text);
    }
    return { ...card, canTighten: true, notes: [...card.notes, ...lines] };
  };
}

/**
 * The outbox has hooks for delivered and failed, not for each retry; this follows the webhooks
 * of card notes while they are open and refreshes their cards when an attempt fails, so a card
 * shows "retrying" during an outage. Delivered and failed come from the hooks (durable).
 */
export function createDeliveryWatcher(deps: { cards: GuardrailCardsRepository; refreshCard(itemId: string): Promise<void>; logger: Logger; intervalMs?: number }) {
  const watched = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  async function check() {
    try {
      for (const row of await deps.cards.findOutboxRows([...watched.keys()])) {
        if (row.status === 'delivered' || row.status === 'failed') {
          watched.delete(row.id);
          continue;
        }
        if (row.attempts === watched.get(row.id)) continue;
        watched.set(row.id, row.attempts);
        for (const itemId of await deps.cards.listItemsOfWebhook(row.id)) await deps.refreshCard(itemId);
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'webhook delivery watch failed');
    }
    if (watched.size === 0) stop();
  }

  /** One check at a time: a slow store must not pile up overlapping ticks of the interval. */
  function tick(): Promise<void> {
    ticking ??= check().finally(() => {
      ticking = undefined;
    });
    return ticking;
  }

  function stop() {
    clearInterval(timer);
    timer = undefined;
  }

  return {
    watch(outboxId: string) {
      if (!watched.has(outboxId)) watched.set(outboxId, 0);
      if (!timer) {
        timer = setInterval(() => void tick(), deps.intervalMs ?? 250);
        timer.unref();
      }
    },
    stop,
    tick,
  };
}

/** The outbox hook for a guardrail webhook that was delivered or failed: its cards show it now. */
export async function refreshCardsOfWebhook(deps: { cards: GuardrailCardsRepository; refreshCard(itemId: string): Promise<void> }, outboxId: string): Promise<void> {
  for (const itemId of await deps.cards.listItemsOfWebhook(outboxId)) await deps.refreshCard(itemId);
}
