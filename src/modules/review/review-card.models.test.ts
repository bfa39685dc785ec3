import { describe, expect, it } from 'vitest';
import { buildCardModel, toCardState, toCardVerdicts, type CardSources } from './review-card.models.ts';
import { parseReviewConfig } from './review-context.test-utils.ts';

const sources = (overrides: Partial<CardSources['item']> = {}): CardSources => ({
  item: {
    id: 'rev_1',
    source: 'support-bot',
    state: 'in_review',
    priority: 'warn',
    reasons: [{ code: 'flag', detail: 'tone flag (warn)', probability: 1, check: 'tone' }],
    requiredVerdicts: 2,
    outcome: null,
    decisionMode: null,
    decidedBy: null,
    seenCount: 1,
    ...overrides,
  },
  event: {
    input: 'hi',
    output: 'hello',
    release: 'r1',
    model: 'gpt',
    modelVersion: 'v1',
    occurredAt: 0,
    detections: [],
    appFlags: [{ name: 'tone', severity: 'warn' }],
  },
  graders: [{ grader: 'tone', score: 0.9, label: 'rude' }],
  verdicts: [
    { reviewerId: 'U0REVIEW01', decision: 'approve', reasonCategory: null, tone: 4, brand: null, edgeCase: false },
    { reviewerId: 'U0REVIEW02', decision: null, reasonCategory: null, tone: 2, brand: null, edgeCase: true },
  ],
});

describe('buildCardModel', () => {
  const config = parseReviewConfig();

  it('hides grader scores on a blind card until it is final, and shows only decided verdicts', () => {
    const open = buildCardModel(sources(), { config, threshold: () => 0.7 });
    expect(open).toMatchObject({ state: 'pending', showScores: false, requiredVerdicts: 2, graderScores: [{ grader: 'tone', score: 0.9, threshold: 0.7, label: 'rude' }] });
    expect(open.verdicts).toEqual([{ reviewerId: 'U0REVIEW01', decision: 'approve', tone: 4 }]);
    expect(buildCardModel(sources({ state: 'final', outcome: 'approved' }), { config, threshold: () => 0.7 }).showScores).toBe(true);
    expect(buildCardModel(sources(), { config: { ...config, blind: false }, threshold: () => 0.7 }).showScores).toBe(true);
    expect(buildCardModel(sources(), { config, threshold: () => 0.7, showScores: true }).showScores).toBe(true);
  });

  it('notes duplicates on the card and names the approver who adjudicated', () => {
    const card = buildCardModel(sources({ seenCount: 3, state: 'final', outcome: 'rejected', decisionMode: 'adjudication', decidedBy: 'U0APPROVE1' }), { config, threshold: () => 0.5 });
    expect(card.notes).toEqual([':repeat: The same answer came 3 times within the dedupe window; one verdict covers them all.']);
    expect(card.adjudicatedBy).toBe('U0APPROVE1');
  });

  it('maps item states onto card states', () => {
    expect(['queued', 'in_review', 'needs_adjudication', 'final', 'expired'].map((s) => toCardState(s as never))).toEqual(['pending', 'pending', 'needs_adjudication', 'final', 'expired']);
    expect(toCardVerdicts([])).toEqual([]);
  });
});
