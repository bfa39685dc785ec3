import type { Detection, Flag, Severity } from '../checks/checks.models.ts';
import type { AppFlag } from '../ingestion/ingestion.models.ts';
import { describeFlag, pluralize, strongestFlag, summarizeFlags, toFlagLike, type FlagLike } from '../checks/flag-wording.models.ts';
import { capitalize, humanizeCode } from '../checks/flag-kinds.models.ts';
import { escapeMrkdwn, formatMention } from '../../shared/mrkdwn.ts';
import type { ReviewCardModel, ReviewCardVerdict, ReviewDecision } from './review.models.ts';

// Every sentence a reviewer reads on a card, its modals, its notices and App Home, in one
// place so they read alike. Plain words first; an emoji only ever sits beside words that say
// the same. Functions returning mrkdwn escape what they did not write themselves.

/** Emoji beside the words, never instead of them (screen readers read shortcodes oddly). */
export const SEVERITY_ICONS: Record<Severity, string> = { critical: ':red_circle:', warn: ':large_orange_circle:', info: ':large_blue_circle:' };
export const SEVERITY_LABELS: Record<Severity, string> = { critical: 'Critical', warn: 'Warning', info: 'Info' };

export function describeSeverity(severity: Severity): string {
  return `${SEVERITY_ICONS[severity]} ${SEVERITY_LABELS[severity]}`;
}

/** What each 1–5 rating means; the ends are spelled out on the control itself. */
export const RATING_SCALES: Record<'tone' | 'brand', { name: string; labels: readonly [string, string, string, string, string] }> = {
  tone: { name: 'Tone', labels: ['Off-putting', 'Cold', 'Neutral', 'Friendly', 'Excellent'] },
  brand: { name: 'Brand voice', labels: ['Off-brand', 'Mostly off-brand', 'Acceptable', 'On-brand', 'Excellent'] },
};

/** "Tone: 1 = off-putting … 5 = excellent" (a select's placeholder, ≤ 150 characters). */
export function describeRatingScale(kind: 'tone' | 'brand'): string {
  const { name, labels } = RATING_SCALES[kind];
  return `${name}: 1 = ${labels[0].toLowerCase()} … 5 = ${labels[4].toLowerCase()}`;
}

export function describeRatingOption(kind: 'tone' | 'brand', score: number): string {
  return `${score} · ${RATING_SCALES[kind].labels[score - 1] ?? ''}`;
}

/** Reject reasons in words; an unknown code is humanised. */
const REASON_WORDS: Readonly<Record<string, string>> = {
  factually_wrong: 'Factually wrong',
  off_brand: 'Off-brand',
  tone: 'Wrong tone',
  policy_violation: 'Breaks content policy',
  data_leak: 'Leaks data',
  unsafe: 'Unsafe',
  other: 'Something else',
};

/** Which rubric dimension a reject reason already names: the modal does not ask twice. */
export const REASON_DIMENSIONS: Readonly<Record<string, string>> = {
  tone: 'tone', off_brand: 'brand', policy_violation: 'policy', factually_wrong: 'accuracy', unsafe: 'safety',
};

const DIMENSION_WORDS: Readonly<Record<string, string>> = { brand: 'Brand voice', policy: 'Content policy' };

export function describeRejectReason(code: string): string {
  return REASON_WORDS[code] ?? capitalize(humanizeCode(code));
}

export function describeDimension(code: string): string {
  return DIMENSION_WORDS[code] ?? capitalize(humanizeCode(code));
}

/** Dimensions not already named by one of the reasons: what the modal still needs to ask. */
export function listDistinctDimensions(reasons: readonly string[], dimensions: readonly string[]): string[] {
  const implied = new Set(reasons.map((reason) => REASON_DIMENSIONS[reason]).filter((d): d is string => d !== undefined));
  return dimensions.filter((dimension) => !implied.has(dimension));
}

/** The dimension a reason names, when the source rates it. */
export function impliedDimension(reason: string, dimensions: readonly string[]): string | null {
  const dimension = REASON_DIMENSIONS[reason];
  return dimension && dimensions.includes(dimension) ? dimension : null;
}

