import { describe, expect, it } from 'vitest';
import { collectRedactionSpans, computeCardVersion, describeGraderScore, selectShownText } from './review.models.ts';
import { describeVerdictStatus } from './review-copy.models.ts';
import { createReviewCard } from './review.test-utils.ts';

const approveU1 = { reviewerId: 'U1AAA', decision: 'approve' as const };
const rejectU2 = { reviewerId: 'U2BBB', decision: 'reject' as const, reasonCategory: 'tone' };

describe('describeVerdictStatus', () => {
  it('counts verdicts on a blind pending card without revealing any decision', () => {
    expect(describeVerdictStatus(createReviewCard({ verdicts: [approveU1] }))).toBe(':hourglass_flowing_sand: 1 of 2 reviewers have voted; waiting for 1 more.');
  });

  it('shows who decided what on a pending card once scores are visible', () => {
    expect(describeVerdictStatus(createReviewCard({ verdicts: [approveU1], showScores: true }))).toBe(
      ':hourglass_flowing_sand: 1 of 2 reviewers have voted; waiting for 1 more. <@U1AAA> approved',
    );
  });

  it('asks approvers to adjudicate a disagreement', () => {
    expect(describeVerdictStatus(createReviewCard({ state: 'needs_adjudication', verdicts: [approveU1, rejectU2] }))).toBe(
      ':warning: *Reviewers disagree* — an approver makes the final call. <@U1AAA> approved · <@U2BBB> rejected — Wrong tone',
    );
  });

  it('names who decided a final card', () => {
    const approved = createReviewCard({ state: 'final', outcome: 'approved', verdicts: [approveU1, { ...approveU1, reviewerId: 'U3CCC' }] });
    expect(describeVerdictStatus(approved)).toBe(':white_check_mark: *Approved* by <@U1AAA>, <@U3CCC>');
    const rejected = createReviewCard({ state: 'final', outcome: 'rejected', verdicts: [approveU1, rejectU2] });
    expect(describeVerdictStatus(rejected)).toBe(':x: *Rejected* by <@U2BBB> — Wrong tone');
  });

  it('says an expired card got no decision', () => {
    expect(describeVerdictStatus(createReviewCard({ state: 'expired', verdicts: [approveU1] }))).toBe(':clock3: *Expired* — not reviewed in time (1 of 2 reviewers had voted); nothing was decided.');
  });

  it('escapes a reviewer id that is not a Slack id', () => {
    const card = createReviewCard({ state: 'final', outcome: 'approved', verdicts: [{ reviewerId: '<!channel>', decision: 'approve' }] });
    expect(describeVerdictStatus(card)).toBe(':white_check_mark: *Approved* by &lt;!channel&gt;');
  });
});

describe('redaction on the card', () => {
  const detections = [
    { detector: 'pii' as const, kind: 'email', severity: 'warn' as const, field: 'output' as const, evidence: 'd••m', start: 4, end: 22 },
    { detector: 'injection' as const, kind: 'instruction_override', severity: 'warn' as const, field: 'output' as const, evidence: 'i••e', start: 0, end: 3 },
    { detector: 'secrets' as const, kind: 'api_key', severity: 'critical' as const, field: 'input' as const, evidence: 's••k', start: 0, end: 6 },
  ];

  it('redacts only secrets and PII of the field asked for', () => {
    const card = createReviewCard({ output: 'mailtodana@example.com!', input: 'sk-123 hi', detections });
    expect(collectRedactionSpans(card, 'output')).toEqual([{ start: 4, end: 22, kind: 'email' }]);
    expect(selectShownText(card, 'output')).toBe('mail[redacted email]!');
    expect(selectShownText(card, 'input')).toBe('[redacted api_key] hi');
  });

  it('shows raw text when redaction is off and null input as null', () => {
    const card = createReviewCard({ output: 'mailtodana@example.com!', input: null, detections, redact: false });
    expect(selectShownText(card, 'output')).toBe('mailtodana@example.com!');
    expect(selectShownText(card, 'input')).toBeNull();
  });
});

describe('computeCardVersion', () => {
  it('is stable for equal cards and changes with any change', () => {
    expect(computeCardVersion(createReviewCard())).toBe(computeCardVersion(createReviewCard()));
    expect(computeCardVersion(createReviewCard({ verdicts: [approveU1] }))).not.toBe(computeCardVersion(createReviewCard()));
    expect(computeCardVersion(createReviewCard())).toMatch(/^[0-9a-z]{7}$/);
  });
});

describe('describeGraderScore', () => {
  it('flags a score at or over its threshold', () => {
    expect(describeGraderScore({ grader: 'toxicity', score: 0.7, threshold: 0.7, label: 'rude <b>' })).toBe(
      ':warning: *toxicity* 0.70, at or over its 0.70 threshold, flagged — rude &lt;b&gt;',
    );
    expect(describeGraderScore({ grader: 'toxicity', score: 0.2, threshold: 0.7 })).toBe(':white_check_mark: *toxicity* 0.20, under its 0.70 threshold');
  });
});
