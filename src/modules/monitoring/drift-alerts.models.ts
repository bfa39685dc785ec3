// One alert per drift episode of one (source, metric). The hourly job keeps a DriftAlertState
// per key and asks, after every evaluation, what to do with the alert:
// - 'alert'   no open episode and the metric drifted: post an alert, open the episode;
// - 'update'  the episode is open and the metric still drifts: refresh the posted alert with
//             the latest statistic (no new message, so nothing is dropped and nobody is re-paged);
// - 'resolve' the metric has been back to no-drift for the whole cool-down: close the episode
//             (mark the alert resolved); the next drift is a new episode and alerts again;
// - 'none'    nothing to do.
// insufficient_data proves neither drift nor recovery, so it leaves the episode as it is.

import type { DriftStatus } from './drift.models.ts';

export const DEFAULT_DRIFT_COOL_DOWN_MS = 24 * 60 * 60 * 1000;

export interface DriftAlertState {
  /** When the episode's alert was posted (epoch ms). */
  openedAt: number;
  /** The latest evaluation that found drift. */
  lastDriftAt: number;
  /** The first no-drift evaluation since lastDriftAt; null while the metric still drifts. */
  clearSince: number | null;
}

export type DriftAlertAction = 'alert' | 'update' | 'resolve' | 'none';

export interface DriftAlertDecision {
  /** True only for 'alert': post a new message. */
  alert: boolean;
  action: DriftAlertAction;
  /** What to store for the key; null when no episode is open. */
  state: DriftAlertState | null;
}

export interface DriftAlertOptions {
  /** How long the metric must stay at no_drift before its episode closes. Default 24 h. */
  coolDownMs?: number;
}

export function shouldAlert(
  previous: DriftAlertState | null,
  result: { status: DriftStatus },
  now: number,
  options: DriftAlertOptions = {},
): DriftAlertDecision {
  const coolDownMs = options.coolDownMs ?? DEFAULT_DRIFT_COOL_DOWN_MS;
  if (!(coolDownMs >= 0)) throw new RangeError(`coolDownMs must be ≥ 0, got ${coolDownMs}`);
  if (result.status === 'insufficient_data') return { alert: false, action: 'none', state: previous };
  if (result.status === 'drift') {
    if (!previous) {
      return { alert: true, action: 'alert', state: { openedAt: now, lastDriftAt: now, clearSince: null } };
    }
    return { alert: false, action: 'update', state: { ...previous, lastDriftAt: now, clearSince: null } };
  }
  if (!previous) return { alert: false, action: 'none', state: null };
  const clearSince = previous.clearSince ?? now;
  if (now - clearSince >= coolDownMs) return { alert: false, action: 'resolve', state: null };
  return { alert: false, action: 'none', state: { ...previous, clearSince } };
}

/** The key the job stores DriftAlertState under: one episode per (source, metric). */
export function buildDriftAlertKey(metric: { source: string; name: string }): string {
  return JSON.stringify([metric.source, metric.name]);
}