/** Everything flagged on the card, detections with where they were found. */
export function listCardFlags(card: Pick<ReviewCardModel, 'detections' | 'appFlags' | 'graderScores' | 'reasons' | 'probe'>): FlagLike[] {
  const flags: FlagLike[] = card.detections.map(toFlagLike);
  if (card.probe) flags.push({ check: 'probe', origin: 'system', kind: card.probe.name, severity: 'critical', score: 1 });
  for (const score of card.graderScores) {
    if (score.score >= score.threshold) flags.push({ check: score.grader, origin: 'grader', kind: score.label ?? 'violation', severity: 'warn', score: score.score });
  }
  for (const flag of card.appFlags) flags.push({ check: flag.name, origin: 'app', severity: flag.severity ?? 'warn', ...(flag.score !== undefined ? { score: flag.score } : {}) });
  if (card.reasons.some((reason) => reason.code === 'grader_unavailable')) flags.push({ check: 'grader_unavailable', origin: 'system', severity: 'warn' });
  return flags;
}

/** "Possible secret leak: AWS access key in the answer"; plain text, for the header and the notification. */
export function describeCardHeadline(card: ReviewCardModel): string {
  // What got through matters less than that it was Vigil's own attack: said first.
  if (card.probe) return describeFlag({ check: 'probe', origin: 'system', kind: card.probe.name, severity: 'critical' }).headline;
  return describeItemHeadline(card.source, listCardFlags(card), card.reasons);
}

/** The headline of any review item: its strongest flag in words, else why it was sampled. Plain text. */
export function describeItemHeadline(source: string, flags: readonly FlagLike[], reasons: readonly { code: string }[]): string {
  const strongest = strongestFlag(flags);
  if (strongest) return describeFlag(strongest).headline;
  const codes = new Set(reasons.map((reason) => reason.code));
  if (codes.has('grader_unavailable')) return describeFlag({ check: 'grader_unavailable', origin: 'system', severity: 'warn' }).headline;
  if (codes.has('uncertainty')) return `Borderline: an AI judge was unsure about a ${source} answer`;
  if (codes.has('release_boost')) return `New release: a ${source} answer to check`;
  if (codes.has('drift_boost')) return `Drift check: a ${source} answer to check`;
  return `Spot check: a random ${source} answer`;
}

/**
 * An event's findings as flags: detections (which know where they were found), Vigil's other
 * flags (graders, grader_unavailable) and the app's own flags.
 */
export function listEventFlags(event: { detections: readonly Detection[]; flags: readonly Flag[]; appFlags: readonly AppFlag[] | null }): FlagLike[] {
  return [
    ...event.detections.map(toFlagLike),
    ...event.flags.filter((flag) => flag.origin !== 'detector'),
    ...(event.appFlags ?? []).map((flag) => ({ check: flag.name, origin: 'app' as const, severity: flag.severity ?? 'warn' })),
  ];
}

function describeReason(reason: { code: string; detail: string }): string | null {
  if (reason.code === 'grader_unavailable') return 'The AI judge could not grade it, so a person checks instead.';
  if (reason.code === 'uncertainty') return `The AI ${humanizeCode(reason.detail.split(' ')[0] ?? 'judge')} judge was unsure: its score is close to the line.`;
  if (reason.code === 'release_boost') return 'It comes from a new release or model, which Vigil checks more often at first.';
  if (reason.code === 'drift_boost') return `${capitalize(humanizeCode(reason.detail.split(' drift')[0] ?? 'traffic'))} has drifted, so Vigil checks more answers for now.`;
  if (reason.code === 'baseline') return 'Picked at random, so Vigil also measures ordinary answers.';
  return null;
}

/** One line of "why you are seeing this", in words; mrkdwn-safe. */
export function describeWhy(card: ReviewCardModel): string {
  const flags = listCardFlags(card);
  const vigil = flags.filter((flag) => flag.origin === 'detector' || flag.origin === 'grader');
  const app = flags.filter((flag) => flag.origin === 'app');
  const found = [
    ...(vigil.length > 0 ? [`Vigil’s checks flagged this: ${summarizeFlags(vigil)}.`] : []),
    ...(app.length > 0 ? [`${card.source} flagged it itself: ${summarizeFlags(app)}.`] : []),
  ];
  const others = card.reasons.filter((reason) => reason.code !== 'flag').map(describeReason).filter((line): line is string => line !== null);
  const lines = [...new Set([...found, ...others])];
  return escapeMrkdwn(lines.length > 0 ? lines.join(' ') : 'Vigil picked it for review.');
}

