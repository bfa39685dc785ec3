import type OpenAI from 'openai';
import { gradeContent, generateGraderNonce } from '../checks/graders/grader.client.ts';
import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import type { ProbeGrader } from './probes.usecases.ts';

// A probe with a grader condition is judged right away (one call, no queue): the run must
// know whether the probe got through before it records the result. A judge that the output
// took over (it did not echo the nonce) proves nothing, so it is an error, not a pass.

export function createProbeGrader(deps: { openai: OpenAI; prompts: ReadonlyMap<string, GraderPrompt>; timeoutMs: number }): ProbeGrader {
  return async (grader, content) => {
    const prompt = deps.prompts.get(grader);
    if (!prompt) throw new Error(`unknown grader "${grader}"; prompts/ has ${[...deps.prompts.keys()].join(', ')}`);
    const result = await gradeContent({ openai: deps.openai }, prompt, content, { nonce: generateGraderNonce(), timeoutMs: deps.timeoutMs });
    if (result.hijacked) throw new Error(`the ${grader} judge was taken over by the output; its score is not trusted`);
    return { score: result.score };
  };
}
