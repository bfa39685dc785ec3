import type { Logger } from '../../platform/logger.ts';
import type { OutboxMetrics } from './outbox.metrics.ts';
import type { OutboxRepository } from './outbox.repository.ts';
import type { OutboxRow } from './outbox.table.ts';

// Lets the module that queued a message react to its outcome (store a card's
// {channel, ts}, show a webhook's status, report a permanent error once). Hooks are
// at-least-once: a row is marked hooked after its handlers ran, and a row finished by
// a process that died before that is hooked by a later sweep. Handlers must be idempotent.

export interface OutboxDeliveryError {
  code: string;
  message: string;
}

export type DeliveredHandler = (row: OutboxRow, response: Record<string, unknown>) => void | Promise<void>;
export type FailedHandler = (row: OutboxRow, error: OutboxDeliveryError) => void | Promise<void>;

/** `lastError` is stored as `code: detail`; the code is what handlers switch on. */
export function readDeliveryError(row: Pick<OutboxRow, 'lastError'>): OutboxDeliveryError {
  const message = row.lastError ?? 'unknown_error';
  return { code: message.split(':', 1)[0]!.trim(), message };
}

export function createOutboxHooks(deps: { repository: OutboxRepository; logger: Logger; metrics: OutboxMetrics }) {
  const delivered = new Map<string, DeliveredHandler[]>();
  const failed = new Map<string, FailedHandler[]>();
  const running = new Set<string>();

  async function runOne(purpose: string, outcome: 'delivered' | 'failed', call: () => void | Promise<void>, row: OutboxRow) {
    try {
      await call();
    } catch (error) {
      deps.metrics.hookErrors.inc({ purpose, outcome });
      deps.logger.error({ err: error, outboxId: row.id, purpose, purposeRef: row.purposeRef, outcome }, 'outbox hook failed');
    }
  }

  return {
    onDelivered(purpose: string, handler: DeliveredHandler) {
      delivered.set(purpose, [...(delivered.get(purpose) ?? []), handler]);
    },
    onFailed(purpose: string, handler: FailedHandler) {
      failed.set(purpose, [...(failed.get(purpose) ?? []), handler]);
    },

    /** Runs the handlers of a finished row once in this process, then marks it hooked. */
    async run(row: OutboxRow) {
      const purpose = row.purpose;
      if (purpose === null || running.has(row.id)) return;
      running.add(row.id);
      try {
        if (row.status === 'delivered') {
          for (const handler of delivered.get(purpose) ?? []) await runOne(purpose, 'delivered', () => handler(row, row.response ?? {}), row);
        } else if (row.status === 'failed') {
          const error = readDeliveryError(row);
          for (const handler of failed.get(purpose) ?? []) await runOne(purpose, 'failed', () => handler(row, error), row);
        }
        await deps.repository.markHooked(row.id);
      } finally {
        running.delete(row.id);
      }
    },
  };
}

export type OutboxHooks = ReturnType<typeof createOutboxHooks>;
