import { Counter, Gauge, type Registry } from '../../platform/metrics.ts';
import type { Flag } from './checks.models.ts';

export const GRADER_HEALTH_CODES = { off: 0, ok: 1, degraded: 2, open: 3 } as const;

/** `readHealth` is read at every scrape, so the gauge is current even if nobody calls /healthz. */
export function createGradingMetrics(registry: Registry, readHealth: () => keyof typeof GRADER_HEALTH_CODES = () => 'off') {
  const registers = [registry];
  const tokens = new Counter({ name: 'vigil_grader_tokens_total', help: 'Tokens used by grader calls', labelNames: ['grader', 'model', 'kind'] as const, registers });
  const cost = new Counter({ name: 'vigil_grader_cost_usd_total', help: 'Estimated cost of grader calls in USD', labelNames: ['grader', 'model'] as const, registers });
  return {
    calls: new Counter({
      name: 'vigil_grader_calls_total',
      help: 'Grader jobs by outcome (ok, cached, hijacked, retried, failed, skipped)',
      labelNames: ['grader', 'outcome'] as const,
      registers,
    }),
    queueDepth: new Gauge({ name: 'vigil_grading_queue_depth', help: 'Grading jobs pending or in flight', registers }),
    health: new Gauge({
      name: 'vigil_grader_health',
      help: 'Grader circuit: 0 off, 1 ok, 2 degraded, 3 open',
      registers,
      collect() {
        this.set(GRADER_HEALTH_CODES[readHealth()]);
      },
    }),
    recordUsage(grader: string, model: string, usage: { promptTokens: number; completionTokens: number }, costUsd: number | null) {
      tokens.inc({ grader, model, kind: 'prompt' }, usage.promptTokens);
      tokens.inc({ grader, model, kind: 'completion' }, usage.completionTokens);
      if (costUsd !== null) cost.inc({ grader, model }, costUsd);
    },
    /**
     * Grader flags arrive after ingest, so they are added to ingestion's
     * `vigil_flags_total` series (looked up at use: ingestion registers it after this module).
     */
    countFlags(source: string, flags: readonly Flag[]) {
      const counter = registry.getSingleMetric('vigil_flags_total');
      if (!(counter instanceof Counter)) return;
      for (const flag of flags) counter.inc({ source, check: flag.check, severity: flag.severity });
    },
  };
}

export type GradingMetrics = ReturnType<typeof createGradingMetrics>;
