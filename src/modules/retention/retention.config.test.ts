import { describe, expect, it } from 'vitest';
import { retentionConfigSchema, storeModeSchema } from './retention.config.ts';
import { computePurgeCutoffs, DAY_MS, redactForStorage } from './retention.models.ts';

describe('retention settings', () => {
  it('accepts whole days and refuses reviewed events kept shorter than the others', () => {
    expect(retentionConfigSchema.parse({ events_days: 30, keep_reviewed_days: 365 })).toEqual({ events_days: 30, keep_reviewed_days: 365 });
    const shorter = retentionConfigSchema.safeParse({ events_days: 30, keep_reviewed_days: 7 });
    expect(shorter.error?.issues[0]).toMatchObject({ path: ['keep_reviewed_days'], message: expect.stringContaining('at least events_days') });
    expect(retentionConfigSchema.safeParse({ events_days: 0 }).error?.issues[0]?.message).toBe('must be at least 1 day');
    expect(retentionConfigSchema.safeParse({ event_days: 30 }).success).toBe(false);
    expect(storeModeSchema.safeParse('encrypted').error?.issues[0]?.message).toBe('must be "full" or "redacted"');
  });

  it('computes no cut-off without events_days, and the reviewed cut-off from keep_reviewed_days', () => {
    const now = 1_000 * DAY_MS;
    expect(computePurgeCutoffs({}, now)).toBeNull();
    expect(computePurgeCutoffs({ events_days: 30 }, now)).toEqual({ before: 970 * DAY_MS, reviewedBefore: 970 * DAY_MS });
    expect(computePurgeCutoffs({ events_days: 30, keep_reviewed_days: 365 }, now)).toEqual({ before: 970 * DAY_MS, reviewedBefore: 635 * DAY_MS });
  });

  it('redacts input, output and a string metadata.context for storage, and zeroes the offsets that pointed into them', () => {
    const event = {
      input: 'mail me at a@b.co',
      output: 'ok',
      metadata: { context: 'call 555', other: 1 },
      detections: [
        { detector: 'pii' as const, kind: 'email', field: 'input' as const, score: 1, severity: 'warn' as const, start: 11, end: 17, evidence: 'a***o' },
        { detector: 'pii' as const, kind: 'phone', field: 'context' as const, score: 1, severity: 'warn' as const, start: 5, end: 8, evidence: '5**' },
      ],
    };
    const stored = redactForStorage(event);
    expect(stored.input).toBe('mail me at [redacted email]');
    expect(stored.output).toBe('ok');
    expect(stored.metadata).toEqual({ context: 'call [redacted phone]', other: 1 });
    expect(stored.detections.map((d) => [d.start, d.end, d.evidence])).toEqual([[0, 0, 'a***o'], [0, 0, '5**']]);
  });
});
