import { describe, expect, it } from 'vitest';
import { summarizeVerdictEntries, type VerdictAuditEntry } from './review-digest.models.ts';

const entry = (itemId: string, actor: string, action: VerdictAuditEntry['action'], details: Record<string, unknown>): VerdictAuditEntry => ({ itemId, actor, action, details });

describe('summarizeVerdictEntries', () => {
  it('counts the last decision and the last ratings of each reviewer on each item once', () => {
    const figures = summarizeVerdictEntries([
      entry('rev_1', 'slack:U1', 'verdict.created', { decision: 'approve', previous: null }),
      entry('rev_1', 'slack:U1', 'verdict.changed', { decision: 'reject', previous: 'approve', reasonCategory: 'tone' }),
      entry('rev_1', 'slack:U1', 'verdict.rated', { tone: 2 }),
      entry('rev_1', 'slack:U1', 'verdict.rated', { tone: 1 }),
      entry('rev_1', 'slack:U2', 'verdict.rated', { brand: 4 }),
      entry('rev_2', 'slack:U1', 'verdict.created', { decision: 'reject', previous: null, reasonCategory: 'tone' }),
      entry('rev_2', 'slack:U1', 'verdict.rated', { edgeCase: true }),
    ]);
    expect(figures).toEqual({
      rejectionReasons: { tone: 2 },
      tone: { count: 1, sum: 1 },
      brand: { count: 1, sum: 4 },
      verdictsByReviewer: { U1: 2 },
    });
  });

  it('files a reject without a reason category under "unspecified"', () => {
    const figures = summarizeVerdictEntries([entry('rev_1', 'slack:U1', 'verdict.created', { decision: 'reject', previous: null })]);
    expect(figures.rejectionReasons).toEqual({ unspecified: 1 });
  });
});
