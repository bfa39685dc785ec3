import { resolve } from 'node:path';
import type { Logger } from '../../platform/logger.ts';
import type { Db } from '../../platform/db.ts';
import type { Registry } from '../../platform/metrics.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import type { BatchPreparer, IngestionChecks } from '../ingestion/ingestion.usecases.ts';
import type { PlannedGrading } from '../ingestion/events.repository.ts';
import type { ChecksConfig } from './checks.config.ts';
import type { CompiledBlocklist } from './detectors/blocklist.detector.ts';
import { buildFieldViews } from './views.models.ts';
import type { Flag } from './checks.models.ts';
import { loadInjectionModel } from './detectors/injection-model-file.models.ts';
import { createInlineDetectorRunner, createWorkerDetectorRunner, type DetectorPoolOptions, type DetectorRunner } from './detectors.pool.ts';
import { createGraderOpenAI } from './graders/grader.client.ts';
import { loadGraderPrompts } from './graders/grader-prompts.config.ts';
import type { GraderPrompt } from './graders/grader-prompts.models.ts';
import { createGradingMetrics } from './grading.metrics.ts';
import { createGradingRepository, type GraderFlagPolicy } from './grading.repository.ts';
import { createGradingWorker, type GradingWorker } from './grading.worker.ts';

// Builds the checks capability from configuration: detectors (in worker threads),
// the grader prompts, and the grading queue worker when an OpenAI key is set.

export const PROMPTS_DIR = resolve(import.meta.dirname, '../../../prompts');

export class UnknownGraderError extends Error {
  override name = 'UnknownGraderError';
}

/** Graders a source runs: its `enabled` list, or every loaded prompt. Unknown names are a config error. */
export function resolveSourceGraders(sourceName: string, enabled: string[] | undefined, prompts: ReadonlyMap<string, GraderPrompt>): GraderPrompt[] {
  if (enabled === undefined) return [...prompts.values()];
  return enabled.map((name, index) => {
    const prompt = prompts.get(name);
    if (!prompt) {
      throw new UnknownGraderError(
        `sources.${sourceName}.graders.enabled[${index}]: unknown grader "${name}"; prompts/ has ${[...prompts.keys()].join(', ')}`,
      );
    }
    return prompt;
  });
}

export interface ChecksModuleOptions {
  sources: SourcesFile;
  db: Db;
  registry: Registry;
  clock: Clock;
  logger: Logger;
  openaiApiKey?: string;
  openaiBaseUrl?: string;
  /** Detector worker threads; 0 runs detectors on the main thread. */
  detectorWorkers: number;
  /** The workers' queue and heap caps (defaults: 32 MiB of waiting batches, V8's heap limit). */
  detectorPool?: Partial<Omit<DetectorPoolOptions, 'size'>>;
  rng?: () => number;
  promptsDir?: string;
  onEventsChecked?(seqs: number[]): void;
  /** An event whose grading added flags (auto-incident rules see grader flags as well as the detectors'). */
  onGraderFlags?(event: { source: string; id: string; flags: Flag[] }): void;
  /** The live guardrail's threshold of a grader (undefined: no rule), which wins over the config file. */
  thresholdOf?(source: string, grader: string): number | undefined;
  /**
   * The live guardrail's compiled blocklist (null: empty). Given, it replaces the config file's
   * at ingest too, so a phrase blocked from a card is flagged on the next stored event as well.
   */
  liveBlocklistOf?(source: string): Pick<CompiledBlocklist, 'detect'> | null | undefined;
}

