import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, fenceCodeBlock, formatInlineCode, neutralizeBackticks } from '../../shared/mrkdwn.ts';
import { context, header, section } from '../../shared/slack-blocks.ts';
import { truncateText } from '../../shared/slack-limits.ts';
import { describeCardMeta, joinLinesWithin, SEVERITY_ICONS, truncateSafeMrkdwn } from '../review/review.blocks.ts';
import { collectRedactionSpans, describeGraderScore, selectShownText, type ReviewCardModel } from '../review/review.models.ts';
import type { EscalationPrefill } from './incidents-modals.blocks.ts';
import type { SlackMessage } from './incidents.blocks.ts';
import type { IncidentSeverity } from './incidents.models.ts';
import type { Severity } from '../checks/checks.models.ts';
import { describeFlag, strongestFlag, summarizeFlags, toFlagLike } from '../checks/flag-wording.models.ts';
import { listCardFlags } from '../review/review-copy.models.ts';

// The evidence posted in an incident channel: a compact, read-only copy of the review card.
// The channel reaches more people than the review queue (on-call, whoever joins), so secrets
// and personal data are always redacted here, whatever the source's `review.redact` says.

const CAPS = { why: 600, flags: 1_200, scores: 600, input: 1_200, output: 2_000 } as const;

function withForcedRedaction(card: ReviewCardModel): ReviewCardModel {
  return { ...card, redact: true, showScores: true };
}

function formatExcerpt(label: string, text: string | null, max: number): string | null {
  if (text === null) return null;
  const display = neutralizeBackticks(escapeMrkdwn(text));
  return display.length === 0 ? `*${label}*\n_(empty)_` : `*${label}*\n${fenceCodeBlock(truncateText(display, max))}`;
}

/** The same words as the review card: what was found and where, with the masked match. */
function describeFlags(card: ReviewCardModel): string | null {
  const lines = [
    ...card.detections.map((d) => {
      const wording = describeFlag(toFlagLike(d));
      return `• ${SEVERITY_ICONS[d.severity]} ${wording.severityWords}: ${escapeMrkdwn(wording.headline)} ${formatInlineCode(d.evidence)}`;
    }),
    ...card.appFlags.map((flag) => {
      const wording = describeFlag({ check: flag.name, origin: 'app', ...(flag.severity ? { severity: flag.severity } : {}) }, { source: card.source });
      return `• :triangular_flag_on_post: ${escapeMrkdwn(wording.headline)}${flag.reason ? `: ${escapeMrkdwn(flag.reason)}` : ''}`;
    }),
  ];
  return lines.length === 0 ? null : joinLinesWithin(['*What was found*', ...lines], CAPS.flags);
}

function describeHeadline(card: ReviewCardModel): string {
  const strongest = strongestFlag(listCardFlags(card));
  return strongest ? describeFlag(strongest, { source: card.source }).headline : `review item of ${card.source}`;
}

export function buildEvidenceMessage(original: ReviewCardModel, incidentId: string): SlackMessage {
  const card = withForcedRedaction(original);
  const id = (part: string) => `evidence.${incidentId}.${part}`;
  const why = card.reasons.map((reason) => `${escapeMrkdwn(reason.code)}: ${escapeMrkdwn(reason.detail)}`).join(' · ');
  const flags = describeFlags(card);
  const scores = card.graderScores.map(describeGraderScore);
  const redacted = collectRedactionSpans(card, 'input').length + collectRedactionSpans(card, 'output').length;
  const excerpts = [
    formatExcerpt('Input', selectShownText(card, 'input'), CAPS.input),
    formatExcerpt('Output', selectShownText(card, 'output') ?? '', CAPS.output),
  ].filter((text): text is string => text !== null);
  const blocks: KnownBlock[] = [
    header(id('header'), truncateText(`Evidence: ${describeHeadline(card)}`, 150)),
    context(id('meta'), [describeCardMeta(card)]),
    ...(why ? [section(id('why'), truncateSafeMrkdwn(`*Why it was reviewed:* ${why}`, CAPS.why))] : []),
    ...(flags ? [section(id('flags'), flags)] : []),
    ...(scores.length > 0 ? [section(id('scores'), joinLinesWithin(['*Grader scores*', ...scores], CAPS.scores))] : []),
    ...excerpts.map((text, index) => section(id(`excerpt${index}`), text)),
    context(id('footer'), [
      `${redacted > 0 ? `:lock: ${redacted} secret, personal-data or system-prompt match${redacted === 1 ? '' : 'es'} redacted · ` : ''}Full text: Vigil API, item ${formatInlineCode(card.itemId)}`,
    ]),
  ];
  return { text: truncateText(`Evidence for incident ${incidentId}: item ${escapeMrkdwn(card.itemId)} of ${escapeMrkdwn(card.source)}`, 300), blocks };
}

const SEVERITY_FROM_FLAG: Record<Severity, IncidentSeverity> = { critical: 'SEV1', warn: 'SEV3', info: 'SEV4' };

/**
 * Prefills the escalate modal from a card: a title saying in words what the strongest flag
 * found ("Possible secret leak: AWS access key in a support-bot answer"), the severity that
 * flag deserves, and a summary of the item's facts. Never the input or output themselves,
 * which stay in the (redacted) evidence message: the summary also goes to PagerDuty.
 */
export function buildEscalationPrefill(card: ReviewCardModel, channel?: string): EscalationPrefill {
  const flags = listCardFlags(card);
  const strongest = strongestFlag(flags);
  const title = strongest ? describeFlag(strongest, { source: card.source }).headline : `Review finding in ${card.source}`;
  const facts = [
    `Item ${card.itemId} of ${card.source}`,
    card.release ? `release ${card.release}` : null,
    card.model ? `model ${card.model}${card.modelVersion ? ` ${card.modelVersion}` : ''}` : null,
  ].filter((fact): fact is string => fact !== null);
  const lines = [
    `${facts.join(', ')}.`,
    ...(flags.length > 0 ? [`Found: ${summarizeFlags(flags, { max: 5, source: card.source })}.`] : []),
    ...(card.reasons.length > 0 ? [`Reviewed because: ${card.reasons.map((reason) => reason.detail || reason.code).join('; ')}.`] : []),
  ];
  return {
    source: card.source,
    itemId: card.itemId,
    ...(channel ? { channel } : {}),
    severity: SEVERITY_FROM_FLAG[strongest?.severity ?? card.priority],
    title: truncateText(title, 150),
    summary: truncateText(lines.join('\n'), 3_000),
  };
}
