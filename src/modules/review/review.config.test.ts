import { describe, expect, it } from 'vitest';
import { sourcesFileSchema } from '../sources/sources.config.ts';
import { DEFAULT_REJECT_REASONS, resolveDefaultChannel, reviewConfigSchema } from './review.config.ts';

describe('reviewConfigSchema', () => {
  it('gives a source without a review block every default and no channel', () => {
    const { sources } = sourcesFileSchema.parse({ sources: { 'support-bot': null } });
    const review = sources['support-bot']!.review;
    expect(review).toMatchObject({
      reviewers: [],
      approvers: [],
      blind: true,
      redact: true,
      reject_reasons: DEFAULT_REJECT_REASONS,
      sla_minutes: { critical: 15, warn: 120, info: 480 },
      group_cache_minutes: 10,
    });
    expect(review.sampling.baseline_rate).toBe(0.01);
    expect(resolveDefaultChannel(review)).toBeNull();
  });

  it('keeps partial SLA settings and fills the other severities', () => {
    expect(reviewConfigSchema.parse({ sla_minutes: { critical: 5 } }).sla_minutes).toEqual({ critical: 5, warn: 120, info: 480 });
  });

  it('prefers the sampling default channel over the review channel', () => {
    expect(resolveDefaultChannel(reviewConfigSchema.parse({ channel: 'C1REVIEW' }))).toBe('C1REVIEW');
    expect(resolveDefaultChannel(reviewConfigSchema.parse({ channel: 'C1REVIEW', sampling: { default_channel: 'C2OTHER' } }))).toBe('C2OTHER');
  });

  it('refuses names instead of Slack ids, and names the path of each problem', () => {
    const result = reviewConfigSchema.safeParse({
      channel: '#reviews',
      reviewers: ['dana'],
      oncall_group: 'U123ABC',
      reject_reasons: ['Bad Tone'],
      sla_minutes: { warn: 0 },
      unknown_key: true,
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['', 'channel', 'oncall_group', 'reject_reasons.0', 'reviewers.0', 'sla_minutes.warn']);
  });
});
