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
  it('shows current vs proposed precision and recall with their likely range in words, the daily change and what it is based on', () => {
    const message = buildProposalCardMessage(card);
    assertWithinLimits(message);
    expect(message.text).toBe('Threshold proposal for tone on support-bot: 0.70 → 0.62 (open)');
    const figures = message.blocks[2] as { fields: { text: string }[] };
    expect(figures.fields.map((field) => field.text)).toEqual([
      '*Precision* — flags that were real problems\nnow 80% (likely 75–85%)\nproposed 71% (likely 66–76%)',
      '*Recall* — real problems that get flagged\nnow 81% (likely 77–83%)\nproposed 95% (likely 91–97%)',
      '*Flags*\n1,210 → 1,840 flags a day (+630)',
      '*Review load*\n1,301 → 1,920 items a day (+620)',
      '*Based on*\n45 items reviewers rejected, 120 they approved',
    ]);
  });

  it('leaves out figures the proposal does not move and says when too few labels stand behind a figure', () => {
    const unsure = { ...set(0.62, 0.5, 1, 1.7, 1.7), precision: null, precisionInterval: null, recallInterval: [0, 1] as [number, number] };
    const message = buildProposalCardMessage({ ...card, figures: { ...card.figures, labels: { violations: 1, nonViolations: 3 }, proposed: unsure, current: { ...unsure, threshold: 0.7 }, deltaFlagsPerDay: 0, deltaReviewItemsPerDay: 0 } });
    const figures = (message.blocks[2] as { fields: { text: string }[] }).fields.map((field) => field.text);
    expect(figures).toEqual([
      '*Precision* — flags that were real problems\nnow not measurable yet\nproposed not measurable yet',
      '*Recall* — real problems that get flagged\nnow 100%, too few labels to tell (anywhere from 0% to 100%)\nproposed 100%, too few labels to tell (anywhere from 0% to 100%)',
      '*Based on*\n1 item reviewers rejected, 3 they approved',
    ]);
    expect(textOf(message)).not.toMatch(/n\/a|\+0\.0/);
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
