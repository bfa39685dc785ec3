// Cost figures let the digest and /metrics show what grading spends. They are
// estimates: cached-input discounts and batch prices are ignored, so the figure errs high.

export interface ModelPrice {
  /** USD per 1M input (prompt) tokens. */
  inputPerMTok: number;
  /** USD per 1M output (completion) tokens, reasoning tokens included. */
  outputPerMTok: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** OpenAI list prices, standard tier, as published on openai.com/api/pricing in August 2025. */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  o3: { inputPerMTok: 2, outputPerMTok: 8 },
  'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
};

/** The API answers with dated snapshots (`gpt-4o-mini-2024-07-18`); they cost what their alias costs. */
const SNAPSHOT_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

export function findModelPrice(model: string): ModelPrice | null {
  const name = model.trim().toLowerCase();
  return MODEL_PRICES[name] ?? MODEL_PRICES[name.replace(SNAPSHOT_SUFFIX, '')] ?? null;
}

/** USD for one call, or `null` when the model's price is unknown (e.g. a self-hosted OpenAI-compatible server). */
export function estimateCostUsd(model: string, usage: TokenUsage): number | null {
  const price = findModelPrice(model);
  if (!price) return null;
  return (usage.promptTokens * price.inputPerMTok + usage.completionTokens * price.outputPerMTok) / 1_000_000;
}
