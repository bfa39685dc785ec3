import type { DividerBlock, HomeView, KnownBlock } from '@slack/types';
import type { Severity } from '../checks/checks.models.ts';
import { pluralize } from '../checks/flag-wording.models.ts';
import { escapeMrkdwn, formatSlackDate } from '../../shared/mrkdwn.ts';
import { context, header, section } from '../../shared/slack-blocks.ts';
import { truncateText } from '../../shared/slack-limits.ts';
import { truncateSafeMrkdwn } from './review.blocks.ts';
import { describeQueue, describeRoles, describeSeverity } from './review-copy.models.ts';

// The reviewer's App Home: what waits for them, what they did this week, how their verdicts
// compare with the other reviewers' and with known answers, and how long each source's queue
// is (expired items included, so nothing disappears without a trace).

export interface AppHomeModel {
  roles: { source: string; role: string }[];
  /** `headline`: what the item is, in words (plain text, escaped here). */
  pending: { itemId: string; source: string; priority: Severity; headline: string; sentAt: number | null; adjudication: boolean; cardUrl: string | null }[];
  verdicts: { approved: number; rejected: number; recent: { itemId: string; source: string; headline: string; decision: string; at: number }[] };
  queues: { source: string; queued: number; inReview: number; needsAdjudication: number; expiredThisWeek: number }[];
  /** Per source the user reviews, their agreement lines (plain text); absent when calibration is not wired. */
  standing?: { source: string; lines: string[] }[];
}

const MAX_PENDING = 20;
const divider = (blockId: string): DividerBlock => ({ type: 'divider', block_id: blockId });
const MAX_RECENT = 10;
const MAX_STANDING = 10;

function describePending(item: AppHomeModel['pending'][number]): string {
  const link = item.cardUrl ? `<${item.cardUrl}|Open card>` : '_card not posted yet_';
  const when = item.sentAt === null ? '' : ` · sent ${formatSlackDate(item.sentAt)}`;
  const adjudication = item.adjudication ? ' · :scales: *Reviewers disagree — your call*' : '';
  return `*${escapeMrkdwn(item.headline)}*\n${describeSeverity(item.priority)} · ${escapeMrkdwn(item.source)}${when}${adjudication} · ${link}`;
}

function buildStandingBlocks(standing: NonNullable<AppHomeModel['standing']>): KnownBlock[] {
  if (standing.length === 0) return [];
  const blocks: KnownBlock[] = [divider('home.d3'), section('home.standing.title', '*Your agreement*')];
  standing.slice(0, MAX_STANDING).forEach((entry, i) => {
    const lines = entry.lines.length > 0 ? entry.lines.map(escapeMrkdwn).join('\n') : '_Not enough shared or check items yet._';
    blocks.push(section(`home.standing.${i}`, truncateSafeMrkdwn(`*${escapeMrkdwn(entry.source)}*\n${lines}`, 2_000)));
  });
  const rest = standing.length - MAX_STANDING;
  if (rest > 0) blocks.push(context('home.standing.more', [`…and ${rest} more source${rest === 1 ? '' : 's'}`]));
  return blocks;
}

export function buildAppHomeView(model: AppHomeModel): HomeView {
  const blocks: KnownBlock[] = [header('home.title', 'Your review queue')];
  if (model.roles.length === 0) {
    blocks.push(section('home.none', 'You are not a reviewer of any source. A Vigil admin adds reviewers under `review.reviewers` in the config file.'));
  } else {
    blocks.push(context('home.roles', [truncateSafeMrkdwn(describeRoles(model.roles), 2_000)]));
  }
  blocks.push(section('home.pending.title', `*Waiting for you* (${model.pending.length}${model.pending.length >= MAX_PENDING ? '+' : ''})`));
  if (model.pending.length === 0) blocks.push(context('home.pending.empty', ['Nothing waits for your verdict. :tada:']));
  model.pending.slice(0, MAX_PENDING).forEach((item, i) => blocks.push(section(`home.pending.${i}`, truncateSafeMrkdwn(describePending(item), 2_000))));
  blocks.push(divider('home.d1'));
  const { approved, rejected, recent } = model.verdicts;
  blocks.push(section('home.verdicts', `*Your verdicts, last 7 days:* ${pluralize(approved + rejected, 'verdict')} (:white_check_mark: ${approved} approved · :x: ${rejected} rejected)`));
  if (recent.length > 0) {
    const lines = recent.slice(0, MAX_RECENT).map((v) => {
      const decided = v.decision === 'approve' ? ':white_check_mark: Approved' : ':x: Rejected';
      return `${decided} · ${escapeMrkdwn(truncateText(v.headline, 150))} · ${escapeMrkdwn(v.source)} · ${formatSlackDate(v.at)}`;
    });
    blocks.push(context('home.recent', [truncateSafeMrkdwn(lines.join('\n'), 2_900)]));
  }
  blocks.push(...buildStandingBlocks(model.standing ?? []));
  blocks.push(divider('home.d2'));
  blocks.push(section('home.queues.title', '*Queues by source*'));
  if (model.queues.length === 0) blocks.push(context('home.queues.empty', ['No source has review items.']));
  model.queues.slice(0, 40).forEach((q, i) =>
    blocks.push(
      section(
        `home.queue.${i}`,
        `*${escapeMrkdwn(q.source)}*: ${describeQueue(q)}`,
      ),
    ),
  );
  return { type: 'home', blocks } satisfies HomeView;
}
