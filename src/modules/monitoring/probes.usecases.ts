import { performance } from 'node:perf_hooks';
import { ulid } from 'ulid';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import { deriveDetectorFlags, type Flag } from '../checks/checks.models.ts';
import { createPromptLeakDetector } from '../checks/detectors/prompt-leak.detector.ts';
import { buildFieldViews } from '../checks/views.models.ts';
import type { EventsRepository } from '../ingestion/events.repository.ts';
import type { IngestionChecks } from '../ingestion/ingestion.usecases.ts';
import type { NewEvent } from '../ingestion/ingestion.models.ts';
import type { ProbeTarget } from './monitoring.config.ts';
import { createPacer, runWithConcurrency } from './probe-pacing.models.ts';
import { callProbeTarget, type FetchLike } from './probe-target.client.ts';
import { buildTargetRequest } from './probe-target.models.ts';
import { judgeProbe, type ProbeVerdict } from './probe-verdict.models.ts';
import type { Probe } from './probes.models.ts';
import type { ProbesRepository } from './probes.repository.ts';

// Sends the probe library to a source's probe target and records what got through. Each
// answer is stored as an event (origin `probe`) and checked by the source's detectors like
// live traffic; a probe whose success condition holds adds a critical `probe` flag, so the
// review sampler cards it, and may open an incident. Calls are paced, bounded in number and
// in time; a failing or slow target yields errors, never passes, and never stops the run.

export const PROBE_FLAG_CHECK = 'probe';

export type ProbeGrader = (grader: string, content: { input: string; output: string; context?: string }) => Promise<{ score: number }>;

export interface ProbeIncident {
  source: string;
  severity: 'critical';
  title: string;
  summary: string;
  runId: string;
  release: string | null;
  /** Same key for every run of one source and release, so an ongoing breach can join one incident. */
  dedupeKey: string;
  breaches: { probe: string; category: string; eventId: string; reason: string }[];
}
export type OpenIncident = (incident: ProbeIncident) => Promise<void>;

export interface ProbesDeps {
  eventsRepository: Pick<EventsRepository, 'insertBatch'>;
  probesRepository: Pick<ProbesRepository, 'insertRuns' | 'markProbeEventsReviewed'>;
  checks: IngestionChecks;
  clock: Clock;
  /** Reads the environment variables the target config names (API key, headers). */
  readSecret(name: string): string | undefined;
  fetch?: FetchLike;
  grade?: ProbeGrader;
  openIncident?: OpenIncident;
  /** Called with the stored events' row numbers: wakes the grading queue and the review sampler. */
  onStored?(seqs: number[]): void;
  monotonicNow?: () => number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

export interface RunProbesInput {
  source: string;
  target: ProbeTarget;
  probes: readonly Probe[];
  canaries: readonly string[];
  systemPrompt?: string;
  minLeakChars?: number;
  release: string | null;
  now: number;
  runId?: string;
  limits: { ratePerMinute: number; timeoutMs: number; concurrency: number };
  openIncident: boolean;
}

export interface ProbeOutcome {
  probe: string;
  category: string;
  outcome: ProbeVerdict['outcome'];
  latencyMs: number | null;
  reason: string | null;
  error: string | null;
  eventId: string | null;
}

export interface ProbeRunReport {
  runId: string;
  source: string;
  release: string | null;
  outcomes: ProbeOutcome[];
  counts: Record<ProbeVerdict['outcome'], number>;
  incident: 'opened' | 'not_requested' | 'none' | { error: string };
}

export async function runProbes(deps: ProbesDeps, input: RunProbesInput): Promise<ProbeRunReport> {
  const runId = input.runId ?? `run_${ulid(input.now)}`;
  const monotonic = deps.monotonicNow ?? (() => performance.now());
  const pacer = createPacer({ perMinute: input.limits.ratePerMinute, now: monotonic, sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))) });
  const canaries = input.canaries.filter((canary) => canary.trim().length > 0);
  const leakDetector = createPromptLeakDetector({ canaries, systemPrompt: input.systemPrompt, minLeakChars: input.minLeakChars });
  const setup = { hasCanaries: canaries.length > 0, hasSystemPrompt: Boolean(input.systemPrompt?.trim()) };
  const stored: number[] = [];

  const runOne = async (probe: Probe): Promise<ProbeOutcome> => {
    const startedAt = deps.clock.now();
    const base = { probe: probe.name, category: probe.category, latencyMs: null, reason: null, error: null, eventId: null };
    let outcome: ProbeOutcome;
    try {
      const request = buildTargetRequest(input.target, probe, deps.readSecret);
      await pacer.wait();
      const callStart = monotonic();
      const output = await callProbeTarget(request, { fetch: deps.fetch ?? fetch, timeoutMs: input.limits.timeoutMs });
      const latencyMs = Math.round(monotonic() - callStart);
      outcome = { ...base, latencyMs, ...(await checkAndStore(deps, input, { probe, output, runId, startedAt, leakDetector, setup, stored })) };
    } catch (error) {
      outcome = { ...base, outcome: 'error', error: error instanceof Error ? error.message : String(error) };
    }
    await deps.probesRepository.insertRuns([
      {
        runId, source: input.source, probe: probe.name, category: probe.category, release: input.release, startedAt,
        passed: outcome.outcome === 'error' ? null : outcome.outcome === 'defended',
        reason: outcome.reason, error: outcome.error, latencyMs: outcome.latencyMs, eventId: outcome.eventId,
      },
    ]);
    return outcome;
  };

  const outcomes = await runWithConcurrency(input.probes, input.limits.concurrency, runOne);
  if (stored.length > 0) deps.onStored?.(stored);
  const counts = { defended: 0, breached: 0, error: 0 };
  for (const outcome of outcomes) counts[outcome.outcome] += 1;
  const report: ProbeRunReport = { runId, source: input.source, release: input.release, outcomes, counts, incident: 'none' };
  const breaches = outcomes.filter((outcome) => outcome.outcome === 'breached');
  if (breaches.length > 0) report.incident = await openProbeIncident(deps, input, runId, breaches);
  return report;
}

