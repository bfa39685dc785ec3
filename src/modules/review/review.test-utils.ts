import type { ReviewCardModel } from './review.models.ts';

// A pending, blind card for two reviewers; tests override what they exercise.
export function createReviewCard(overrides: Partial<ReviewCardModel> = {}): ReviewCardModel {
  return {
    itemId: 'evt_01JBXK5M2N3P4Q5R6S7T8V9W0X',
    source: 'support-bot',
    release: 'r2024.10.3',
    model: 'gpt-4o-mini',
    modelVersion: '2024-07-18',
    occurredAt: 1_730_000_000_000,
    priority: 'warn',
    reasons: [{ code: 'random_sample', detail: 'uniform 2% sample' }],
    detections: [],
    appFlags: [],
    input: 'Where is my refund?',
    output: 'Your refund was sent on Monday.',
    redact: true,
    graderScores: [{ grader: 'brand-judge', score: 0.31, threshold: 0.7 }],
    showScores: false,
    verdicts: [],
    requiredVerdicts: 2,
    state: 'pending',
    outcome: null,
    rejectReasons: ['factually_wrong', 'policy_violation', 'tone'],
    dimensions: ['tone', 'brand', 'policy', 'accuracy'],
    notes: [],
    ...overrides,
  };
}