export async function createChecksModule(options: ChecksModuleOptions) {
  const { sources, logger } = options;
  const rng = options.rng ?? Math.random;
  const prompts = new Map((await loadGraderPrompts(options.promptsDir ?? PROMPTS_DIR)).map((prompt) => [prompt.name, prompt]));
  const sourceGraders = new Map(
    Object.entries(sources.sources).map(([name, source]) => [name, resolveSourceGraders(name, source.graders.enabled, prompts)]),
  );
  const liveBlocklistOf = options.liveBlocklistOf;
  const checksConfigs: Record<string, ChecksConfig> = Object.fromEntries(
    Object.entries(sources.sources).map(([name, source]) => [name, liveBlocklistOf ? { ...source.checks, blocklist: { words: [], patterns: [] } } : source.checks]),
  );
  // A missing or corrupted weights file stops the start here, with one line, before any worker
  // could fail on it event after event.
  const injectionModel = loadInjectionModel();
  logger.info({ injectionModel: injectionModel.version }, 'injection model loaded');
  const detectors: DetectorRunner =
    options.detectorWorkers > 0
      ? createWorkerDetectorRunner(checksConfigs, { queueBytes: 32 * 1024 * 1024, ...options.detectorPool, size: options.detectorWorkers })
      : createInlineDetectorRunner(checksConfigs);

  const flagPolicy: GraderFlagPolicy = (source, grader) => ({
    threshold: options.thresholdOf?.(source, grader) ?? sources.sources[source]?.graders.thresholds[grader] ?? prompts.get(grader)?.threshold ?? 0.5,
  });
  const gradersOn = Boolean(options.openaiApiKey);
  if (!gradersOn) logger.warn('LLM graders are off: OPENAI_API_KEY is not set (detectors still run on every event)');

  const repository = createGradingRepository({ db: options.db });
  let worker: GradingWorker | null = null;
  const metrics = createGradingMetrics(options.registry, () => worker?.health() ?? 'off');
  if (gradersOn) {
    worker = createGradingWorker({
      repository,
      openai: createGraderOpenAI({ apiKey: options.openaiApiKey!, baseURL: options.openaiBaseUrl, timeoutMs: sources.grading.timeout_ms }),
      prompts,
      config: sources.grading,
      flagPolicy,
      clock: options.clock,
      rng,
      logger: logger.child({ ns: 'grading' }),
      metrics,
      onEventsChecked: options.onEventsChecked,
      onEventFlagged: options.onGraderFlags,
    });
  }

  function planGrading(source: string, flags: readonly Flag[]): PlannedGrading[] {
    if (!gradersOn) return [];
    const settings = sources.sources[source]?.graders;
    if (!settings) return [];
    const run =
      settings.run_on === 'all' ||
      (settings.run_on === 'flagged' && flags.length > 0) ||
      (settings.run_on === 'sample' && (flags.length > 0 || rng() < settings.sample_rate));
    if (!run) return [];
    return (sourceGraders.get(source) ?? []).map((prompt) => ({ grader: prompt.name, graderVersion: prompt.version }));
  }

  const ingestionChecks: IngestionChecks = {
    detectBatch: async (batch) => {
      const results = await detectors.detectBatch(batch);
      if (!liveBlocklistOf) return results;
      return results.map((found, index) => {
        const texts = batch[index]!;
        const blocklist = liveBlocklistOf(texts.source);
        return blocklist ? [...found, ...blocklist.detect([buildFieldViews('output', texts.output)])] : found;
      });
    },
    flagMinSeverity: (source) => sources.sources[source]?.checks.flag_min_severity ?? 'warn',
    planGrading,
  };
  const batchPreparer: BatchPreparer = {
    prepareBatch: (body, context) => detectors.prepareBatch(body, context),
    liveDetectorOf(source) {
      const blocklist = liveBlocklistOf?.(source);
      return blocklist ? (output) => blocklist.detect([buildFieldViews('output', output)]) : null;
    },
  };

  return {
    ingestionChecks,
    batchPreparer,
    prompts,
    flagPolicy,
    gradingRepository: repository,
    start() {
      worker?.start();
    },
    notifyGrading() {
      worker?.notify();
    },
    health() {
      if (!worker) return { status: 'off' as const, reason: 'OPENAI_API_KEY is not set' };
      const state = worker.health();
      return { status: state === 'ok' ? ('ok' as const) : ('degraded' as const), circuit: state, graders: [...prompts.keys()] };
    },
    async stop() {
      await worker?.stop();
      await detectors.close();
    },
  };
}

export type ChecksModule = Awaited<ReturnType<typeof createChecksModule>>;
