// Evidence is shown in Slack cards, API answers and logs, so it must never carry the
// secret or the personal data it points at: enough to recognise the kind, not to reuse it.

const MASK = '•';

/** Masks the middle of a match, keeping at most a quarter of it (up to 4 characters each side). */
export function maskEvidence(match: string): string {
  const length = [...match].length;
  if (length <= 4) return MASK.repeat(length);
  const chars = [...match];
  const keep = Math.min(4, Math.floor(length / 8));
  const hidden = Math.min(length - 2 * keep, 12);
  return chars.slice(0, keep).join('') + MASK.repeat(hidden) + chars.slice(length - keep).join('');
}

// A provider prefix says what leaked (`ghp_`, `sk-ant-`, `xoxb-`, `AKIA`) without weakening the
// secret: it is the same for every key of that kind. Nothing else is kept but the last 4.
const PROVIDER_PREFIX = /^(?:AKIA|ASIA|AIza|eyJ|[A-Za-z]{2,6}(?:[_-][A-Za-z]{2,6})?[_-])/;

/** Masks a secret down to its provider prefix (when it has one) and its last 4 characters. */
export function maskSecret(match: string): string {
  const chars = [...match];
  if (chars.length <= 12) return MASK.repeat(Math.min(chars.length, 12));
  const prefix = PROVIDER_PREFIX.exec(match)?.[0] ?? '';
  const keptPrefix = prefix.length <= chars.length / 4 ? prefix : '';
  return `${keptPrefix}${MASK.repeat(8)}${chars.slice(-4).join('')}`;
}
