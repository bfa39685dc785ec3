import type { KnownBlock, ModalView } from '@slack/types';
import type { LineChartOptions, ChartPoint } from '../../shared/charts.ts';
import { escapeMrkdwn, formatMention } from '../../shared/mrkdwn.ts';
import { actions, button, context, fields, header, input, plainText, section } from '../../shared/slack-blocks.ts';
import { CALIBRATION_ACTIONS, CALIBRATION_VIEWS, DISMISS_MODAL_INPUT, encodeDismissMetadata, encodeProposalActionValue } from './calibration.actions.ts';
import { describeObjective } from './calibration.config.ts';
import { formatCount, formatSigned } from './calibration-format.models.ts';
import type { ProposalFigures, ProposalStatus, ThresholdFigureSet } from './calibration-proposal.models.ts';

// The threshold proposal card and its Dismiss modal, from the proposal row. Pure. The
// card's numbers are the frozen figures of the proposal; once decided, the buttons give way
// to who decided what, so the message stays a record of the decision.

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface ProposalCardModel {
  id: string;
  source: string;
  grader: string;
  graderVersion: string;
  status: ProposalStatus;
  currentThreshold: number;
  proposedThreshold: number;
  figures: ProposalFigures;
  createdBy: string;
  decidedBy: string | null;
  decisionReason: string | null;
  guardrailVersion: number | null;
  autoApplied: boolean;
}

const threshold = (value: number) => value.toFixed(2);

/** An interval wider than this says "we do not know yet" more than it says a number. */
const TOO_WIDE_TO_TELL = 0.5;

const percent = (value: number) => `${Math.round(value * 100)}%`;

/** `71% (likely 66–76%)`, or in words when there is nothing or too little behind it. */
export function describeEstimate(value: number | null, interval: readonly [number, number] | null): string {
  if (value === null || !Number.isFinite(value)) return 'not measurable yet';
  if (!interval || !interval.every(Number.isFinite)) return percent(value);
  const [lower, upper] = interval;
  if (upper - lower >= TOO_WIDE_TO_TELL) return `${percent(value)}, too few labels to tell (anywhere from ${percent(lower)} to ${percent(upper)})`;
  return `${percent(value)} (likely ${Math.round(lower * 100)}–${percent(upper)})`;
}

function describeMetric(current: ThresholdFigureSet, proposed: ThresholdFigureSet, metric: 'precision' | 'recall'): string {
  return `now ${describeEstimate(current[metric], current[`${metric}Interval`])}\nproposed ${describeEstimate(proposed[metric], proposed[`${metric}Interval`])}`;
}

/** A daily figure only when the proposal moves it: `1,210 → 1,840 a day (+630)`. */
function describeDailyChange(label: string, before: number | null, after: number | null, delta: number | null, unit: string): string[] {
  if (before === null || after === null || delta === null || Math.abs(delta) < 0.05) return [];
  return [`*${label}*\n${formatCount(before, 0)} → ${formatCount(after, 0)} ${unit} a day (${formatSigned(delta, 0)})`];
}

function describeActor(actor: string): string {
  return actor.startsWith('slack:') ? formatMention(actor.slice('slack:'.length)) : escapeMrkdwn(actor);
}

function describeDecision(card: ProposalCardModel): string {
  const by = card.decidedBy ? describeActor(card.decidedBy) : 'Vigil';
  const reason = card.decisionReason ? `: ${escapeMrkdwn(card.decisionReason)}` : '';
  if (card.status === 'applied') {
    const how = card.autoApplied ? 'Auto-applied by Vigil (within the daily bound)' : `Applied by ${by}`;
    return `:white_check_mark: *${how}* — guardrail version ${card.guardrailVersion ?? '?'} sets *${escapeMrkdwn(card.grader)}* to ${threshold(card.proposedThreshold)}.`;
  }
  if (card.status === 'dismissed') return `:no_entry_sign: *Dismissed by ${by}*${reason}`;
  return `:hourglass: *Superseded*${reason}`;
}

