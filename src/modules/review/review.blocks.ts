import type { ActionsBlockElement, KnownBlock } from '@slack/types';
import type { Severity } from '../checks/checks.models.ts';
import { CODE_FENCE_OVERHEAD, escapeMrkdwn, fenceCodeBlock, formatInlineCode, formatSlackDate, neutralizeBackticks } from '../../shared/mrkdwn.ts';
import { actions, button, context, header, option, overflow, section, staticSelect } from '../../shared/slack-blocks.ts';
import { SLACK_LIMITS, findSafeCut, measureTextBudget, truncateText } from '../../shared/slack-limits.ts';
import { REVIEW_ACTIONS, REVIEW_OVERFLOW_OPTIONS, RATING_SCORES, encodeReviewActionValue } from './review.actions.ts';
import {
  collectRedactionSpans, computeCardVersion, describeGraderScore, describeVerdictStatus, isCardVotable,
  selectShownText, type ReviewCardModel,
} from './review.models.ts';

// The review card. Untrusted text is redacted on the raw string (detector offsets), then
// escaped, fenced and cut. Cards stay under Slack's undocumented ~12k block-text limit
// (msg_blocks_too_long): every other part has a cap, and the input and output share the rest.

/** The most characters of an input or output section, label and fences included. */
export const CARD_EXCERPT_MAX = 2_800;
const EXCERPT_LABEL_MAX = '*Output*\n'.length;
const CAPS = { meta: 600, why: 800, flags: 1_200, scores: 800, notes: 1_200, status: 600 } as const;
/** Room for the labels and the truncation note that are added after measuring. */
const BUDGET_MARGIN = 400;

export const SEVERITY_ICONS: Record<Severity, string> = { critical: ':red_circle:', warn: ':large_orange_circle:', info: ':large_blue_circle:' };

export function createBlockIds(card: ReviewCardModel, prefix = 'review'): (part: string) => string {
  const version = computeCardVersion(card);
  return (part) => `${prefix}.${version}.${part}`;
}

/** Cuts safe mrkdwn without leaving half an entity or half a `<…>` sequence behind. */
export function truncateSafeMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = findSafeCut(text, max - 1);
  const open = text.lastIndexOf('<', cut - 1);
  if (open > text.lastIndexOf('>', cut - 1)) cut = open;
  return `${text.slice(0, cut)}…`;
}

/** Whole lines while they fit in `max`, then "…and N more". */
export function joinLinesWithin(lines: string[], max: number): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (length + line.length + 1 > max - 20) break;
    kept.push(line);
    length += line.length + 1;
  }
  const rest = lines.length - kept.length;
  return rest > 0 ? [...kept, `…and ${rest} more`].join('\n') : kept.join('\n');
}

export function describeCardMeta(card: ReviewCardModel): string {
  const model = card.model ? `Model *${escapeMrkdwn(card.model)}*${card.modelVersion ? ` ${escapeMrkdwn(card.modelVersion)}` : ''}` : 'Model unknown';
  const release = card.release ? `Release *${escapeMrkdwn(card.release)}*` : 'No release';
  return truncateSafeMrkdwn(`${release} · ${model} · ${formatSlackDate(card.occurredAt)} · Item ${formatInlineCode(card.itemId)}`, CAPS.meta);
}

function describeFlags(card: ReviewCardModel): string | null {
  const detections = card.detections.map(
    (d) => `• ${SEVERITY_ICONS[d.severity]} *${escapeMrkdwn(d.detector)}* ${escapeMrkdwn(d.kind)} in ${d.field} ${formatInlineCode(d.evidence)}`,
  );
  const appFlags = card.appFlags.map((flag) => {
    const icon = flag.severity ? SEVERITY_ICONS[flag.severity] : ':triangular_flag_on_post:';
    const score = flag.score === undefined ? '' : ` ${flag.score.toFixed(2)}`;
    return `• ${icon} app flag *${escapeMrkdwn(flag.name)}*${score}${flag.reason ? `: ${escapeMrkdwn(flag.reason)}` : ''}`;
  });
  const lines = [...detections, ...appFlags];
  return lines.length === 0 ? null : joinLinesWithin(['*Flags*', ...lines], CAPS.flags);
}

/** Shares `budget` among texts: short ones take what they need, long ones split the rest, each ≤ `cap`. */
export function allocateBudget(lengths: number[], budget: number, cap: number): number[] {
  const shares = lengths.map(() => 0);
  let remaining = Math.max(0, budget);
  const order = lengths.map((length, index) => ({ want: Math.min(length, cap), index })).sort((a, b) => a.want - b.want);
  order.forEach(({ want, index }, position) => {
    shares[index] = Math.min(want, Math.floor(remaining / (order.length - position)));
    remaining -= shares[index]!;
  });
  return shares;
}

/** A labelled code block of redacted, escaped, fence-safe text cut to `max`. */
function formatExcerpt(label: string, display: string, max: number): string {
  if (display.length === 0) return `*${label}*\n_(empty)_`;
  return `*${label}*\n${fenceCodeBlock(truncateText(display, Math.max(max, 40)))}`;
}

/**
 * The overflow menu stays on every card, decided ones too: an approver tightens a guardrail or
 * escalates most often right after a reviewer rejected. Votes show only while they are collected.
 */
