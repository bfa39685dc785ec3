import { Counter, type Registry } from '../../platform/metrics.ts';

export function createIngestionMetrics(registry: Registry) {
  const labelNames = ['source'] as const;
  return {
    accepted: new Counter({ name: 'vigil_events_accepted_total', help: 'Events stored', labelNames, registers: [registry] }),
    duplicate: new Counter({ name: 'vigil_events_duplicate_total', help: 'Events skipped as already stored', labelNames, registers: [registry] }),
    rejected: new Counter({
      name: 'vigil_events_rejected_total',
      help: 'Events in rejected batches (source "unknown" when the batch could not be read)',
      labelNames,
      registers: [registry],
    }),
    flags: new Counter({
      name: 'vigil_flags_total',
      help: 'Flags raised, by source, check and severity',
      labelNames: ['source', 'check', 'severity'] as const,
      registers: [registry],
    }),
  };
}

export type IngestionMetrics = ReturnType<typeof createIngestionMetrics>;
