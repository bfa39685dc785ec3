import { Counter, Gauge, Histogram, type Registry } from '../../platform/metrics.ts';
import type { Clock } from '../../shared/clock.ts';
import { OUTBOX_KINDS } from './outbox.models.ts';
import type { OutboxRepository } from './outbox.repository.ts';

// The queue gauges are read from the database at scrape time, so they are right for
// every process sharing the file and cost nothing between scrapes.
export function createOutboxMetrics(registry: Registry, deps: { repository: Pick<OutboxRepository, 'readQueueStats'>; clock: Clock }) {
  const labelNames = ['kind', 'method'] as const;
  const readStats = () => deps.repository.readQueueStats();
  return {
    delivered: new Counter({ name: 'vigil_outbox_delivered_total', help: 'Outbox messages delivered', labelNames, registers: [registry] }),
    retried: new Counter({
      name: 'vigil_outbox_retried_total',
      help: 'Outbox sends that failed and were rescheduled, by reason (rate_limited, retryable, ref_pending)',
      labelNames: [...labelNames, 'reason'] as const,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'vigil_outbox_failed_total',
      help: 'Outbox messages failed for good, by error code',
      labelNames: [...labelNames, 'code'] as const,
      registers: [registry],
    }),
    hookErrors: new Counter({
      name: 'vigil_outbox_hook_errors_total',
      help: 'onDelivered/onFailed handlers that threw',
      labelNames: ['purpose', 'outcome'] as const,
      registers: [registry],
    }),
    sendDuration: new Histogram({
      name: 'vigil_outbox_send_duration_seconds',
      help: 'Time of one send attempt, by kind and method',
      labelNames,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'vigil_outbox_queue_depth',
      help: 'Outbox messages not yet delivered or failed (pending or in flight), by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
      async collect() {
        const stats = await readStats();
        for (const kind of OUTBOX_KINDS) this.set({ kind }, stats.find((s) => s.kind === kind)?.open ?? 0);
      },
    }),
    oldestAge: new Gauge({
      name: 'vigil_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest undelivered outbox message, by kind (0 when none)',
      labelNames: ['kind'] as const,
      registers: [registry],
      async collect() {
        const stats = await readStats();
        const now = deps.clock.now();
        for (const kind of OUTBOX_KINDS) {
          const oldest = stats.find((s) => s.kind === kind)?.oldestCreatedAt;
          this.set({ kind }, oldest === null || oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000));
        }
      },
    }),
  };
}

export type OutboxMetrics = ReturnType<typeof createOutboxMetrics>;
