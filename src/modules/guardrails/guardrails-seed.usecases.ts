import { ConfigError } from '../../platform/config.ts';
import { resolveSourceGraders } from '../checks/checks.module.ts';
import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { buildSeedSpec, type GuardrailSpec } from './guardrails.models.ts';

// Version 1 of each source comes from the config file: the thresholds of its graders
// (config overrides, else the prompt's default), the grader and detector actions of
// its `guardrails:` block, and the blocklist of its `checks:` block.

export function buildGuardrailSeeds(sources: SourcesFile, prompts: ReadonlyMap<string, GraderPrompt>, origin: string): { source: string; spec: GuardrailSpec; origin: string }[] {
  return Object.entries(sources.sources).map(([source, config]) => {
    const thresholds: Record<string, number> = {};
    for (const prompt of resolveSourceGraders(source, config.graders.enabled, prompts)) thresholds[prompt.name] = prompt.threshold;
    Object.assign(thresholds, config.graders.thresholds);
    for (const grader of Object.keys(config.guardrails.graders)) {
      if (thresholds[grader] === undefined) {
        throw new ConfigError(`Invalid configuration file ${origin}: sources.${source}.guardrails.graders.${grader}: no threshold: add it to sources.${source}.graders.thresholds`);
      }
    }
    const spec = buildSeedSpec({
      thresholds,
      graderActions: config.guardrails.graders,
      detectorActions: config.guardrails.detectors,
      blocklist: config.checks.blocklist,
      killSwitchMessage: config.guardrails.kill_switch_message,
    });
    return { source, spec, origin };
  });
}

/**
 * The webhook secret of every source that has a webhook, read from the environment
 * variable its config names (the YAML never holds the secret). A missing one stops the start.
 */
export function resolveWebhookSecrets(sources: SourcesFile, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const [source, config] of Object.entries(sources.sources)) {
    const webhook = config.guardrails.webhook;
    if (!webhook) continue;
    const secret = env[webhook.secret_env];
    if (!secret) {
      throw new ConfigError(`Invalid environment: ${webhook.secret_env}: not set, but sources.${source}.guardrails.webhook.secret_env names it as the webhook secret`);
    }
    if (secret.length < 16) throw new ConfigError(`Invalid environment: ${webhook.secret_env}: a webhook secret must be at least 16 characters`);
    secrets.set(source, secret);
  }
  return secrets;
}
