import type { ActionsBlockElement, KnownBlock } from '@slack/types';
import { CODE_FENCE_OVERHEAD, escapeMrkdwn, fenceCodeBlock, formatInlineCode, formatSlackDate, neutralizeBackticks } from '../../shared/mrkdwn.ts';
import { actions, button, context, header, option, overflow, section, staticSelect } from '../../shared/slack-blocks.ts';
import { SLACK_LIMITS, findSafeCut, measureTextBudget, truncateText } from '../../shared/slack-limits.ts';
import { REVIEW_ACTIONS, REVIEW_OVERFLOW_OPTIONS, RATING_SCORES, encodeReviewActionValue } from './review.actions.ts';
import {
  collectRedactionSpans, computeCardVersion, describeGraderScore, isCardVotable, selectShownText, type ReviewCardModel,
} from './review.models.ts';
import { describeFlag, toFlagLike } from '../checks/flag-wording.models.ts';
import { SEVERITY_RANK } from '../checks/checks.models.ts';
import {
  CARD_COPY, EXCERPT_LABELS, describeCardFallback, describeCardHeader, describeRatingOption, describeRatingScale, describeSeverity,
  describeProbe, describeVerdictStatus, describeWhy,
} from './review-copy.models.ts';

export { SEVERITY_ICONS } from './review-copy.models.ts';

// The review card. Untrusted text is redacted on the raw string (detector offsets), then
// escaped, fenced and cut. Cards stay under Slack's undocumented ~12k block-text limit
// (msg_blocks_too_long): every other part has a cap, and the input and output share the rest.

/** The most characters of an input or output section, label and fences included. */
export const CARD_EXCERPT_MAX = 2_800;
const EXCERPT_LABEL_MAX = Math.max(...Object.values(EXCERPT_LABELS).map((label) => `*${label}*\n`.length));
const CAPS = { headline: 150, meta: 600, why: 800, flags: 1_200, scores: 800, notes: 1_200, status: 600 } as const;
/** Room for the labels and the truncation note that are added after measuring. */
const BUDGET_MARGIN = 400;

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

/** Each finding in words, most severe first, with its masked evidence: "• :red_circle: Critical — AWS access key in the answer `AKIA••••`". */
function describeFlags(card: ReviewCardModel): string | null {
  const detections = [...card.detections].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]).map((d) => {
    const wording = describeFlag(toFlagLike(d));
    return `• ${describeSeverity(d.severity)} — ${escapeMrkdwn(wording.short)} ${formatInlineCode(d.evidence)}`;
  });
  const appFlags = card.appFlags.map((flag) => {
    const wording = describeFlag({ check: flag.name, origin: 'app', severity: flag.severity ?? 'warn' });
    const icon = flag.severity ? describeSeverity(flag.severity) : ':triangular_flag_on_post: Flag';
    return `• ${icon} — ${escapeMrkdwn(wording.headline)}${flag.reason ? `: ${escapeMrkdwn(flag.reason)}` : ''}`;
  });
  const lines = [...detections, ...appFlags];
  return lines.length === 0 ? null : joinLinesWithin([CARD_COPY.findingsTitle, ...lines], CAPS.flags);
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
 * escalates most often right after a reviewer rejected. The decision row holds only Approve,
 * Reject and the menu; ratings, whose scales need words, get a row of their own.
 */