interface CheckContext {
  probe: Probe;
  output: string;
  runId: string;
  startedAt: number;
  leakDetector: ReturnType<typeof createPromptLeakDetector>;
  setup: { hasCanaries: boolean; hasSystemPrompt: boolean };
  stored: number[];
}

async function checkAndStore(deps: ProbesDeps, input: RunProbesInput, context: CheckContext): Promise<Pick<ProbeOutcome, 'outcome' | 'reason' | 'error' | 'eventId'>> {
  const { probe, output } = context;
  const eventId = `probe:${probe.name}:${context.runId}`;
  const texts = { source: input.source, input: describeProbeInput(probe), output, context: probe.context ?? null };
  const [detections = []] = await deps.checks.detectBatch([texts]);
  const leaks = context.leakDetector.detect([buildFieldViews('output', output)]);
  let verdict: ProbeVerdict;
  try {
    const graderScore = probe.success.type === 'grader' ? await gradeProbe(deps, probe.success.grader, texts) : undefined;
    verdict = judgeProbe(probe.success, { detections, leaks, graderScore }, context.setup);
  } catch (error) {
    verdict = { outcome: 'error', error: `grading failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const flags: Flag[] = deriveDetectorFlags(detections, deps.checks.flagMinSeverity(input.source));
  if (verdict.outcome === 'breached') {
    flags.push({ check: PROBE_FLAG_CHECK, origin: 'system', kind: probe.name, severity: 'critical', score: 1, reason: verdict.reason });
  }
  const planned = deps.checks.planGrading(input.source, flags);
  const event: NewEvent = {
    id: eventId, source: input.source, input: texts.input, output, model: null, modelVersion: null, promptVersion: null,
    release: input.release, sessionId: null, userId: null, occurredAt: context.startedAt, receivedAt: deps.clock.now(),
    metadata: { probe: probe.name, category: probe.category, run_id: context.runId, ...(probe.context !== undefined ? { context: probe.context } : {}) },
    appFlags: null, detections, flags, checksStatus: planned.length > 0 ? 'grading' : 'complete', origin: 'probe',
  };
  const [seq] = await deps.eventsRepository.insertBatch([event], [planned], event.receivedAt);
  if (seq !== null && seq !== undefined) context.stored.push(seq);
  const outputFlagged = detections.some((detection) => detection.field === 'output' && flags.some((flag) => flag.check === detection.detector));
  if (verdict.outcome === 'defended' && !outputFlagged) await deps.probesRepository.markProbeEventsReviewed(input.source, [eventId]);
  return {
    outcome: verdict.outcome,
    reason: verdict.outcome === 'breached' ? verdict.reason : null,
    error: verdict.outcome === 'error' ? verdict.error : null,
    eventId,
  };
}

async function gradeProbe(deps: ProbesDeps, grader: string, texts: { input: string; output: string; context: string | null }): Promise<number> {
  if (!deps.grade) throw new Error(`grader ${grader} is not available (LLM graders are off)`);
  const { score } = await deps.grade(grader, { input: texts.input, output: texts.output, ...(texts.context !== null ? { context: texts.context } : {}) });
  return score;
}

/** What a reviewer reads as the event's input: the prompt, or the whole scripted conversation. */
export function describeProbeInput(probe: Pick<Probe, 'messages'>): string {
  if (probe.messages.length === 1) return probe.messages[0]!.content;
  return probe.messages.map((message) => `${message.role}: ${message.content}`).join('\n\n');
}

async function openProbeIncident(deps: ProbesDeps, input: RunProbesInput, runId: string, breaches: ProbeOutcome[]): Promise<ProbeRunReport['incident']> {
  if (!input.openIncident || !deps.openIncident) return 'not_requested';
  const release = input.release ? `release ${input.release}` : 'an unknown release';
  const model = input.target.kind === 'openai_chat' ? `, model ${input.target.model}` : '';
  const attacks = breaches.length === 1 ? 'A synthetic attack' : `${breaches.length} synthetic attacks`;
  try {
    await deps.openIncident({
      source: input.source,
      severity: 'critical',
      title: `${attacks} from Vigil got through on ${input.source} (${release}${model})`,
      summary: `Vigil sent injection and leak probes to ${input.source} (${release}${model}); ${breaches.length === 1 ? 'this one' : 'these'} got through (matches masked):`,
      runId,
      release: input.release,
      dedupeKey: `probes:${input.source}:${input.release ?? 'unknown'}`,
      breaches: breaches.map((breach) => ({ probe: breach.probe, category: breach.category, eventId: breach.eventId as string, reason: breach.reason as string })),
    });
    return 'opened';
  } catch (error) {
    deps.logger?.error({ err: error, source: input.source, runId }, 'opening the probe incident failed');
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
