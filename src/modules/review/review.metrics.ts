import { Counter, Gauge, type Registry } from '../../platform/metrics.ts';

// Counters move as things happen; the queue gauge is read from the database at scrape
// time, so it is right for every process sharing the file.
export function createReviewMetrics(registry: Registry, readQueue: () => Promise<{ source: string; state: string; n: number }[]>) {
  const registers = [registry];
  return {
    sampled: new Counter({
      name: 'vigil_review_sampled_total',
      help: 'Events the sampler decided on, by outcome (picked, deduped, skipped, unrouted)',
      labelNames: ['source', 'outcome'] as const,
      registers,
    }),
    created: new Counter({ name: 'vigil_review_items_created_total', help: 'Review items created, by source and priority', labelNames: ['source', 'priority'] as const, registers }),
    expired: new Counter({ name: 'vigil_review_items_expired_total', help: 'Review items that waited past their TTL without a card', labelNames: ['source'] as const, registers }),
    final: new Counter({ name: 'vigil_review_items_final_total', help: 'Review items decided, by outcome and mode', labelNames: ['source', 'outcome', 'mode'] as const, registers }),
    verdicts: new Counter({ name: 'vigil_review_verdicts_total', help: 'Verdicts given or changed, by decision', labelNames: ['source', 'decision'] as const, registers }),
    refused: new Counter({ name: 'vigil_review_refused_total', help: 'Clicks refused because the user lacks the role', labelNames: ['source', 'role'] as const, registers }),
    reminders: new Counter({ name: 'vigil_review_sla_reminders_total', help: 'SLA reminders posted in card threads', labelNames: ['source', 'priority'] as const, registers }),
    cardErrors: new Counter({ name: 'vigil_review_card_errors_total', help: 'Cards Slack refused for good, by error code', labelNames: ['source', 'code'] as const, registers }),
    queue: new Gauge({
      name: 'vigil_review_queue_size',
      help: 'Review items by source and state (queued: waiting for budget; in_review and needs_adjudication: on a card)',
      labelNames: ['source', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await readQueue()) this.set({ source: row.source, state: row.state }, row.n);
      },
    }),
  };
}

export type ReviewMetrics = ReturnType<typeof createReviewMetrics>;
