import type { ChecksConfig } from '../checks/checks.config.ts';
import { compileChecks, type CompiledChecks } from '../checks/checks.usecases.ts';
import { evaluateGuardrail, type CheckOutcome } from './guardrail-evaluation.models.ts';
import { createUnknownGuardrailSourceError } from './guardrails.errors.ts';
import type { LiveGuardrails } from './guardrails-live.usecases.ts';

// POST /v1/check: the deterministic detectors of the source (compiled once at start), the
// blocklist of the current guardrail version (compiled once per version), the kill switch
// and the grader scores the app passes in. Never an LLM call, never a database read.

export interface CheckRequest {
  source: string;
  input?: string | null;
  output: string;
  scores?: Record<string, number>;
}

export function createGuardrailChecker(options: { live: LiveGuardrails; checksConfigs: Readonly<Record<string, ChecksConfig>> }) {
  // The guardrail's blocklist replaces the config file's: it is seeded from it and changes by versions.
  const detectors = new Map<string, CompiledChecks>(
    Object.entries(options.checksConfigs).map(([source, config]) => [source, compileChecks({ ...config, blocklist: { words: [], patterns: [] } })]),
  );

  return {
    async check(request: CheckRequest): Promise<CheckOutcome> {
      // Read once: the whole answer comes from one version even if a newer one lands meanwhile.
      const guardrail = options.live.get(request.source);
      const compiled = detectors.get(request.source);
      if (!guardrail || !compiled) throw createUnknownGuardrailSourceError(request.source);
      if (guardrail.policy.spec.kill_switch.on) return evaluateGuardrail(guardrail.policy, [], undefined, request.output);
      // The blocklist scans the output's views the detectors already built.
      const texts = { source: request.source, input: request.input ?? null, output: request.output, context: null };
      const detections = await compiled.detect(texts, guardrail.blocklist);
      return evaluateGuardrail(guardrail.policy, detections, request.scores, request.output);
    },
  };
}

export type GuardrailChecker = ReturnType<typeof createGuardrailChecker>;
