import { get as getEmoji } from 'node-emoji';

// Emoji shortcodes as Slack names them. node-emoji follows GitHub's names; these are the
// Slack names it does not know (Slack keeps both the old "large_" circles and the aliases).
const SLACK_ALIASES: Record<string, string> = {
  large_red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_green_circle: '🟢',
  large_blue_circle: '🔵',
  large_purple_circle: '🟣',
  large_brown_circle: '🟤',
  memory: '📝',
  scales: '⚖️',
  thumbsup: '👍',
  thumbsdown: '👎',
  simple_smile: '🙂',
};

const SHORTCODE = /:([a-z0-9_+'-]{1,64}):/g;

/** The emoji of every shortcode in `text`; unknown names are left out (the page shows them as typed, as Slack does). */
export function resolveEmojiIn(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, name] of text.matchAll(SHORTCODE)) {
    if (!name || name in found) continue;
    const emoji = SLACK_ALIASES[name] ?? getEmoji(name);
    if (emoji) found[name] = emoji;
  }
  return found;
}
