import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, type Registry };

// One registry per app instance (not prom-client's global one), so tests can run
// several apps in one process; each module registers its own metrics on it.
export function createMetricsRegistry(options: { collectDefaults: boolean }): Registry {
  const registry = new Registry();
  if (options.collectDefaults) collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  return registry;
}

export function createHttpMetrics(registry: Registry) {
  return {
    requestDuration: new Histogram({
      name: 'vigil_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
