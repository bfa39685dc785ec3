import type { KnownBlock, ModalView } from '@slack/types';
import type { LineChartOptions, ChartPoint } from '../../shared/charts.ts';
import { escapeMrkdwn, formatMention } from '../../shared/mrkdwn.ts';
import { actions, button, context, fields, header, input, plainText, section } from '../../shared/slack-blocks.ts';
import { CALIBRATION_ACTIONS, CALIBRATION_VIEWS, DISMISS_MODAL_INPUT, encodeDismissMetadata, encodeProposalActionValue } from './calibration.actions.ts';
import { describeObjective } from './calibration.config.ts';
import { formatCount, formatInterval, formatPercent, formatSigned } from './calibration-format.models.ts';
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

function describeMetric(set: ThresholdFigureSet, metric: 'precision' | 'recall'): string {
  return `${formatPercent(set[metric])}${formatInterval(set[`${metric}Interval`])}`;
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
  const flags = f.current.flagsPerDay === null ? 'n/a' : `${formatCount(f.current.flagsPerDay, 1)} → ${formatCount(f.proposed.flagsPerDay, 1)} (${formatSigned(f.deltaFlagsPerDay, 1)})`;
  const load =
    f.current.reviewItemsPerDay === null ? 'n/a' : `${formatCount(f.current.reviewItemsPerDay, 1)} → ${formatCount(f.proposed.reviewItemsPerDay, 1)} items/day (${formatSigned(f.deltaReviewItemsPerDay, 1)})`;
  const blocks: KnownBlock[] = [
    header(`calibration.header.${tag}`, `Threshold proposal: ${card.grader} on ${card.source}`),
    section(
      `calibration.summary.${tag}`,
      `*${grader}* on *${source}*: move the threshold from *${threshold(card.currentThreshold)}* to *${threshold(card.proposedThreshold)}* to meet _${escapeMrkdwn(describeObjective(f.objective))}_.`,
    ),
    fields(`calibration.figures.${tag}`, [
      `*Precision* (live traffic)\n${describeMetric(f.current, 'precision')} → ${describeMetric(f.proposed, 'precision')}`,
      `*Recall* (live traffic)\n${describeMetric(f.current, 'recall')} → ${describeMetric(f.proposed, 'recall')}`,
      `*Flags per day*\n${flags}`,
      `*Review load*\n${load}`,
      `*Labels*\n${f.labels.violations} violations · ${f.labels.nonViolations} not`,
      `*Review queue* (unweighted)\nprecision ${formatPercent(f.proposed.unweightedPrecision)} · recall ${formatPercent(f.proposed.unweightedRecall)}`,
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
