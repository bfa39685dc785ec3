import { describe, expect, it } from 'vitest';
import { readPngSize, renderLineChartPng } from '../../shared/charts.ts';
import { assertWithinLimits } from '../../shared/slack-limits.ts';
import { parseDismissSubmission, parseProposalActionValue } from './calibration.actions.ts';
import { buildDismissModal, buildPrChartOptions, buildProposalCardMessage, type ProposalCardModel } from './calibration.blocks.ts';
import { computeCurve } from './calibration.models.ts';
import { buildPrChartPoints, type ThresholdFigureSet } from './calibration-proposal.models.ts';

const set = (threshold: number, precision: number, recall: number, flagsPerDay: number, reviewItemsPerDay: number): ThresholdFigureSet => ({
  threshold,
  precision,
  recall,
  precisionInterval: [precision - 0.05, Math.min(1, precision + 0.05)],
  recallInterval: [recall - 0.04, Math.min(1, recall + 0.02)],
  unweightedPrecision: Math.min(1, precision + 0.1),
  unweightedRecall: Math.min(1, recall + 0.03),
  flagsPerDay,
  reviewItemsPerDay,
});

const card: ProposalCardModel = {
  id: 'cal_01JD0000000000000000000000',
  source: 'support-bot',
  grader: 'tone',
  graderVersion: '3f2a9c1b7e44',
  status: 'open',
  currentThreshold: 0.7,
  proposedThreshold: 0.62,
  figures: {
    objective: { kind: 'target_recall', recall: 0.95 },
    dimension: 'tone',
    labels: { violations: 45, nonViolations: 120 },
    confidence: 0.95,
    intervalMethod: 'wilson',
    current: set(0.7, 0.8, 0.81, 1210, 1300.5),
    proposed: set(0.62, 0.71, 0.95, 1840, 1920.25),
    gradedPerDay: 20_000,
    deltaFlagsPerDay: 630,
    deltaReviewItemsPerDay: 619.75,
    rocAuc: 0.93,
  },
  createdBy: 'system:calibration',
  decidedBy: null,
  decisionReason: null,
  guardrailVersion: null,
  autoApplied: false,
};

const textOf = (message: { blocks: unknown[] }) => JSON.stringify(message.blocks);

describe('buildProposalCardMessage', () => {
  it('shows current vs proposed threshold, precision and recall with intervals, labels, flags and review load', () => {
    const message = buildProposalCardMessage(card);
    assertWithinLimits(message);
    expect(message.text).toBe('Threshold proposal for tone on support-bot: 0.70 → 0.62 (open)');
    const figures = message.blocks[2] as { fields: { text: string }[] };
    expect(figures.fields.map((field) => field.text)).toEqual([
      '*Precision* (live traffic)\n80.0% [75.0%, 85.0%] → 71.0% [66.0%, 76.0%]',
      '*Recall* (live traffic)\n81.0% [77.0%, 83.0%] → 95.0% [91.0%, 97.0%]',
      '*Flags per day*\n1,210.0 → 1,840.0 (+630.0)',
      '*Review load*\n1,300.5 → 1,920.3 items/day (+619.8)',
      '*Labels*\n45 violations · 120 not',
      '*Review queue* (unweighted)\nprecision 81.0% · recall 98.0%',
    ]);
  });

  it('carries Apply (with a confirmation) and Dismiss buttons whose values name the proposal', () => {
    const actions = buildProposalCardMessage(card).blocks.at(-1) as { elements: { action_id: string; value: string; confirm?: unknown }[] };
    expect(actions.elements.map((element) => [element.action_id, element.value])).toEqual([
      ['calibration.apply', 'apply|cal_01JD0000000000000000000000'],
      ['calibration.dismiss', 'dismiss|cal_01JD0000000000000000000000'],
    ]);
    expect(actions.elements[0]!.confirm).toBeDefined();
    expect(parseProposalActionValue(actions.elements[0]!.value, 'apply')).toEqual({ proposalId: card.id });
    expect(() => parseProposalActionValue(actions.elements[0]!.value, 'dismiss')).toThrow(/Invalid dismiss button value/);
  });

  it('replaces the buttons with the decision once decided, escaping the reason', () => {
    const dismissed = buildProposalCardMessage({ ...card, status: 'dismissed', decidedBy: 'slack:U0APPROVE1', decisionReason: 'wait for <!channel> & the new rubric' });
    expect(textOf(dismissed)).not.toContain('calibration.apply');
    expect(textOf(dismissed)).toContain('Dismissed by <@U0APPROVE1>*: wait for &lt;!channel&gt; &amp; the new rubric');
    const auto = buildProposalCardMessage({ ...card, status: 'applied', decidedBy: 'system:calibration', guardrailVersion: 7, autoApplied: true });
    expect(textOf(auto)).toContain('Auto-applied by Vigil (within the daily bound)* — guardrail version 7 sets *tone* to 0.62.');
    expect(dismissed.blocks[0]!.block_id).not.toBe(buildProposalCardMessage(card).blocks[0]!.block_id);
  });
});

describe('the Dismiss modal', () => {
  it('asks for a reason and reads it back with the proposal id and channel', () => {
    const modal = buildDismissModal(card, 'C07CALIBRAT');
    assertWithinLimits(modal);
    const submitted = { private_metadata: modal.private_metadata, state: { values: { calibration_dismiss_reason: { reason_input: { value: '  too early  ' } } } } };
    expect(parseDismissSubmission(submitted)).toEqual({ ok: true, metadata: { proposalId: card.id, channel: 'C07CALIBRAT' }, reason: 'too early' });
    const empty = { ...submitted, state: { values: {} } };
    expect(parseDismissSubmission(empty)).toEqual({ ok: false, errors: { calibration_dismiss_reason: 'Give a reason.' } });
  });
});

describe('the precision–recall chart', () => {
  it('renders as a valid PNG', async () => {
    const curve = computeCurve(Array.from({ length: 200 }, (_, i) => ({ score: i / 200, violation: (i * 7919) % 200 < i, weight: i < 100 ? 5 : 1 })));
    const points = buildPrChartPoints(curve, { current: card.figures.current, proposed: card.figures.proposed });
    const png = await renderLineChartPng(buildPrChartOptions(card, points));
    const size = readPngSize(png);
    // Drawn 560 × 280 plus axes and legend, rasterised at 2×.
    expect(size?.width).toBeGreaterThanOrEqual(1120);
    expect(size?.height).toBeGreaterThanOrEqual(560);
  }, 20_000);
});
