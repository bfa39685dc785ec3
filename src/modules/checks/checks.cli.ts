import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError, formatIssues } from '../../platform/config.ts';
import { parseConfig, type VigilConfig } from '../../app/config.ts';
import { checksConfigSchema, gradersConfigSchema, type GradingConfig } from './checks.config.ts';
import { deriveDetectorFlags, type Flag } from './checks.models.ts';
import { compileChecks, readContext } from './checks.usecases.ts';
import type { GraderCallResult } from './graders/grader.client.ts';
import type { GraderPrompt } from './graders/grader-prompts.models.ts';
import { computeBackoffMs, createCallBudget } from './graders/grader-resilience.models.ts';
import { deriveGraderFlags, type GraderOutcome, type MissingGrading } from './grading.models.ts';

// `vigil scan`: backtests the checks on the user's own logs. It streams JSONL from
// stdin to stdout line by line (a 1 GB log never sits in memory), runs the detectors
// inline (no worker threads, no database) and, with --graders, the LLM graders.

const scanLineSchema = z.object({
  id: z.union([z.string(), z.number()]).nullable().optional(),
  input: z.string().nullable().optional(),
  output: z.string({ error: 'must be a string' }),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});
type ScanLine = z.infer<typeof scanLineSchema>;

interface GraderView extends GraderOutcome {
  version: string;
  cached: boolean;
}

type LineGrader = (line: ScanLine) => Promise<{ graders: GraderView[]; flags: Flag[] }>;

/** The settings of `--source`, else of the first declared source, else every default. */
export function resolveScanSource(config: Pick<VigilConfig, 'sources' | 'configPath'>, name?: string) {
  const names = Object.keys(config.sources.sources);
  const chosen = name ?? names[0];
  if (chosen === undefined) return { name: null, checks: checksConfigSchema.parse({}), graders: gradersConfigSchema.parse({}) };
  const source = config.sources.sources[chosen];
  if (!source) {
    const known = names.length > 0 ? `it declares ${names.join(', ')}` : 'it declares no source';
    throw new ConfigError(`--source: unknown source "${chosen}" in ${config.configPath}; ${known}`);
  }
  return { name: chosen, checks: source.checks, graders: source.graders };
}

/**
 * Grades one line with every grader, one call each (retried, within the call budget);
 * identical texts are graded once. The OpenAI client loads only with --graders, which
 * keeps a plain scan's start about a third faster.
 */
async function createLineGrader(prompts: GraderPrompt[], thresholds: Record<string, number>, limits: GradingConfig, apiKey: string, baseURL?: string): Promise<LineGrader> {
  const [{ classifyOpenAIError, createGraderOpenAI, gradeContent, generateGraderNonce }, { hashGradedContent }] = await Promise.all([
    import('./graders/grader.client.ts'),
    import('./grading.worker.ts'),
  ]);
  const openai = createGraderOpenAI({ apiKey, baseURL, timeoutMs: limits.timeout_ms });
  const budget = createCallBudget({ perMinute: limits.calls_per_minute, now: () => Date.now() });
  const cache = new Map<string, GraderCallResult>();

  async function grade(prompt: GraderPrompt, line: ScanLine): Promise<GraderCallResult | string> {
    const content = { input: line.input ?? undefined, output: line.output, context: readContext(line.metadata) ?? undefined };
    for (let attempt = 1; ; attempt++) {
      while (!budget.tryTake()) await sleep(budget.msUntilAvailable());
      try {
        return await gradeContent({ openai }, prompt, content, { nonce: generateGraderNonce(), timeoutMs: limits.timeout_ms });
      } catch (caught) {
        const error = classifyOpenAIError(caught, 0);
        if (!error.isRetryable || attempt >= limits.max_attempts) return `${error.kind}: ${error.message}`;
        await sleep(computeBackoffMs(attempt, { baseMs: 1_000, maxMs: 60_000, retryAfterMs: error.retryAfterMs, rng: Math.random }));
      }
    }
  }

  return async (line) => {
    const graders: GraderView[] = [];
    const missing: MissingGrading[] = [];
    const contentHash = hashGradedContent({ input: line.input ?? null, output: line.output, metadata: line.metadata ?? null });
    for (const prompt of prompts) {
      const key = `${prompt.version}:${contentHash}`;
      const hit = cache.get(key);
      const answer = hit ?? (await grade(prompt, line));
      if (typeof answer === 'string') {
        missing.push({ grader: prompt.name, reason: answer });
        continue;
      }
      cache.set(key, answer);
      const { score, label, reason, hijacked } = answer;
      graders.push({ grader: prompt.name, version: prompt.version, score, label, reason, hijacked, cached: hit !== undefined });
    }
    return { graders, flags: deriveGraderFlags(graders, missing, (grader) => thresholds[grader] ?? prompts.find((p) => p.name === grader)?.threshold ?? 0.5) };
  };
}

