import { describe, expect, it } from 'vitest';
import { computeMedian, computePercentile, rankCounts } from './digest-figures.models.ts';
import { summarizeWeek, type WeekData } from './digest.models.ts';
import { parseWeekKey } from './digest-weeks.models.ts';

const week = (key: string) => parseWeekKey(key, 'UTC')!;

function emptyWeek(key: string): WeekData {
  return {
    source: 'support-bot',
    period: week(key),
    events: { events: 0, checked: 0, flagged: 0, flagsByCheck: {} },
    graders: [],
    changes: { versions: [], thresholds: [], rollbacks: [], killSwitches: [] },
    review: null,
    calibration: null,
    incidents: null,
    probes: null,
  };
}

describe('summarizeWeek', () => {
  it('gives null rates, not zeros, for a week with nothing in it', () => {
    const summary = summarizeWeek(
      { ...emptyWeek('2026-W47'), review: { sampled: 0, approved: 0, rejected: 0, rejectionReasons: {}, tone: { count: 0, sum: 0 }, brand: { count: 0, sum: 0 }, decisionTimesMs: [], slaBreaches: 0, backlog: 0, expiredUnreviewed: 0, verdictsByReviewer: {} }, incidents: [] },
      emptyWeek('2026-W46'),
    );
    expect(summary.volume.events).toEqual({ value: 0, previous: 0, delta: 0, ratio: null });
    expect(summary.flaggedShare).toBeNull();
    expect(summary.findings).toEqual({
      reviewed: 0,
      approved: 0,
      rejected: 0,
      approvalRate: null,
      rejectionRate: null,
      topRejectionReasons: [],
      averageTone: null,
      toneRatings: 0,
      averageBrand: null,
      brandRatings: 0,
    });
    expect(summary.reviewSpeed).toEqual({ medianDecisionMs: null, p90DecisionMs: null, slaBreaches: 0 });
    expect(summary.incidents).toEqual({ opened: 0, resolved: 0, medianTimeToAcknowledgeMs: null, medianTimeToResolveMs: null, list: [] });
    // Last week's review figures were not available: no change is claimed.
    expect(summary.volume.sampled).toBeNull();
    expect(summary.backlog).toEqual({ open: 0, change: null, expiredUnreviewed: 0 });
  });

  it('reports a grader without labels of one class with a null precision or recall', () => {
    const summary = summarizeWeek(
      {
        ...emptyWeek('2026-W47'),
        graders: [{ grader: 'tone', graded: 10, failed: 0 }],
        calibration: [{ grader: 'tone', threshold: 0.5, labels: [{ score: 0.2, violation: false, weight: 1 }] }],
      },
      emptyWeek('2026-W46'),
    );
    expect(summary.graders).toEqual([{ grader: 'tone', graded: 10, failed: 0, failureRate: 0, threshold: 0.5, labels: 1, precision: null, recall: null }]);
  });

  it('summarizes the probes only for a source that runs them, and an empty week as no releases', () => {
    expect(summarizeWeek(emptyWeek('2026-W47'), emptyWeek('2026-W46')).probes).toBeNull();
    expect(summarizeWeek({ ...emptyWeek('2026-W47'), probes: [] }, emptyWeek('2026-W46')).probes).toEqual([]);
    const rows = [{ release: 'r-42', probe: 'encoded-payload', passed: 3, breached: 1, errors: 0 }];
    expect(summarizeWeek({ ...emptyWeek('2026-W47'), probes: rows }, emptyWeek('2026-W46')).probes).toEqual([
      { release: 'r-42', passed: 3, runs: 4, passRate: 0.75, errors: 0, breaches: [{ probe: 'encoded-payload', breached: 1, runs: 4 }] },
    ]);
  });

  it('names the week by its ISO key and its local first and last days', () => {
    const summary = summarizeWeek(emptyWeek('2027-W01'), emptyWeek('2026-W53'));
    expect(summary.week).toEqual({ key: '2027-W01', start: week('2027-W01').start, end: week('2027-W01').end, firstDay: '2027-01-04', lastDay: '2027-01-10' });
    expect(summary.previousWeekKey).toBe('2026-W53');
  });
});

describe('digest figures', () => {
  it('takes the median, the nearest-rank percentile and ranked counts with stable ties', () => {
    expect(computeMedian([5, 1, 3])).toBe(3);
    expect(computeMedian([4, 1, 3, 2])).toBe(2.5);
    expect(computeMedian([])).toBeNull();
    expect(computePercentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(computePercentile([7], 0.9)).toBe(7);
    expect(rankCounts({ b: 2, a: 2, c: 5, d: 0 }, 3)).toEqual([
      { name: 'c', count: 5 },
      { name: 'a', count: 2 },
      { name: 'b', count: 2 },
    ]);
  });
});
