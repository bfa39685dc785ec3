import { Counter, type Registry } from '../../platform/metrics.ts';

/**
 * Spans seen on /v1/traces by outcome. The events they become are also counted by the ingestion
 * metrics (vigil_events_*), like those sent to /v1/events.
 */
export function createOtlpMetrics(registry: Registry) {
  return {
    spans: new Counter({
      name: 'vigil_otlp_spans_total',
      help: 'Spans received on /v1/traces, by outcome: accepted, duplicate, rejected, or ignored (not an LLM call)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export type OtlpMetrics = ReturnType<typeof createOtlpMetrics>;
