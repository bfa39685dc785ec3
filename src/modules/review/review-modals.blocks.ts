import type { KnownBlock, ModalView, PlainTextInput } from '@slack/types';
import { CODE_FENCE_OVERHEAD, escapeMrkdwn, fenceCodeBlock, formatInlineCode, formatMention, neutralizeBackticks } from '../../shared/mrkdwn.ts';
import { actions, button, context, input, option, plainText, section, staticSelect } from '../../shared/slack-blocks.ts';
import { SLACK_LIMITS, chunkText, truncateText } from '../../shared/slack-limits.ts';
import {
  REJECT_MODAL_INPUTS, REJECT_NOTE_MAX_LENGTH, REVIEW_ACTIONS, REVIEW_VIEWS, encodeRejectMetadata, encodeReviewActionValue,
} from './review.actions.ts';
import { createBlockIds, describeCardMeta, joinLinesWithin, truncateSafeMrkdwn } from './review.blocks.ts';
import { describeGraderScore, selectShownText, type ReviewCardModel, type ReviewCardVerdict } from './review.models.ts';
import {
  CARD_COPY, EXCERPT_LABELS, REJECT_MODAL_COPY, describeCardHeadline, describeDimension, describeRejectReason, listDistinctDimensions,
} from './review-copy.models.ts';

// The card's modals and follow-up messages. Modals hold 100 blocks and ~250 kB of JSON, so the
// full-content modal is chunked into sections and cut, with a note, only past that.

function excerptOf(card: ReviewCardModel, max: number): string {
  const text = neutralizeBackticks(escapeMrkdwn(selectShownText(card, 'output') ?? ''));
  return text.length === 0 ? '_(empty answer)_' : fenceCodeBlock(truncateText(text, max));
}

/**
 * The reject modal: what is wrong (required), the rubric dimension it fails when no reason
 * already names it, and a note. Slack marks optional inputs itself, so labels do not repeat it.
 */
export function buildRejectModal(card: ReviewCardModel, message: { channel: string; ts: string }): ModalView {
  const reasons = (card.rejectReasons.length > 0 ? card.rejectReasons : ['other']).slice(0, SLACK_LIMITS.selectOptions);
  const dimensions = listDistinctDimensions(reasons, card.dimensions).slice(0, SLACK_LIMITS.selectOptions);
  const note: PlainTextInput = {
    type: 'plain_text_input', action_id: REJECT_MODAL_INPUTS.note.actionId, multiline: true, max_length: REJECT_NOTE_MAX_LENGTH,
    placeholder: plainText(REJECT_MODAL_COPY.notePlaceholder),
  };
  const reasonSelect = staticSelect(REJECT_MODAL_INPUTS.reason.actionId, REJECT_MODAL_COPY.reasonPlaceholder, reasons.map((code) => option(describeRejectReason(code), code)));
  const dimensionSelect = staticSelect(REJECT_MODAL_INPUTS.dimension.actionId, REJECT_MODAL_COPY.dimensionPlaceholder, dimensions.map((code) => option(describeDimension(code), code)));
  const intro = `${escapeMrkdwn(describeCardHeadline(card))} · a *${escapeMrkdwn(card.source)}* answer\n${excerptOf(card, 300)}`;
  const blocks: KnownBlock[] = [
    section('reject_context', intro),
    input(REJECT_MODAL_INPUTS.reason.blockId, REJECT_MODAL_COPY.reasonLabel, reasonSelect),
    ...(dimensions.length > 0 ? [input(REJECT_MODAL_INPUTS.dimension.blockId, REJECT_MODAL_COPY.dimensionLabel, dimensionSelect, true)] : []),
    input(REJECT_MODAL_INPUTS.note.blockId, REJECT_MODAL_COPY.noteLabel, note, true),
  ];
  return {
    type: 'modal', callback_id: REVIEW_VIEWS.reject, title: plainText(REJECT_MODAL_COPY.title), submit: plainText('Reject'), close: plainText('Cancel'),
    private_metadata: encodeRejectMetadata({ itemId: card.itemId, channel: message.channel, ts: message.ts }), blocks,
  } satisfies ModalView;
}

/** Leaves room under Slack's 250 kB view limit for the JSON around the text. */
const FULL_MODAL_TEXT_BYTES = 200_000;
const FULL_MODAL_FIXED_BLOCKS = 6;

interface Budget { blocks: number; bytes: number }

/** How many chunks, from the start, fit in `budget`. */
function countFitting(chunks: string[], budget: Budget): { count: number; used: Budget } {
  let bytes = 0;
  let count = 0;
  for (const chunk of chunks) {
    const size = Buffer.byteLength(chunk, 'utf8') + 100;
    if (count + 1 > budget.blocks || bytes + size > budget.bytes) break;
    bytes += size;
    count += 1;
  }
  return { count, used: { blocks: count, bytes } };
}

function describeCut(label: string, shown: number, total: number, itemId: string): string {
  return `:scissors: ${label} cut at ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} characters: the rest does not fit in a Slack modal. The full text is in the Vigil API, item ${formatInlineCode(itemId)}.`;
}

