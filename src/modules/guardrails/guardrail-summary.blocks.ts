import { escapeMrkdwn, formatInlineCode, formatSlackDate } from '../../shared/mrkdwn.ts';
import { truncateText } from '../../shared/slack-limits.ts';
import type { GuardrailVersion } from './guardrails.models.ts';

// The live guardrail of a source in a few lines of mrkdwn, for `/vigil guardrail <source>`
// and `/vigil status`. Blocklist entries are counted, not listed: they can be long, and a
// reviewer asking in a channel should not broadcast the exact words the app blocks.

const MAX_TEXT = 2_900;

/** One line: version, kill switch and pinned release; what `/vigil status` shows per source. */
export function describeGuardrailHeadline(version: GuardrailVersion): string {
  const kill = version.spec.kill_switch.on ? ' · :rotating_light: *kill switch ON*' : '';
  const pinned = version.spec.pinned_release ? ` · pinned to release ${formatInlineCode(version.spec.pinned_release.release)}` : '';
  return `guardrail v${version.version}${kill}${pinned}`;
}

export function describeGuardrail(version: GuardrailVersion): string {
  const { spec } = version;
  const graders = Object.entries(spec.graders).map(([name, rule]) => `• grader *${escapeMrkdwn(name)}*: ${rule.action} at score ≥ ${rule.threshold.toFixed(2)}`);
  const detectors = Object.entries(spec.detectors).map(([name, rule]) => `• detector *${name}*: ${rule.action}`);
  const lines = [
    `*${escapeMrkdwn(version.source)}* ${describeGuardrailHeadline(version)}`,
    `Last change: ${version.kind} by ${escapeMrkdwn(version.actor)}, ${formatSlackDate(version.createdAt)} — ${escapeMrkdwn(truncateText(version.reason, 200))}`,
    ...(spec.kill_switch.on ? [`Every \`/v1/check\` answers *block* with: ${escapeMrkdwn(truncateText(spec.kill_switch.message, 300))}`] : []),
    ...(graders.length > 0 ? graders : ['• no grader rules']),
    ...detectors,
    `• blocklist: ${spec.blocklist.words.length} word${spec.blocklist.words.length === 1 ? '' : 's'}, ${spec.blocklist.patterns.length} pattern${spec.blocklist.patterns.length === 1 ? '' : 's'}`,
  ];
  return truncateText(lines.join('\n'), MAX_TEXT);
}
