import type { WeekChange } from './digest-figures.models.ts';

// How the digest writes numbers: grouped thousands, percentages with one decimal,
// week-over-week arrows, and durations a manager reads at a glance (42 min, 3 h 5 min).

const MINUTE_MS = 60_000;

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatPercent(share: number | null): string {
  if (share === null) return 'n/a';
  const percent = share * 100;
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`;
}

export function formatDecimal(value: number | null, digits = 2): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

/** `▲ 12%` / `▼ 3%` against last week; `▲ new` when last week had none; `same as last week` when unchanged. */
export function formatChange(change: WeekChange): string {
  if (change.delta === 0) return '· same as last week';
  const arrow = change.delta > 0 ? '▲' : '▼';
  if (change.ratio === null) return `${arrow} new`;
  return `${arrow} ${formatPercent(Math.abs(change.ratio))}`;
}

/** `▲ 4` / `▼ 2` / `= 0`: for small counts such as the backlog, where a percentage exaggerates. */
export function formatDelta(change: WeekChange): string {
  if (change.delta === 0) return '· same as last week';
  return `${change.delta > 0 ? '▲' : '▼'} ${formatCount(Math.abs(change.delta))}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return 'n/a';
  const minutes = Math.round(ms / MINUTE_MS);
  if (minutes < 1) return '< 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

export function formatThreshold(value: number | null): string {
  return value === null ? 'none' : String(value);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `16–22 Nov 2026`, `28 Dec 2026 – 3 Jan 2027` from the week's first and last local dates (YYYY-MM-DD). */
export function formatDateRange(first: string, last: string): string {
  const [y1, m1, d1] = first.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = last.split('-').map(Number) as [number, number, number];
  if (y1 !== y2) return `${d1} ${MONTHS[m1 - 1]} ${y1} – ${d2} ${MONTHS[m2 - 1]} ${y2}`;
  if (m1 !== m2) return `${d1} ${MONTHS[m1 - 1]} – ${d2} ${MONTHS[m2 - 1]} ${y2}`;
  return `${d1}–${d2} ${MONTHS[m2 - 1]} ${y2}`;
}
