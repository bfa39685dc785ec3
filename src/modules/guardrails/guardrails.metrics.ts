import { Counter, Gauge, type Registry } from '../../platform/metrics.ts';
import type { LiveGuardrails } from './guardrails-live.usecases.ts';

export function createGuardrailMetrics(registry: Registry, live: LiveGuardrails, sources: readonly string[]) {
  new Gauge({
    name: 'vigil_guardrail_version',
    help: 'Guardrail version live in this process, per source',
    labelNames: ['source'] as const,
    registers: [registry],
    collect() {
      for (const source of sources) {
        const version = live.get(source)?.version.version;
        if (version !== undefined) this.set({ source }, version);
      }
    },
  });
  return {
    checks: new Counter({
      name: 'vigil_guardrail_checks_total',
      help: 'POST /v1/check answers by source and action',
      labelNames: ['source', 'action'] as const,
      registers: [registry],
    }),
  };
}
