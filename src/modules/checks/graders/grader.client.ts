// The one place that talks to the judge model. It makes exactly one HTTP call per
// grading (the persisted queue owns retries and backoff) and turns every outcome
// into either a result or a typed GraderCallError.

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { estimateCostUsd, type TokenUsage } from './grader-pricing.models.ts';
import type { GraderPrompt } from './grader-prompts.models.ts';
import {
  buildGraderMessages,
  GRADER_RESPONSE_FORMAT,
  parseGraderAnswer,
  type GraderContent,
  type GraderLabel,
} from './grader-request.models.ts';
import { parseRetryAfterMs } from './grader-resilience.models.ts';
import { GraderCallError } from './grader.errors.ts';

export interface GraderCallResult {
  /** Probability of a violation in [0, 1]. Untrusted when `hijacked`. */
  score: number;
  label: GraderLabel;
  reason: string;
  /** The judge did not echo the nonce: the content took it over. */
  hijacked: boolean;
  /** The model that answered, as the API names it (often a dated snapshot). */
  model: string;
  usage: TokenUsage;
  /** `null` when the model's price is unknown. */
  costUsd: number | null;
  latencyMs: number;
}

export interface GradeOptions {
  /** Fresh for every call; see generateGraderNonce. */
  nonce: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface GraderClientDeps {
  openai: OpenAI;
  /** Monotonic milliseconds, for latency. */
  now?: () => number;
}

export interface GraderOpenAIOptions {
  apiKey: string;
  /** An OpenAI-compatible server (`OPENAI_BASE_URL`); defaults to api.openai.com. */
  baseURL?: string;
  timeoutMs?: number;
}

/** Settings are passed in explicitly so the SDK reads no environment variable of its own. */
export function createGraderOpenAI(options: GraderOpenAIOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 30_000,
  });
}

/** 72 random bits: unguessable by content written before the call. */
export function generateGraderNonce(): string {
  return randomBytes(9).toString('base64url');
}

export async function gradeContent(
  deps: GraderClientDeps,
  prompt: GraderPrompt,
  content: GraderContent,
  options: GradeOptions,
): Promise<GraderCallResult> {
  const now = deps.now ?? (() => performance.now());
  const startedAt = now();
  const elapsed = (): number => Math.round(now() - startedAt);

  let completion: OpenAI.Chat.Completions.ChatCompletion;
  try {
    completion = await deps.openai.chat.completions.create(
      {
        model: prompt.model,
        messages: buildGraderMessages(prompt, content, options.nonce),
        response_format: GRADER_RESPONSE_FORMAT,
        ...(prompt.temperature !== undefined ? { temperature: prompt.temperature } : {}),
        ...(prompt.maxCompletionTokens !== undefined ? { max_completion_tokens: prompt.maxCompletionTokens } : {}),
      },
      { timeout: options.timeoutMs, maxRetries: 0, ...(options.signal ? { signal: options.signal } : {}) },
    );
  } catch (error) {
    throw classifyOpenAIError(error, elapsed());
  }

  const latencyMs = elapsed();
  const model = completion.model || prompt.model;
  const usage: TokenUsage = {
    promptTokens: completion.usage?.prompt_tokens ?? 0,
    completionTokens: completion.usage?.completion_tokens ?? 0,
  };
  const costUsd = estimateCostUsd(model, usage);
  const paid = { usage, costUsd, model, latencyMs };

  const choice = completion.choices[0];
  if (!choice) throw new GraderCallError('malformed', 'the judge returned no choices', paid);
  if (choice.message.refusal) throw new GraderCallError('refusal', 'the judge refused to grade', paid);
  if (choice.finish_reason === 'content_filter') {
    throw new GraderCallError('refusal', "the judge's answer was content-filtered", paid);
  }
  if (choice.finish_reason === 'length') {
    throw new GraderCallError('malformed', "the judge's answer was cut at the token limit", paid);
  }

  const answer = parseGraderAnswer(choice.message.content, options.nonce);
  if (answer.kind === 'malformed') throw new GraderCallError('malformed', answer.detail, paid);
  return { score: answer.score, label: answer.label, reason: answer.reason, hijacked: answer.hijacked, ...paid };
}

/** Maps an SDK error to a failure kind; anything unexpected is treated as transient so it is retried, not lost. */
export function classifyOpenAIError(error: unknown, latencyMs: number, nowMs: number = Date.now()): GraderCallError {
  if (error instanceof GraderCallError) return error;
  if (error instanceof APIUserAbortError) {
    return new GraderCallError('aborted', 'the grader call was aborted', { latencyMs, cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new GraderCallError('transient', 'the grader call timed out', { latencyMs, cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new GraderCallError('transient', `connection to the judge failed: ${error.message}`, { latencyMs, cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const base = { status, latencyMs, cause: error };
    const code = error.code ?? error.type ?? 'none';
    if (status === 429 && code === 'insufficient_quota') {
      return new GraderCallError('fatal', 'the OpenAI account has no quota left (429 insufficient_quota)', base);
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfterMs((name) => error.headers?.get(name), nowMs);
      return new GraderCallError('rate_limited', 'the judge is rate limited (429)', {
        ...base,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    if (status >= 500 || status === 408 || status === 409) {
      return new GraderCallError('transient', `the judge failed with ${status}`, base);
    }
    return new GraderCallError('fatal', `the judge rejected the call with ${status} (${code})`, base);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GraderCallError('transient', `unexpected grader error: ${message}`, { latencyMs, cause: error });
}
