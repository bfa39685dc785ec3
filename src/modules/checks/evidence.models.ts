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
