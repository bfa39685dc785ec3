import type { DriftConfig } from './monitoring.config.ts';

// The two windows one drift check compares. The current window is the last `window_hours`;
// the reference is the 7 days before it, or the traffic since the current release went live
// (up to the current window). A release that went live inside the current window has no
// reference traffic yet: the reference is empty and every metric is insufficient_data.

export const HOUR_MS = 3_600_000;
const REFERENCE_DAYS = 7;

export interface DriftWindowPair {
  current: { from: number; to: number };
  reference: { from: number; to: number; label: string };
}

export function resolveDriftWindows(
  config: Pick<DriftConfig, 'window_hours' | 'reference'>,
  now: number,
  release: { release: string; firstSeenAt: number } | null,
): DriftWindowPair {
  const current = { from: now - config.window_hours * HOUR_MS, to: now };
  const previous = { from: current.from - REFERENCE_DAYS * 24 * HOUR_MS, to: current.from };
  if (config.reference === 'previous_7_days') return { current, reference: { ...previous, label: 'previous 7 days' } };
  if (!release) return { current, reference: { ...previous, label: 'previous 7 days (no release reported)' } };
  const from = Math.min(release.firstSeenAt, current.from);
  return { current, reference: { from, to: current.from, label: `since release ${release.release}` } };
}
