import { describe, expect, it } from 'vitest';
import { parseSourcesFile } from '../../app/config.ts';

describe('monitoring config', () => {
  it('gives every source an hourly drift check with defaults and no probes', () => {
    const { sources } = parseSourcesFile('sources:\n  support-bot:\n', 'vigil.config.yaml');
    expect(sources['support-bot']!.monitoring).toEqual({
      drift: {
        enabled: true,
        window_hours: 24,
        reference: 'previous_7_days',
        min_sample_size: 100,
        thresholds: {},
        cool_down_hours: 24,
        boost: { rate: 0.25, hours: 24 },
      },
    });
  });

  it('reads drift overrides and a probe target with its limits', () => {
    const yaml = `
sources:
  support-bot:
    monitoring:
      drift: { reference: since_release, min_sample_size: 500, thresholds: { ks: 0.01 }, boost: { rate: 0.5, hours: 12 } }
      probes:
        schedule: "0 */2 * * *"
        target: { kind: openai_chat, base_url: "https://bot.internal/v1", model: support-bot, api_key_env: SUPPORT_BOT_KEY }
        open_incident: true
        canaries: [VGL-CANARY-123]
`;
    const monitoring = parseSourcesFile(yaml, 'vigil.config.yaml').sources['support-bot']!.monitoring;
    expect(monitoring.drift).toMatchObject({ reference: 'since_release', min_sample_size: 500, thresholds: { ks: 0.01 }, boost: { rate: 0.5, hours: 12 } });
    expect(monitoring.probes).toEqual({
      schedule: '0 */2 * * *',
      target: { kind: 'openai_chat', base_url: 'https://bot.internal/v1', model: 'support-bot', api_key_env: 'SUPPORT_BOT_KEY', headers_env: {} },
      rate_per_minute: 20,
      timeout_ms: 30_000,
      concurrency: 2,
      open_incident: true,
      canaries: ['VGL-CANARY-123'],
    });
  });

  it.each([
    ['drift: { reference: last_week }', 'sources.support-bot.monitoring.drift.reference'],
    ['drift: { thresholds: { kss: 0.1 } }', 'sources.support-bot.monitoring.drift.thresholds'],
    ['probes: { target: { kind: openai_chat, base_url: "ftp://x", model: m } }', 'sources.support-bot.monitoring.probes.target.base_url: must be an http(s) URL'],
    ['probes: { target: { kind: openai_chat, base_url: "https://x", model: m, api_key_env: "sk-live-123" } }', 'sources.support-bot.monitoring.probes.target.api_key_env: must be an environment variable name'],
    ['probes: { target: { kind: grpc } }', 'sources.support-bot.monitoring.probes.target.kind'],
  ])('stops the start naming the field at fault: %s', (fragment, message) => {
    expect(() => parseSourcesFile(`sources:\n  support-bot:\n    monitoring:\n      ${fragment}\n`, 'vigil.config.yaml')).toThrow(message);
  });
});
