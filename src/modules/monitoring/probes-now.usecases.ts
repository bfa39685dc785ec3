import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import type { Clock } from '../../shared/clock.ts';
import { createChecksModule } from '../checks/checks.module.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { createSourcesRepository } from '../sources/sources.repository.ts';
import { createDriftRepository } from './drift.repository.ts';
import type { FetchLike } from './probe-target.client.ts';
import { buildProbesDeps } from './probes-deps.usecases.ts';
import { loadProbeLibrary, planProbeRun, PROBES_DIR } from './probes.config.ts';
import { runProbes, type OpenIncident, type ProbeRunReport } from './probes.usecases.ts';

// `vigil probe`: one probe run outside the schedule, wired from the config the way the
// server wires it (the source's detectors, its grading plan, a judge when OPENAI_API_KEY is set).

export class ProbeCommandError extends Error {
  override name = 'ProbeCommandError';
}

export interface ProbeCommandContext {
  sources: SourcesFile;
  db: Db;
  clock: Clock;
  logger: Logger;
  readSecret(name: string): string | undefined;
  openaiApiKey?: string;
  openaiBaseUrl?: string;
  probesDir?: string;
  promptsDir?: string;
  fetch?: FetchLike;
  openIncident?: OpenIncident;
}

export async function runProbesNow(context: ProbeCommandContext, options: { source: string; probes?: string[] }): Promise<ProbeRunReport> {
  const source = context.sources.sources[options.source];
  if (!source) {
    const known = Object.keys(context.sources.sources);
    throw new ProbeCommandError(`unknown source "${options.source}"${known.length > 0 ? `; the config has ${known.join(', ')}` : '; the config declares no sources'}`);
  }
  if (!source.monitoring.probes) throw new ProbeCommandError(`source "${options.source}" has no monitoring.probes block (a probe target is needed)`);
  const library = await loadProbeLibrary(context.probesDir ?? PROBES_DIR);
  // The server records its sources at start; a CLI run against a fresh database must too (events reference them).
  await createSourcesRepository({ db: context.db, clock: context.clock }).upsertMany([{ name: options.source, description: source.description }]);
  const now = context.clock.now();
  const release = await createDriftRepository({ db: context.db }).findCurrentRelease(options.source, now);
  const input = planProbeRun(options.source, source, library, { release: release?.release ?? null, now, ...(options.probes ? { only: options.probes } : {}) })!;

  const checks = await createChecksModule({
    sources: { ...context.sources, sources: { [options.source]: source } },
    db: context.db,
    registry: createMetricsRegistry({ collectDefaults: false }),
    clock: context.clock,
    logger: context.logger,
    openaiApiKey: context.openaiApiKey,
    openaiBaseUrl: context.openaiBaseUrl,
    detectorWorkers: 0,
    ...(context.promptsDir ? { promptsDir: context.promptsDir } : {}),
  });
  try {
    const deps = buildProbesDeps({
      db: context.db,
      clock: context.clock,
      logger: context.logger,
      checks: checks.ingestionChecks,
      prompts: checks.prompts,
      readSecret: context.readSecret,
      openai: { apiKey: context.openaiApiKey, baseUrl: context.openaiBaseUrl },
      graderTimeoutMs: context.sources.grading.timeout_ms,
      ...(context.fetch ? { fetch: context.fetch } : {}),
      ...(context.openIncident ? { openIncident: context.openIncident } : {}),
    });
    return await runProbes(deps, input);
  } finally {
    await checks.stop();
  }
}
