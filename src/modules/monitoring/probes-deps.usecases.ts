import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import { createGraderOpenAI } from '../checks/graders/grader.client.ts';
import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import { createEventsRepository } from '../ingestion/events.repository.ts';
import type { IngestionChecks } from '../ingestion/ingestion.usecases.ts';
import { createProbeGrader } from './probe-grader.usecases.ts';
import type { FetchLike } from './probe-target.client.ts';
import { createProbesRepository } from './probes.repository.ts';
import type { OpenIncident, ProbesDeps } from './probes.usecases.ts';

// What a probe run needs, built the same way for the server's schedule and for `vigil probe`:
// the source's detectors and grading plan, and a judge for grader conditions only when an
// OpenAI key is set (without one, such a probe is an error, never a pass).

export interface ProbesDepsOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  checks: IngestionChecks;
  prompts: ReadonlyMap<string, GraderPrompt>;
  /** Reads the environment variables a probe target names (API key, headers). */
  readSecret(name: string): string | undefined;
  openai: { apiKey?: string; baseUrl?: string };
  graderTimeoutMs: number;
  fetch?: FetchLike;
  openIncident?: OpenIncident;
  onStored?(seqs: number[]): void;
}

export function buildProbesDeps(options: ProbesDepsOptions): ProbesDeps {
  const { apiKey, baseUrl } = options.openai;
  const grade = apiKey
    ? createProbeGrader({
        openai: createGraderOpenAI({ apiKey, baseURL: baseUrl, timeoutMs: options.graderTimeoutMs }),
        prompts: options.prompts,
        timeoutMs: options.graderTimeoutMs,
      })
    : undefined;
  return {
    eventsRepository: createEventsRepository({ db: options.db }),
    probesRepository: createProbesRepository({ db: options.db }),
    checks: options.checks,
    clock: options.clock,
    readSecret: options.readSecret,
    logger: options.logger,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(grade ? { grade } : {}),
    ...(options.openIncident ? { openIncident: options.openIncident } : {}),
    ...(options.onStored ? { onStored: options.onStored } : {}),
  };
}
