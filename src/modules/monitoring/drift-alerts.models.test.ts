import { describe, expect, it } from 'vitest';
import { buildDriftAlertKey, shouldAlert, type DriftAlertState } from './drift-alerts.models.ts';
import type { DriftStatus } from './drift.models.ts';

const HOUR = 60 * 60 * 1000;
const START = Date.UTC(2025, 0, 6, 9);

/** Runs the hourly job over a list of statuses and collects the actions. */
function runHourly(statuses: DriftStatus[], coolDownMs = 24 * HOUR) {
  let state: DriftAlertState | null = null;
  return statuses.map((status, hour) => {
    const decision = shouldAlert(state, { status }, START + hour * HOUR, { coolDownMs });
    state = decision.state;
    return decision.action;
  });
}

describe('shouldAlert', () => {
  it('alerts once for an ongoing drift and updates the alert afterwards', () => {
    expect(runHourly(['no_drift', 'drift', 'drift', 'drift'])).toEqual(['none', 'alert', 'update', 'update']);
  });

  it('does not alert again when drift returns before the cool-down ends', () => {
    const statuses: DriftStatus[] = ['drift', ...Array<DriftStatus>(3).fill('no_drift'), 'drift'];
    expect(runHourly(statuses, 4 * HOUR)).toEqual(['alert', 'none', 'none', 'none', 'update']);
  });

  it('resolves after a full cool-down of no drift, then alerts on the next episode', () => {
    const statuses: DriftStatus[] = ['drift', ...Array<DriftStatus>(5).fill('no_drift'), 'drift'];
    expect(runHourly(statuses, 4 * HOUR)).toEqual(['alert', 'none', 'none', 'none', 'none', 'resolve', 'alert']);
  });

  it('lets insufficient data neither end nor extend an episode', () => {
    const statuses: DriftStatus[] = ['drift', 'insufficient_data', 'no_drift', 'insufficient_data', 'no_drift', 'no_drift'];
    expect(runHourly(statuses, 2 * HOUR)).toEqual(['alert', 'none', 'none', 'none', 'resolve', 'none']);
  });

  it('records when the episode opened and when it last drifted', () => {
    const opened = shouldAlert(null, { status: 'drift' }, START);
    expect(opened).toEqual({ alert: true, action: 'alert', state: { openedAt: START, lastDriftAt: START, clearSince: null } });
    const cleared = shouldAlert(opened.state, { status: 'no_drift' }, START + HOUR);
    expect(cleared.state).toEqual({ openedAt: START, lastDriftAt: START, clearSince: START + HOUR });
  });

  it('keys episodes by source and metric without ambiguity', () => {
    expect(buildDriftAlertKey({ source: 'a:b', name: 'c' })).not.toBe(buildDriftAlertKey({ source: 'a', name: 'b:c' }));
  });
});
