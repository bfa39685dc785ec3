import type { KnownBlock } from '@slack/types';
import { context, fields, header, section } from '../../shared/slack-blocks.ts';
import { SLACK_LIMITS, truncateText } from '../../shared/slack-limits.ts';
import type { DigestSummary } from './digest.models.ts';
import { formatCount, formatDateRange, formatPercent } from './digest-format.blocks.ts';
import {
  buildBacklogText, buildChangesText, buildFindingsText, buildKeyFigureFields, buildProbesText, buildReactionText,
} from './digest-sections.blocks.ts';

// The weekly digest as one Slack screen: a header, ten key figures with their change from
// last week, then four short sections (what humans found, what was changed, how fast the
// team reacted, the backlog), with the probes' pass rates after the findings for a source
// that runs probes. Lists stop at a few lines, so the message stays far inside
// Block Kit's limits whatever the week held.

export interface DigestMessage {
  text: string;
  blocks: KnownBlock[];
}

const divider = (blockId: string): KnownBlock => ({ type: 'divider', block_id: blockId });

const cut = (text: string) => truncateText(text, SLACK_LIMITS.sectionText);

export function buildDigestFallbackText(summary: DigestSummary): string {
  const { volume, findings } = summary;
  const rejected = findings?.rejectionRate == null ? '' : ` (${formatPercent(findings.rejectionRate)} rejected)`;
  const reviewed = findings ? `, ${formatCount(findings.reviewed)} reviewed${rejected}` : '';
  return `Vigil weekly digest for ${summary.source}, ${summary.week.key}: ${formatCount(volume.events.value)} events, ${formatCount(volume.flagged.value)} flagged${reviewed}.`;
}

/** `chartNote` tells readers where the trend chart is (it is uploaded next to the message). */
export function buildDigestMessage(summary: DigestSummary, options: { chartNote?: string } = {}): DigestMessage {
  const probesText = buildProbesText(summary);
  const blocks: KnownBlock[] = [
    header('digest_header', `Weekly digest · ${summary.source} · ${summary.week.key}`),
    context('digest_period', [`${formatDateRange(summary.week.firstDay, summary.week.lastDay)} · changes are against ${summary.previousWeekKey}`]),
    fields('digest_figures', buildKeyFigureFields(summary).map((field) => truncateText(field, SLACK_LIMITS.sectionField))),
    divider('digest_divider'),
    section('digest_findings', cut(buildFindingsText(summary))),
    ...(probesText === null ? [] : [section('digest_probes', cut(probesText))]),
    section('digest_changes', cut(buildChangesText(summary))),
    section('digest_reaction', cut(buildReactionText(summary))),
    section('digest_backlog', cut(buildBacklogText(summary))),
    context('digest_footer', [options.chartNote ?? 'Sent by Vigil every week. `/vigil digest &lt;source&gt;` shows it any time.']),
  ];
  return { text: buildDigestFallbackText(summary), blocks };
}

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Slack markup made readable in a terminal: `*bold*` → `bold`, `<@U1>` → `@U1`, `<!subteam^S1>` → `@S1`, entities decoded. */
export function toPlainText(mrkdwn: string): string {
  return unescape(
    mrkdwn
      .replace(/\*([^*\n]+)\*/g, '$1')
      .replace(/<@([A-Z0-9]+)>/g, '@$1')
      .replace(/<!subteam\^([A-Z0-9]+)>/g, '@$1'),
  );
}

/** The message as text, for `vigil digest --dry-run`: the same content the Slack message has. */
export function renderDigestText(message: DigestMessage): string {
  const lines: string[] = [];
  for (const block of message.blocks) {
    if (block.type === 'header') lines.push(block.text.text, '='.repeat(block.text.text.length));
    if (block.type === 'context') lines.push(...block.elements.map((element) => ('text' in element ? toPlainText(element.text) : '')));
    if (block.type === 'divider') lines.push('');
    if (block.type === 'section') {
      if (block.fields) lines.push(...block.fields.map((field) => toPlainText(field.text).replace('\n', ': ')));
      if (block.text) lines.push('', toPlainText(block.text.text));
    }
  }
  return `${lines.join('\n')}\n`;
}
