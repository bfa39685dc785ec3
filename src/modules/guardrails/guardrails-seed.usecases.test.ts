import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config.ts';
import { parseSourcesFile } from '../../app/config.ts';
import type { GraderPrompt } from '../checks/graders/grader-prompts.models.ts';
import { buildGuardrailSeeds, resolveWebhookSecrets } from './guardrails-seed.usecases.ts';

const prompts = new Map([
  ['brand', { name: 'brand', threshold: 0.6 }],
  ['tone', { name: 'tone', threshold: 0.7 }],
]) as unknown as ReadonlyMap<string, GraderPrompt>;

const file = parseSourcesFile(
  `
sources:
  support-bot:
    graders:
      enabled: [brand]
      thresholds: { brand: 0.55, toxicity: 0.8 }
    checks:
      blocklist: { words: [acme rival] }
    guardrails:
      detectors: { injection: block }
      graders: { toxicity: block }
      webhook: { url: "https://app.example/hook", secret_env: SUPPORT_SECRET }
  billing-bot: {}
`,
  'vigil.config.yaml',
);

describe('buildGuardrailSeeds', () => {
  it('seeds thresholds from the config over the prompts, actions from the guardrails block, and the blocklist from checks', () => {
    const [support, billing] = buildGuardrailSeeds(file, prompts, 'vigil.config.yaml');
    expect(support).toMatchObject({
      source: 'support-bot',
      origin: 'vigil.config.yaml',
      spec: {
        graders: { brand: { threshold: 0.55, action: 'flag' }, toxicity: { threshold: 0.8, action: 'block' } },
        detectors: { injection: { action: 'block' }, pii: { action: 'redact' } },
        blocklist: { words: ['acme rival'], patterns: [] },
        kill_switch: { on: false },
        pinned_release: null,
      },
    });
    expect(billing!.spec.graders).toEqual({ brand: { threshold: 0.6, action: 'flag' }, tone: { threshold: 0.7, action: 'flag' } });
  });

  it('refuses a grader action for a grader with no threshold, naming the config path', () => {
    const bad = parseSourcesFile('sources:\n  s:\n    guardrails:\n      graders: { toxicity: block }\n', 'c.yaml');
    expect(() => buildGuardrailSeeds(bad, prompts, 'c.yaml')).toThrow(
      'Invalid configuration file c.yaml: sources.s.guardrails.graders.toxicity: no threshold: add it to sources.s.graders.thresholds',
    );
  });
});

describe('resolveWebhookSecrets', () => {
  it('reads the secret from the named variable and never from the YAML', () => {
    expect(resolveWebhookSecrets(file, { SUPPORT_SECRET: 'whsec_0123456789abcdef' })).toEqual(new Map([['support-bot', 'whsec_0123456789abcdef']]));
  });

  it('stops the start with one line naming a missing or short secret', () => {
    expect(() => resolveWebhookSecrets(file, {})).toThrow(ConfigError);
    expect(() => resolveWebhookSecrets(file, {})).toThrow('Invalid environment: SUPPORT_SECRET: not set, but sources.support-bot.guardrails.webhook.secret_env names it as the webhook secret');
    expect(() => resolveWebhookSecrets(file, { SUPPORT_SECRET: 'short' })).toThrow('SUPPORT_SECRET: a webhook secret must be at least 16 characters');
  });

  it('refuses a webhook URL that is not http(s) and a secret_env that is not a variable name', () => {
    expect(() => parseSourcesFile('sources:\n  s:\n    guardrails:\n      webhook: { url: "ftp://x", secret_env: S }\n', 'c.yaml')).toThrow('sources.s.guardrails.webhook.url: must be an http(s) URL');
    expect(() => parseSourcesFile('sources:\n  s:\n    guardrails:\n      webhook: { url: "https://x", secret_env: "lower case" }\n', 'c.yaml')).toThrow(/secret_env: must be an environment variable name/);
  });
});