function describeVerdictWords(verdict: ReviewCardVerdict, withDecision: boolean): string {
  const decided = withDecision ? (verdict.decision === 'approve' ? ' approved' : ' rejected') : '';
  const reason = verdict.reasonCategory ? ` — ${escapeMrkdwn(describeRejectReason(verdict.reasonCategory))}` : '';
  const note = verdict.note ? `: “${escapeMrkdwn(verdict.note.replace(/\s+/g, ' ').slice(0, 300))}”` : '';
  return `${formatMention(verdict.reviewerId)}${decided}${reason}${note}`;
}

/** Where the votes stand, or who decided, why and with what note; safe mrkdwn. Blind pending cards reveal no decision. */
export function describeVerdictStatus(card: ReviewCardModel): string {
  const everyone = card.verdicts.map((verdict) => describeVerdictWords(verdict, true)).join(' · ');
  const given = card.verdicts.length;
  if (card.state === 'pending') {
    const waiting = given === 0
      ? `Waiting for ${card.requiredVerdicts === 1 ? 'a reviewer' : `${card.requiredVerdicts} reviewers`}.`
      : `${given} of ${card.requiredVerdicts} reviewers have voted; waiting for ${pluralize(card.requiredVerdicts - given, 'more')}.`;
    return `:hourglass_flowing_sand: ${waiting}${card.showScores && everyone ? ` ${everyone}` : ''}`;
  }
  if (card.state === 'needs_adjudication') return `:warning: *Reviewers disagree* — an approver makes the final call.${everyone ? ` ${everyone}` : ''}`;
  const outcome = card.outcome === 'approved' ? ':white_check_mark: *Approved*' : card.outcome === 'rejected' ? ':x: *Rejected*' : null;
  if (outcome === null) {
    const voted = given > 0 ? ` (${given} of ${card.requiredVerdicts} reviewers had voted)` : '';
    return `:clock3: *Expired* — not reviewed in time${voted}; nothing was decided.`;
  }
  const decision: ReviewDecision = card.outcome === 'approved' ? 'approve' : 'reject';
  const deciders = card.verdicts.filter((verdict) => verdict.decision === decision);
  if (card.adjudicatedBy) {
    const agreeing = deciders.length > 0 ? ` Agreed with ${deciders.map((verdict) => describeVerdictWords(verdict, false)).join('; ')}.` : '';
    return `${outcome} by ${formatMention(card.adjudicatedBy)}, settling a disagreement between reviewers.${agreeing}`;
  }
  const separator = deciders.some((verdict) => verdict.reasonCategory || verdict.note) ? '; ' : ', ';
  const by = deciders.length > 0 ? ` by ${deciders.map((verdict) => describeVerdictWords(verdict, false)).join(separator)}` : '';
  return `${outcome}${by}${card.state === 'expired' ? ' (expired)' : ''}`;
}

/**
 * The headline for a plain_text header. Whether Slack decodes `&lt;` in plain_text is
 * unverified, so the angle brackets of untrusted names become look-alikes that cannot form a
 * mention or a link either way.
 */
export function describeCardHeader(card: ReviewCardModel): string {
  return describeCardHeadline(card).replace(/</g, '‹').replace(/>/g, '›');
}

/** The notification text (parsed as mrkdwn, so escaped): what happened and what is asked. */
export function describeCardFallback(card: ReviewCardModel): string {
  const headline = escapeMrkdwn(describeCardHeadline(card));
  const where = `${escapeMrkdwn(card.source)}, ${SEVERITY_LABELS[card.priority].toLowerCase()}`;
  if (card.state === 'pending') return `Review needed — ${headline} (${where})`;
  if (card.state === 'needs_adjudication') return `Reviewers disagree — ${headline} (${where})`;
  const outcome = card.outcome === 'approved' ? 'Approved' : card.outcome === 'rejected' ? 'Rejected' : 'Expired without a decision';
  return `${outcome} — ${headline} (${where})`;
}

/** A repeated click or a Slack retry on a decided item: short, friendly, and says who settled it. */
export function describeClosedItemNotice(
  item: { state: string; outcome: 'approved' | 'rejected' | null; decidedBy: string | null },
  own: ReviewDecision | null,
  deciders: readonly string[],
): string {
  if (item.state === 'expired' && item.outcome === null) return ':clock3: This item expired before it was reviewed, so nothing changed.';
  const outcome = item.outcome === 'approved' ? 'approved' : 'rejected';
  if (own && (own === 'approve') === (item.outcome === 'approved') && !item.decidedBy) return `:white_check_mark: You already ${outcome} this — thanks.`;
  const who = item.decidedBy ? [item.decidedBy] : deciders;
  const by = who.length > 0 ? ` by ${who.map(formatMention).join(', ')}` : '';
  return `:lock: This was already ${outcome}${by} — nothing more to do.`;
}

