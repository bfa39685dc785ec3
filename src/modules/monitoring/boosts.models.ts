import { isRefusal } from './refusal.models.ts';

// Which events a sampling boost covers. A slice is what the drift job wrote when the metric
// drifted: `all` (output length), `refusal`, `grader:<name>`, `detector:<name>`,
// `model_version:<v>` or `prompt_version:<v>`. The review sampler asks, per candidate event,
// for the highest boost rate that applies and adds it as one more random reason.

export interface BoostCandidate {
  flags: readonly { check: string }[];
  graderScores: readonly { grader: string }[];
  modelVersion?: string | null;
  promptVersion?: string | null;
  /** Needed only for the `refusal` slice. */
  output?: string;
}

export interface BoostLike {
  id: number;
  slice: string;
  rate: number;
}

export function isInBoostSlice(slice: string, candidate: BoostCandidate): boolean {
  if (slice === 'all') return true;
  if (slice === 'refusal') return candidate.output !== undefined && isRefusal(candidate.output);
  const colon = slice.indexOf(':');
  if (colon < 0) return false;
  const kind = slice.slice(0, colon);
  const value = slice.slice(colon + 1);
  if (kind === 'grader') return candidate.graderScores.some((score) => score.grader === value);
  if (kind === 'detector') return candidate.flags.some((flag) => flag.check === value);
  if (kind === 'model_version') return candidate.modelVersion === value;
  if (kind === 'prompt_version') return candidate.promptVersion === value;
  return false;
}

/** The strongest active boost covering the candidate, or null. */
export function findApplicableBoost<B extends BoostLike>(boosts: readonly B[], candidate: BoostCandidate): B | null {
  let best: B | null = null;
  for (const boost of boosts) {
    if (isInBoostSlice(boost.slice, candidate) && (best === null || boost.rate > best.rate)) best = boost;
  }
  return best;
}