function buildCardControls(card: ReviewCardModel, id: (part: string) => string): KnownBlock[] {
  const itemId = card.itemId;
  const more = [option(CARD_COPY.viewFull, encodeReviewActionValue({ kind: 'view_full', itemId }))];
  if (card.canTighten) more.push(option(CARD_COPY.tighten, encodeReviewActionValue({ kind: REVIEW_OVERFLOW_OPTIONS.tighten, itemId })));
  if (card.canEscalate) more.push(option(CARD_COPY.escalate, encodeReviewActionValue({ kind: REVIEW_OVERFLOW_OPTIONS.escalate, itemId })));
  const menu = overflow(REVIEW_ACTIONS.overflow, more);
  if (!isCardVotable(card)) return [actions(id('actions'), [menu])];
  const rating = (kind: 'tone' | 'brand') =>
    staticSelect(REVIEW_ACTIONS[kind], describeRatingScale(kind), RATING_SCORES.map((score) => option(describeRatingOption(kind, score), encodeReviewActionValue({ kind, itemId, score }))));
  const decision: ActionsBlockElement[] = [
    button(REVIEW_ACTIONS.approve, CARD_COPY.approve, encodeReviewActionValue({ kind: 'approve', itemId }), 'primary'),
    button(REVIEW_ACTIONS.reject, CARD_COPY.reject, encodeReviewActionValue({ kind: 'reject', itemId }), 'danger'),
    menu,
  ];
  // A synthetic attack has no tone or brand to rate: the question is only whether it got through.
  if (card.probe) return [actions(id('actions'), decision)];
  return [
    actions(id('actions'), decision),
    context(id('ratehint'), [CARD_COPY.ratingsHint]),
    actions(id('ratings'), [rating('tone'), rating('brand'), button(REVIEW_ACTIONS.edgeCase, CARD_COPY.edgeCase, encodeReviewActionValue({ kind: 'edge_case', itemId }))]),
  ];
}

/** The review card: a message of at most 50 blocks and ~10k characters of text. */
export function buildReviewCardMessage(card: ReviewCardModel): { text: string; blocks: KnownBlock[] } {
  const id = createBlockIds(card);
  const flags = describeFlags(card);
  const probe = describeProbe(card);
  const top: KnownBlock[] = [
    header(id('header'), truncateText(describeCardHeader(card), CAPS.headline)),
    context(id('meta'), [truncateSafeMrkdwn(`${describeSeverity(card.priority)} · *${escapeMrkdwn(card.source)}* · ${describeCardMeta(card)}`, CAPS.meta)]),
    ...(probe ? [section(id('probe'), truncateSafeMrkdwn(probe, CAPS.why))] : []),
    section(id('why'), truncateSafeMrkdwn(`${CARD_COPY.whyLabel} ${describeWhy(card)}`, CAPS.why)),
    ...(flags ? [section(id('flags'), flags)] : []),
  ];
  const scores = card.showScores
    ? card.graderScores.length > 0 ? [section(id('scores'), joinLinesWithin([CARD_COPY.scoresTitle, ...card.graderScores.map(describeGraderScore)], CAPS.scores))] : []
    : card.graderScores.length > 0 ? [context(id('scores'), [CARD_COPY.scoresHidden])] : [];
  const redactedCount = collectRedactionSpans(card, 'input').length + collectRedactionSpans(card, 'output').length;
  const footer = [
    ...(redactedCount > 0 ? [CARD_COPY.hiddenMatches(redactedCount)] : []),
    ...card.notes.map((note) => truncateSafeMrkdwn(note, Math.floor(CAPS.notes / Math.max(1, card.notes.length)))),
  ].slice(0, SLACK_LIMITS.contextElements);
  const bottom: KnownBlock[] = [
    ...scores,
    section(id('status'), truncateSafeMrkdwn(describeVerdictStatus(card), CAPS.status)),
    ...buildCardControls(card, id),
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
    ...(typeof inputDisplay === 'string' ? [section(id('input'), formatExcerpt(EXCERPT_LABELS.input, inputDisplay, shares[0]!))] : []),
    section(id('output'), formatExcerpt(EXCERPT_LABELS.output, outputDisplay ?? '', shares.at(-1)!)),
  ];
  // View full reads the item, whatever its state, so a decided card offers it like an open one.
  if (cut) {
    const more = button(REVIEW_ACTIONS.viewFull, CARD_COPY.viewFull, encodeReviewActionValue({ kind: 'view_full', itemId: card.itemId }));
    excerpts.push(section(id('cut'), CARD_COPY.shortened, more));
  }
  return { text: truncateText(describeCardFallback(card), 300), blocks: [...top, ...excerpts, ...bottom] };
}