export function buildProposalCardMessage(card: ProposalCardModel): SlackMessage {
  const f = card.figures;
  const tag = `${card.id}.${card.status}`;
  const grader = escapeMrkdwn(card.grader);
  const source = escapeMrkdwn(card.source);
  const blocks: KnownBlock[] = [
    header(`calibration.header.${tag}`, `Threshold proposal: ${card.grader} on ${card.source}`),
    section(
      `calibration.summary.${tag}`,
      `*${grader}* on *${source}*: move the threshold from *${threshold(card.currentThreshold)}* to *${threshold(card.proposedThreshold)}* to meet _${escapeMrkdwn(describeObjective(f.objective))}_.`,
    ),
    fields(`calibration.figures.${tag}`, [
      `*Precision* — flags that were real problems\n${describeMetric(f.current, f.proposed, 'precision')}`,
      `*Recall* — real problems that get flagged\n${describeMetric(f.current, f.proposed, 'recall')}`,
      ...describeDailyChange('Flags', f.current.flagsPerDay, f.proposed.flagsPerDay, f.deltaFlagsPerDay, 'flags'),
      ...describeDailyChange('Review load', f.current.reviewItemsPerDay, f.proposed.reviewItemsPerDay, f.deltaReviewItemsPerDay, 'items'),
      `*Based on*\n${formatCount(f.labels.violations)} item${f.labels.violations === 1 ? '' : 's'} reviewers rejected, ${formatCount(f.labels.nonViolations)} they approved`,
    ]),
    context(`calibration.context.${tag}`, [
      `Grader version \`${escapeMrkdwn(card.graderVersion)}\` (${escapeMrkdwn(f.dimension)}) · live-traffic figures weight each verdict by 1 / its inclusion probability · ${Math.round(f.confidence * 100)}% ${escapeMrkdwn(f.intervalMethod)} intervals · proposed by ${describeActor(card.createdBy)} · the precision–recall chart is in the thread`,
    ]),
  ];
  if (card.status === 'open') {
    const apply = button(CALIBRATION_ACTIONS.apply, 'Apply', encodeProposalActionValue('apply', card.id), 'primary');
    apply.confirm = {
      title: plainText('Apply this threshold?'),
      text: plainText(`${card.grader} on ${card.source}: ${threshold(card.currentThreshold)} → ${threshold(card.proposedThreshold)}. This creates a new guardrail version, live at once.`),
      confirm: plainText('Apply'),
      deny: plainText('Cancel'),
    };
    blocks.push(actions(`calibration.actions.${tag}`, [apply, button(CALIBRATION_ACTIONS.dismiss, 'Dismiss', encodeProposalActionValue('dismiss', card.id))]));
  } else {
    blocks.push(section(`calibration.decision.${tag}`, describeDecision(card)));
  }
  const text = `Threshold proposal for ${card.grader} on ${card.source}: ${threshold(card.currentThreshold)} → ${threshold(card.proposedThreshold)} (${card.status})`;
  return { text, blocks };
}

export function buildDismissModal(card: Pick<ProposalCardModel, 'id' | 'grader' | 'source' | 'currentThreshold' | 'proposedThreshold'>, channel: string | null): ModalView {
  return {
    type: 'modal',
    callback_id: CALIBRATION_VIEWS.dismiss,
    private_metadata: encodeDismissMetadata({ proposalId: card.id, channel }),
    title: plainText('Dismiss proposal'),
    submit: plainText('Dismiss'),
    close: plainText('Cancel'),
    blocks: [
      section('calibration.dismiss.summary', `Keep *${escapeMrkdwn(card.grader)}* on *${escapeMrkdwn(card.source)}* at ${threshold(card.currentThreshold)} instead of ${threshold(card.proposedThreshold)}?`),
      input(DISMISS_MODAL_INPUT.blockId, 'Why? (kept in the audit log)', {
        type: 'plain_text_input',
        action_id: DISMISS_MODAL_INPUT.actionId,
        multiline: true,
        max_length: 500,
      }),
    ],
  };
}

export function buildPrChartOptions(card: Pick<ProposalCardModel, 'grader' | 'source'>, points: ChartPoint[]): LineChartOptions {
  return {
    title: `${card.grader} on ${card.source}: precision vs recall (live traffic: weighted by 1/p)`,
    xTitle: 'recall',
    yTitle: 'precision',
    points,
    xType: 'quantitative',
    yDomain: [0, 1],
  };
}

/** A one-line answer to the person who clicked (refusals, stale proposals). */
export function buildNoticeMessage(text: string): SlackMessage {
  return { text, blocks: [section('calibration.notice', text)] };
}
