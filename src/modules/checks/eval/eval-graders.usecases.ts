// The LLM injection grader as a fourth scorer of `eval:detectors -- --graders`: every injection
// line goes to the `injection` prompt (prompts/injection.md) on any OpenAI-compatible server,
// one call per line, a few at a time. A judge that does not echo its nonce was taken over by
// the text, which is itself an injection: it scores 1. A failed call leaves the line unscored
// (counted and printed), so an outage shows as missing figures, never as a clean bill.

import { join } from 'node:path';
import type OpenAI from 'openai';
import { createGraderOpenAI, generateGraderNonce, gradeContent } from '../graders/grader.client.ts';
import { loadGraderPrompts } from '../graders/grader-prompts.config.ts';
import type { GraderPrompt } from '../graders/grader-prompts.models.ts';
import type { CorpusLine } from './eval-corpus.models.ts';
import type { GraderScorer } from './eval-run.usecases.ts';

export interface GraderScorerOptions {
  env: Record<string, string | undefined>;
  promptsDir: string;
  /** For tests: a client built elsewhere. */
  openai?: OpenAI;
}

export interface GraderScorerHandle {
  score: GraderScorer;
  /** "injection@<version> (model) on <server>", for the report header. */
  describe: string;
  /** Lines whose call failed, with the reason, after `score` resolved. */
  failures: { id: string; reason: string }[];
}

export class GraderEvalSetupError extends Error {}

export async function createGraderScorer(options: GraderScorerOptions): Promise<GraderScorerHandle> {
  const { env } = options;
  const apiKey = env.OPENAI_API_KEY;
  if (!options.openai && !apiKey) throw new GraderEvalSetupError('--graders needs OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than api.openai.com)');
  const prompts = await loadGraderPrompts(options.promptsDir);
  const found = prompts.find((p) => p.dimension === 'injection');
  if (!found) throw new GraderEvalSetupError(`no grader with dimension: injection in ${join(options.promptsDir)}`);
  const prompt: GraderPrompt = env.EVAL_GRADER_MODEL ? { ...found, model: env.EVAL_GRADER_MODEL } : found;
  const concurrency = Math.max(1, Math.min(32, Number(env.EVAL_GRADER_CONCURRENCY ?? 4) || 4));
  const openai = options.openai ?? createGraderOpenAI({ apiKey: apiKey!, ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}) });
  const failures: { id: string; reason: string }[] = [];

  const gradeLine = async (line: CorpusLine): Promise<number | undefined> => {
    const content = line.field === 'context' ? { context: line.text, output: '' } : { input: line.text, output: '' };
    try {
      const result = await gradeContent({ openai }, prompt, content, { nonce: generateGraderNonce(), timeoutMs: 60_000 });
      return result.hijacked ? 1 : result.score;
    } catch (error) {
      failures.push({ id: line.id, reason: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };

  const score: GraderScorer = async (lines) => {
    const scores = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < lines.length) {
        const line = lines[next++]!;
        const value = await gradeLine(line);
        if (value !== undefined) scores.set(line.id, value);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return scores;
  };

  return { score, describe: `${prompt.name}@${prompt.version} (${prompt.model}) on ${env.OPENAI_BASE_URL ?? 'api.openai.com'}`, failures };
}