/** The whole input and output, redacted and escaped, in ≤ 3,000-character sections and ≤ 100 blocks. */
export function buildFullContentModal(card: ReviewCardModel): ModalView {
  const id = createBlockIds(card, 'full');
  const size = SLACK_LIMITS.sectionText - CODE_FENCE_OVERHEAD;
  const fields = (['input', 'output'] as const).map((field) => {
    const display = neutralizeBackticks(escapeMrkdwn(selectShownText(card, field) ?? ''));
    return { field, present: field === 'output' || card.input !== null, display, chunks: chunkText(display, size) };
  }).filter((field) => field.present);
  const total: Budget = { blocks: SLACK_LIMITS.viewBlocks - FULL_MODAL_FIXED_BLOCKS, bytes: FULL_MODAL_TEXT_BYTES };
  const output = fields.at(-1)!;
  const inputNeed = fields.length === 2 ? countFitting(fields[0]!.chunks, { blocks: total.blocks / 2, bytes: total.bytes / 2 }).used : { blocks: 0, bytes: 0 };
  const outputFit = countFitting(output.chunks, { blocks: total.blocks - inputNeed.blocks, bytes: total.bytes - inputNeed.bytes });
  const inputFit = fields.length === 2 ? countFitting(fields[0]!.chunks, { blocks: total.blocks - outputFit.used.blocks, bytes: total.bytes - outputFit.used.bytes }) : null;
  const blocks: KnownBlock[] = [context(id('meta'), [`*${escapeMrkdwn(card.source)}* · ${describeCardMeta(card)}`])];
  for (const field of fields) {
    const count = field === output ? outputFit.count : inputFit!.count;
    const label = EXCERPT_LABELS[field.field];
    blocks.push(section(id(field.field), `*${label}*${field.display.length === 0 ? '\n_(empty)_' : ''}`));
    field.chunks.slice(0, count).forEach((chunk, i) => blocks.push(section(id(`${field.field}.${i}`), fenceCodeBlock(chunk))));
    if (count < field.chunks.length) {
      const shown = field.chunks.slice(0, count).reduce((sum, chunk) => sum + chunk.length, 0);
      blocks.push(context(id(`${field.field}.cut`), [describeCut(label, shown, field.display.length, card.itemId)]));
    }
  }
  if (card.redact) blocks.push(context(id('redacted'), [':lock: Secrets and personal data that Vigil found are hidden.']));
  return {
    type: 'modal', callback_id: REVIEW_VIEWS.full, title: plainText('Full text'), close: plainText('Close'),
    private_metadata: JSON.stringify({ itemId: card.itemId }), blocks,
  } satisfies ModalView;
}

/** What a reviewer sees right after voting on a blind card: the grader scores against their thresholds. */
export function buildScoresEphemeral(card: ReviewCardModel): { text: string; blocks: KnownBlock[] } {
  const id = createBlockIds(card, 'scores');
  const lines = card.graderScores.map(describeGraderScore);
  const body = lines.length > 0 ? joinLinesWithin(lines, SLACK_LIMITS.sectionText) : '_No grader scores for this item yet._';
  return {
    text: truncateText(`Your verdict is in — here is how the AI judges scored: ${escapeMrkdwn(describeCardHeadline(card))}`, 300),
    blocks: [
      section(id('intro'), truncateSafeMrkdwn(`*Your verdict is in.* How the AI judges scored this answer (${escapeMrkdwn(describeCardHeadline(card))}):`, 1_000)),
      section(id('list'), body),
      context(id('why'), ['Scores stay hidden until you vote, so they do not sway your verdict. A score at or over its threshold flags the answer.']),
    ],
  };
}

function describeRatings(verdict: ReviewCardVerdict): string {
  const parts = [
    verdict.tone === undefined ? null : `tone ${verdict.tone}`,
    verdict.brand === undefined ? null : `brand ${verdict.brand}`,
    verdict.edgeCase ? 'edge case' : null,
  ].filter((part) => part !== null);
  return parts.length > 0 ? ` · ${parts.join(' · ')}` : '';
}

/** A thread reply asking approvers to settle a disagreement, with the final Approve / Reject buttons. */
export function buildAdjudicationRequest(card: ReviewCardModel, approverMentions: string[]): { text: string; blocks: KnownBlock[] } {
  const id = createBlockIds(card, 'adjudicate');
  const mentions = approverMentions.map(formatMention).join(' ');
  const verdicts = card.verdicts.map((v) => {
    const reason = v.reasonCategory ? ` — ${escapeMrkdwn(describeRejectReason(v.reasonCategory))}` : '';
    const note = v.note ? `: “${escapeMrkdwn(truncateText(v.note.replace(/\s+/g, ' '), 200))}”` : '';
    const decided = v.decision === 'approve' ? 'approved' : `rejected${reason}${note}`;
    return `• ${formatMention(v.reviewerId)} ${decided}${describeRatings(v)}`;
  });
  const itemId = card.itemId;
  return {
    text: truncateText(`Reviewers disagree on ${escapeMrkdwn(card.source)} item ${escapeMrkdwn(itemId)}: please adjudicate.`, 300),
    blocks: [
      section(id('ask'), truncateSafeMrkdwn(`${mentions ? `${mentions} ` : ''}Reviewers disagree on this item. Please adjudicate: your decision is final.`, 1_000)),
      section(id('verdicts'), joinLinesWithin(verdicts.length > 0 ? verdicts : ['_No verdicts recorded._'], 1_500)),
      actions(id('actions'), [
        button(REVIEW_ACTIONS.adjudicateApprove, 'Approve', encodeReviewActionValue({ kind: 'adj_approve', itemId }), 'primary'),
        button(REVIEW_ACTIONS.adjudicateReject, 'Reject', encodeReviewActionValue({ kind: 'adj_reject', itemId }), 'danger'),
        button(REVIEW_ACTIONS.viewFull, CARD_COPY.viewFull, encodeReviewActionValue({ kind: 'view_full', itemId })),
      ]),
    ],
  };
}