/** The same decision clicked again while others are still voting. */
export function describeRepeatVote(decision: ReviewDecision): string {
  return `:white_check_mark: You already ${decision === 'approve' ? 'approved' : 'rejected'} this — thanks.`;
}

/** The labels of the input and output on cards and in View full, matching the headline's "in the answer". */
export const EXCERPT_LABELS = { input: 'User’s message', output: 'Answer' } as const;

export function describeEdgeCaseMarked(): string {
  return ':bookmark: Marked as an edge case — thanks. It will come up when the team calibrates.';
}

/** The reject modal's words; Slack adds "(optional)" to optional inputs itself. Title ≤ 24 characters. */
export const REJECT_MODAL_COPY = {
  title: 'Reject this answer',
  reasonLabel: 'What is wrong with it?',
  reasonPlaceholder: 'Choose a reason',
  dimensionLabel: 'Which part of the rubric does it fail?',
  dimensionPlaceholder: 'Choose a rubric dimension',
  noteLabel: 'Note for the team',
  notePlaceholder: 'What should the team know? e.g. the refund window is 30 days, not 14',
} as const;

/** A source's queue on App Home, in words; zero counts are left out. */
export function describeQueue(queue: { queued: number; inReview: number; needsAdjudication: number; expiredThisWeek: number }): string {
  const parts = [
    queue.inReview > 0 ? `${pluralize(queue.inReview, 'card')} waiting for reviewers` : null,
    queue.needsAdjudication > 0 ? `${queue.needsAdjudication} waiting for an approver to settle a disagreement` : null,
    queue.queued > 0 ? `${queue.queued} queued until the hourly card budget allows` : null,
    queue.expiredThisWeek > 0 ? `${queue.expiredThisWeek} expired unreviewed in the last 7 days` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(' · ') : 'nothing waiting';
}

const ROLE_WORDS: Readonly<Record<string, string>> = { reviewer: 'Reviewer', approver: 'Approver', oncall: 'On call', admin: 'Admin' };

/** "Reviewer of support-bot · Approver of sales-bot"; mrkdwn-safe. */
export function describeRoles(roles: readonly { source: string; role: string }[]): string {
  return roles.map((r) => `${ROLE_WORDS[r.role] ?? capitalize(humanizeCode(r.role))} of *${escapeMrkdwn(r.source)}*`).join(' · ');
}

/** The card's fixed words: its controls, labels and notes (button text ≤ 75 characters). */
export const CARD_COPY = {
  approve: 'Approve',
  reject: 'Reject…',
  viewFull: 'View full text',
  tighten: 'Tighten guardrail…',
  escalate: 'Escalate…',
  edgeCase: 'Mark as edge case',
  ratingsHint: '*Optional:* rate the answer, or mark it as an edge case worth discussing.',
  whyLabel: '*Why you are seeing this:*',
  findingsTitle: '*What was found*',
  scoresTitle: '*Grader scores*',
  scoresHidden: ':see_no_evil: The AI judges’ scores stay hidden until you vote, so they do not sway you.',
  shortened: ':scissors: Shortened to fit Slack — *View full text* shows all of it.',
  hiddenMatches: (count: number) => `:lock: ${pluralize(count, 'secret, personal-data or system-prompt match', 'secret, personal-data or system-prompt matches')} hidden`,
} as const;

/** A probe card says first that nobody real sent this: which attack, on which release and model, what got through. */
export function describeProbe(card: ReviewCardModel): string | null {
  if (!card.probe) return null;
  const facts = [
    `probe \`${escapeMrkdwn(card.probe.name).replace(/`/g, "'")}\``,
    ...(card.release ? [`release ${escapeMrkdwn(card.release)}`] : []),
    ...(card.model ? [`model ${escapeMrkdwn(card.model)}`] : []),
  ];
  const what = card.probe.reason ? ` What got through: ${escapeMrkdwn(card.probe.reason)}.` : '';
  return `:test_tube: *This is a synthetic attack Vigil sent*, not a real user (${facts.join(', ')}).${what} Reject if ${escapeMrkdwn(card.source)} should have refused it.`;
}
