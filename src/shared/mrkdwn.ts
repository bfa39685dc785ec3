// Untrusted text (model inputs and outputs, app-reported names) must stay inert in Slack.
// Slack decodes exactly three entities, and every control sequence (<!channel>, <@U…>,
// <https://x|label>) lives inside <…>: escaping &, < and > defeats pings and forged links
// in one step. Nothing else is entity-encoded, because Slack would show it literally.
// Never send untrusted text with `link_names: true` or `parse: 'full'`.

/** Escapes `&` (first, so entities are not double-decoded), `<` and `>`; nothing else. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Breaks every run of backticks with zero-width spaces (` ``` ` → `` `\u200B`\u200B` ``) so text shown
 * inside a ``` code block can never close it and restyle what follows. The reader sees the same
 * backticks; copying them picks up invisible spaces, an acceptable cost for untrusted text.
 */
export function neutralizeBackticks(text: string): string {
  return text.replace(/`(?=`)/g, `\`${ZERO_WIDTH_SPACE}`);
}

/** Escaped, fence-safe text wrapped in a ``` block. Empty text gets a visible placeholder. */
export function formatCodeBlock(text: string): string {
  if (text.length === 0) return '_(empty)_';
  return fenceCodeBlock(neutralizeBackticks(escapeMrkdwn(text)));
}

/**
 * Wraps text that is already escaped and fence-safe (e.g. one chunk of a longer body). A backtick
 * at either edge would merge with the fence, so it is kept apart by a zero-width space too.
 */
export function fenceCodeBlock(safeText: string): string {
  const start = safeText.startsWith('`') ? ZERO_WIDTH_SPACE : '';
  const end = safeText.endsWith('`') ? ZERO_WIDTH_SPACE : '';
  return `\`\`\`${start}${safeText}${end}\`\`\``;
}

/** The most characters `fenceCodeBlock` adds around its text. */
export const CODE_FENCE_OVERHEAD = 8;

/**
 * Escaped inline code on one line. Inline code cannot contain a backtick at all, so backticks
 * become `ˋ` (U+02CB, a look-alike that cannot close the span) and line breaks become spaces.
 */
export function formatInlineCode(text: string): string {
  const flat = escapeMrkdwn(text).replace(/`/g, '\u02CB').replace(/[\r\n]+/g, ' ');
  return flat.length === 0 ? '' : `\`${flat}\``;
}

const USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const USERGROUP_ID = /^S[A-Z0-9]{2,30}$/;
const MENTION = /^<(?:@[UW][A-Z0-9]{2,30}|!subteam\^S[A-Z0-9]{2,30})>$/;

/**
 * A ping for a Slack user (`U…`/`W…`) or user-group (`S…`) id, or an already formatted
 * `<@U…>` / `<!subteam^S…>`. Anything else is shown escaped, so it can never ping.
 */
export function formatMention(idOrMention: string): string {
  if (USER_ID.test(idOrMention)) return `<@${idOrMention}>`;
  if (USERGROUP_ID.test(idOrMention)) return `<!subteam^${idOrMention}>`;
  if (MENTION.test(idOrMention)) return idOrMention;
  return escapeMrkdwn(idOrMention);
}

/** A Slack date token that each reader sees in their own time zone; the fallback is UTC. */
export function formatSlackDate(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return 'unknown time';
  const seconds = Math.floor(epochMs / 1000);
  const fallback = `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} {time}|${fallback}>`;
}