async function writeLine(value: unknown): Promise<void> {
  if (!process.stdout.write(`${JSON.stringify(value)}\n`)) await once(process.stdout, 'drain');
}

function parseScanLine(text: string): { ok: true; line: ScanLine } | { ok: false; id: string | number | null; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, id: null, error: `invalid JSON: ${(error as Error).message}` };
  }
  const parsed = scanLineSchema.safeParse(data);
  if (parsed.success) return { ok: true, line: parsed.data };
  const id = (data as { id?: unknown } | null)?.id;
  return { ok: false, id: typeof id === 'string' || typeof id === 'number' ? id : null, error: formatIssues(parsed.error.issues) };
}

/** Scans stdin to stdout; returns the number of lines that could not be read. */
async function scanStream(options: { source?: string; graders?: boolean }): Promise<number> {
  const config = parseConfig(process.env);
  const source = resolveScanSource(config, options.source);
  let gradeLine: LineGrader | null = null;
  if (options.graders) {
    const apiKey = config.env.OPENAI_API_KEY;
    if (!apiKey) throw new ConfigError('scan --graders calls the LLM judges: set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server)');
    const [{ loadGraderPrompts }, { PROMPTS_DIR, resolveSourceGraders }] = await Promise.all([
      import('./graders/grader-prompts.config.ts'),
      import('./checks.module.ts'),
    ]);
    const prompts = new Map((await loadGraderPrompts(PROMPTS_DIR)).map((prompt) => [prompt.name, prompt]));
    const enabled = resolveSourceGraders(source.name ?? '(defaults)', source.graders.enabled, prompts);
    gradeLine = await createLineGrader(enabled, source.graders.thresholds, config.sources.grading, apiKey, config.env.OPENAI_BASE_URL);
  }
  const checks = compileChecks(source.checks);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let number = 0;
  let failed = 0;
  for await (const text of lines) {
    number++;
    if (text.trim() === '') continue;
    const parsed = parseScanLine(text);
    if (!parsed.ok) {
      failed++;
      await writeLine({ id: parsed.id, line: number, error: parsed.error });
      continue;
    }
    const { line } = parsed;
    const found = await checks.detect({ source: source.name ?? '', input: line.input ?? null, output: line.output, context: readContext(line.metadata) });
    const detections = found.map(({ detector, kind, score, severity, start, end, field }) => ({ detector, kind, score, severity, start, end, field }));
    const flags = deriveDetectorFlags(found, source.checks.flag_min_severity);
    const graded = gradeLine ? await gradeLine(line) : null;
    await writeLine({ id: line.id ?? null, detections, flags: [...flags, ...(graded?.flags ?? [])], ...(graded ? { graders: graded.graders } : {}) });
  }
  return failed;
}

export function registerChecksCommands(program: Command) {
  program
    .command('scan')
    .description('backtest the checks on a log: JSONL {"id","input","output","metadata"} on stdin → one JSON result per line on stdout')
    .option('--source <name>', "use this source's checks settings (default: the first source in the config file)")
    .option('--graders', "also run the source's LLM graders on every line (needs OPENAI_API_KEY)")
    .action(async (options: { source?: string; graders?: boolean }) => {
      const failed = await scanStream(options);
      if (failed > 0) {
        process.stderr.write(`vigil scan: ${failed} line(s) could not be read (see the "error" lines)\n`);
        process.exitCode = 1;
      }
    });
}