function buildCardControls(card: ReviewCardModel): ActionsBlockElement[] {
  const itemId = card.itemId;
  const more = [option('View full', encodeReviewActionValue({ kind: 'view_full', itemId }))];
  if (card.canTighten) more.push(option('Tighten guardrail…', encodeReviewActionValue({ kind: REVIEW_OVERFLOW_OPTIONS.tighten, itemId })));
  if (card.canEscalate) more.push(option('Escalate…', encodeReviewActionValue({ kind: REVIEW_OVERFLOW_OPTIONS.escalate, itemId })));
  const menu = overflow(REVIEW_ACTIONS.overflow, more);
  if (!isCardVotable(card)) return [menu];
  const rating = (kind: 'tone' | 'brand', label: string) =>
    staticSelect(REVIEW_ACTIONS[kind], label, RATING_SCORES.map((score) => option(`${label} ${score}`, encodeReviewActionValue({ kind, itemId, score }))));
  return [
    button(REVIEW_ACTIONS.approve, 'Approve', encodeReviewActionValue({ kind: 'approve', itemId }), 'primary'),
    button(REVIEW_ACTIONS.reject, 'Reject', encodeReviewActionValue({ kind: 'reject', itemId }), 'danger'),
    rating('tone', 'Tone'),
    rating('brand', 'Brand'),
    button(REVIEW_ACTIONS.edgeCase, 'Edge case', encodeReviewActionValue({ kind: 'edge_case', itemId })),
    menu,
  ];
}

function describeFallback(card: ReviewCardModel): string {
  const what = `${escapeMrkdwn(card.source)} (${card.priority}) · item ${escapeMrkdwn(card.itemId)}`;
  if (card.state === 'pending') return truncateText(`Review needed: ${what}`, 300);
  if (card.state === 'needs_adjudication') return truncateText(`Reviewers disagree: ${what}`, 300);
  return truncateText(`${what}: ${card.outcome ?? 'no decision'}${card.state === 'expired' ? ' (expired)' : ''}`, 300);
}

/** The review card: a message of at most 50 blocks and ~10k characters of text. */
export function buildReviewCardMessage(card: ReviewCardModel): { text: string; blocks: KnownBlock[] } {
  const id = createBlockIds(card);
  const why = card.reasons.map((reason) => `${escapeMrkdwn(reason.code)}: ${escapeMrkdwn(reason.detail)}`).join(' · ');
  const flags = describeFlags(card);
  const top: KnownBlock[] = [
    header(id('header'), `${SEVERITY_ICONS[card.priority]} ${card.source} · ${card.priority}`),
    context(id('meta'), [describeCardMeta(card)]),
    ...(why ? [section(id('why'), truncateSafeMrkdwn(`*Why chosen:* ${why}`, CAPS.why))] : []),
    ...(flags ? [section(id('flags'), flags)] : []),
  ];
  const scores = card.showScores
    ? card.graderScores.length > 0 ? [section(id('scores'), joinLinesWithin(['*Grader scores*', ...card.graderScores.map(describeGraderScore)], CAPS.scores))] : []
    : card.graderScores.length > 0 ? [context(id('scores'), [':see_no_evil: Grader scores are hidden until you vote (blind review).'])] : [];
  const redactedCount = collectRedactionSpans(card, 'input').length + collectRedactionSpans(card, 'output').length;
  const footer = [
    ...(redactedCount > 0 ? [`:lock: ${redactedCount} secret, personal-data or system-prompt match${redactedCount === 1 ? '' : 'es'} redacted`] : []),
    ...card.notes.map((note) => truncateSafeMrkdwn(note, Math.floor(CAPS.notes / Math.max(1, card.notes.length)))),
  ].slice(0, SLACK_LIMITS.contextElements);
  const bottom: KnownBlock[] = [
    ...scores,
    section(id('status'), truncateSafeMrkdwn(describeVerdictStatus(card), CAPS.status)),
    actions(id('actions'), buildCardControls(card)),
    ...(footer.length > 0 ? [context(id('notes'), footer)] : []),
  ];

  const [inputDisplay, outputDisplay] = [selectShownText(card, 'input'), selectShownText(card, 'output') ?? ''].map((text) =>
    text === null ? null : neutralizeBackticks(escapeMrkdwn(text)),
  );
  const present = [inputDisplay, outputDisplay].filter((text): text is string => typeof text === 'string');
  const budget = SLACK_LIMITS.messageTextBudget - measureTextBudget([...top, ...bottom]) - BUDGET_MARGIN;
  const shares = allocateBudget(present.map((text) => text.length), budget, CARD_EXCERPT_MAX - CODE_FENCE_OVERHEAD - EXCERPT_LABEL_MAX);
  const cut = present.some((text, i) => text.length > shares[i]!);
  const excerpts: KnownBlock[] = [
    ...(typeof inputDisplay === 'string' ? [section(id('input'), formatExcerpt('Input', inputDisplay, shares[0]!))] : []),
    section(id('output'), formatExcerpt('Output', outputDisplay ?? '', shares.at(-1)!)),
  ];
  // View full reads the item, whatever its state, so a decided card offers it like an open one.
  if (cut) {
    const more = button(REVIEW_ACTIONS.viewFull, 'View full', encodeReviewActionValue({ kind: 'view_full', itemId: card.itemId }));
    excerpts.push(section(id('cut'), ':scissors: Truncated to fit Slack — *View full* shows the whole text.', more));
  }
  return { text: describeFallback(card), blocks: [...top, ...excerpts, ...bottom] };
}
