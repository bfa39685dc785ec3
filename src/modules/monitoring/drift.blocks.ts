import type { Button, KnownBlock } from '@slack/types';
import { escapeMrkdwn, formatInlineCode, formatMention, formatSlackDate } from '../../shared/mrkdwn.ts';
import { button, context, fields, header, section } from '../../shared/slack-blocks.ts';
import { findSafeCut, truncateText } from '../../shared/slack-limits.ts';
import { MONITORING_ACTIONS, encodeStopBoostValue } from './monitoring.actions.ts';
import { DRIFT_TEST_LABELS, describeBoostState, describeStatistic, type DriftAlertCard } from './drift-card.models.ts';
import { formatPercent } from './drift-metrics.models.ts';

// The drift alert card. Metric names can carry app-reported strings (a model version), and
// figures list categories, so every such piece is escaped and cut; the chart PNG travels
// beside the message (postAlertCard uploads it), never inside a block.

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const FIELD_MAX = 600;
/** Metric and slice names can carry an app-reported version string. */
const NAME_MAX = 160;
const FIGURE_MAX = 1_200;

export function buildDriftAlertMessage(card: DriftAlertCard): SlackMessage {
  const { summary } = card;
  const id = (part: string) => `drift.${card.alertId}.${part}`;
  const metric = formatInlineCode(truncateText(summary.metric, NAME_MAX));
  const resolved = card.resolvedAt !== null;
  const blocks: KnownBlock[] = [
    header(id('header'), `${resolved ? 'Drift resolved' : 'Drift'}: ${summary.metric} on ${summary.source}`),
    fields(id('figures'), [
      `*Metric*\n${metric} (${summary.kind})`,
      `*Test*\n${DRIFT_TEST_LABELS[summary.test]} (\`${summary.test}\`)`,
      `*Statistic*\n${describeStatistic(summary)}`,
      `*Window sizes*\nreference ${summary.sizes.reference.toLocaleString('en-US')} · current ${summary.sizes.current.toLocaleString('en-US')}`,
      `*Reference* (${escapeMrkdwn(summary.windows.reference.label)})\n${formatSlackDate(summary.windows.reference.from)} → ${formatSlackDate(summary.windows.reference.to)}`,
      `*Current*\n${formatSlackDate(summary.windows.current.from)} → ${formatSlackDate(summary.windows.current.to)}`,
    ].map((text) => cut(text, FIELD_MAX))),
    section(id('before_after'), cut(`*Before* ${escapeMrkdwn(summary.figures.reference)}\n*After* ${escapeMrkdwn(summary.figures.current)}`, FIGURE_MAX)),
  ];
  if (card.boost) blocks.push(buildBoostSection(card, id('boost')));
  blocks.push(
    context(id('context'), [
      `Alert ${card.alertId} · opened ${formatSlackDate(card.openedAt)}${resolved ? ` · resolved ${formatSlackDate(card.resolvedAt as number)}` : ''} · ` +
        'one alert per drift episode: it updates while the drift lasts · statistics as Evidently computes them (docs/drift.md)',
    ]),
  );
  const text = truncateText(`${resolved ? 'Drift resolved' : 'Drift'} on ${summary.source}: ${summary.metric} (${describeStatistic(summary)})`, 300);
  return { text, blocks };
}

function buildBoostSection(card: DriftAlertCard, blockId: string) {
  const boost = card.boost!;
  const slice = formatInlineCode(truncateText(boost.slice, NAME_MAX));
  const state = describeBoostState(boost, card.now);
  if (state === 'stopped') {
    return section(blockId, cut(`Review sampling boost for ${slice} stopped by ${formatMention(boost.stoppedBy ?? 'unknown')} ${formatSlackDate(boost.stoppedAt as number)}.`, FIELD_MAX));
  }
  if (state === 'ended') {
    return section(blockId, cut(`Review sampling for ${slice} was raised to ${formatPercent(boost.rate)} until ${formatSlackDate(boost.until)}.`, FIELD_MAX));
  }
  const stop: Button = {
    ...button(MONITORING_ACTIONS.stopBoost, 'Stop boost', encodeStopBoostValue(boost.id), 'danger'),
    confirm: {
      title: { type: 'plain_text', text: 'Stop the sampling boost?' },
      text: { type: 'plain_text', text: "Review sampling of this slice goes back to the source's normal rates." },
      confirm: { type: 'plain_text', text: 'Stop boost' },
      deny: { type: 'plain_text', text: 'Keep it' },
    },
  };
  const text = `:mag: Review sampling raised to *${formatPercent(boost.rate)}* for ${slice} until ${formatSlackDate(boost.until)}. Approvers can stop it.`;
  return section(blockId, cut(text, FIELD_MAX), stop);
}

// Pieces are escaped before they are cut: the cut never splits an entity, a surrogate pair or
// a `<!date…>` / `<@U…>` token (half a token would show raw or break the message).
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = findSafeCut(text, max - 1);
  const open = text.lastIndexOf('<', end - 1);
  if (open > text.lastIndexOf('>', end - 1)) end = open;
  return `${text.slice(0, end)}…`;
}
