import { describe, expect, it } from 'vitest';
import { samplingConfigSchema } from './sampling.config.ts';

describe('samplingConfigSchema', () => {
  it('fills every setting with its default when the block is empty', () => {
    expect(samplingConfigSchema.parse({})).toEqual({
      min_severity: 'warn',
      baseline_rate: 0.01,
      uncertainty_band: { width: 0.1, rate: 0.5, by_grader: {} },
      release_boost: { hours: 24, rate: 0.1 },
      dedupe_window_minutes: 60,
      hourly_budget: 30,
      hourly_budget_by_channel: {},
      ttl_hours: 24,
      reviewers_per_item: { default: 1, critical: 2 },
      routes: [],
    });
  });

  it('keeps given values and fills the missing fields of a partial nested block', () => {
    const config = samplingConfigSchema.parse({
      uncertainty_band: { rate: 0.3, by_grader: { tone: { width: 0.05 } } },
      release_boost: { hours: 6 },
      routes: [{ channel: 'C_TRUST', detectors: ['secrets', 'pii'] }],
      default_channel: 'C_REVIEW',
    });
    expect(config.uncertainty_band).toEqual({ width: 0.1, rate: 0.3, by_grader: { tone: { width: 0.05 } } });
    expect(config.release_boost).toEqual({ hours: 6, rate: 0.1 });
    expect(config.routes).toEqual([{ channel: 'C_TRUST', detectors: ['secrets', 'pii'] }]);
    expect(config.default_channel).toBe('C_REVIEW');
  });

  it('rejects out-of-bounds numbers and names the path of each', () => {
    const result = samplingConfigSchema.safeParse({
      baseline_rate: 1.5,
      uncertainty_band: { width: 0.8 },
      hourly_budget: 0,
      ttl_hours: 10_000,
      dedupe_window_minutes: 2.5,
      reviewers_per_item: { default: 0 },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual([
      'baseline_rate',
      'dedupe_window_minutes',
      'hourly_budget',
      'reviewers_per_item.default',
      'ttl_hours',
      'uncertainty_band.width',
    ]);
  });

  it('rejects a misspelled key instead of silently using the default', () => {
    const result = samplingConfigSchema.safeParse({ baseline_rat: 0.2 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('rejects a route without any criterion and an unknown reason code', () => {
    const result = samplingConfigSchema.safeParse({
      routes: [{ channel: 'C_ALL' }, { channel: 'C_X', reasons: ['gut_feeling'] }],
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['routes.0', 'routes.1.reasons.0']));
  });

  it('rejects a misspelt detector in a route, naming the known ones', () => {
    const result = samplingConfigSchema.safeParse({ routes: [{ channel: 'C_TRUST', detectors: ['secret', 'pii'] }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['routes.0.detectors.0', "must be one of secrets, pii, prompt_leak, injection, blocklist (the app's own flags go under flags)"],
    ]);
  });

  it("routes the app's own flags by name under flags, which no list can close", () => {
    expect(samplingConfigSchema.parse({ routes: [{ channel: 'C_TRUST', flags: ['leak'] }] }).routes).toEqual([{ channel: 'C_TRUST', flags: ['leak'] }]);
  });
});
