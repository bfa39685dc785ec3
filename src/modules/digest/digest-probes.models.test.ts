import { describe, expect, it } from 'vitest';
import type { ProbeWeekFigures } from './digest-data.models.ts';
import { summarizeProbes } from './digest-probes.models.ts';

const row = (release: string | null, probe: string, passed: number, breached: number, errors = 0): ProbeWeekFigures => ({ release, probe, passed, breached, errors });

describe('summarizeProbes', () => {
  it('gives each release its pass rate over the runs that did not error, and the probes that got through, most breaches first', () => {
    const summary = summarizeProbes([
      row('r-9', 'role-play', 2, 1),
      row('r-42', 'role-play', 6, 0, 1),
      row(null, 'prompt-leak', 0, 0, 2),
      row('r-42', 'encoded-payload', 5, 2),
      row('r-9', 'encoded-payload', 1, 1),
      row('r-10', 'prompt-leak', 1, 0),
      row('r-42', 'prompt-leak', 8, 0),
      row('r-9', 'prompt-leak', 0, 0, 3),
      row('r-42', 'base64', 0, 1),
    ]);
    expect(summary).toEqual([
      {
        release: 'r-42',
        passed: 19,
        runs: 22,
        passRate: 19 / 22,
        errors: 1,
        breaches: [
          { probe: 'encoded-payload', breached: 2, runs: 7 },
          { probe: 'base64', breached: 1, runs: 1 },
        ],
      },
      { release: 'r-10', passed: 1, runs: 1, passRate: 1, errors: 0, breaches: [] },
      {
        release: 'r-9',
        passed: 3,
        runs: 5,
        passRate: 0.6,
        errors: 3,
        // A tie in breaches is broken by name.
        breaches: [
          { probe: 'encoded-payload', breached: 1, runs: 2 },
          { probe: 'role-play', breached: 1, runs: 3 },
        ],
      },
      // Every run errored: no rate rather than 0 %.
      { release: null, passed: 0, runs: 0, passRate: null, errors: 2, breaches: [] },
    ]);
  });

  it('adds up rows of the same release and probe', () => {
    expect(summarizeProbes([row('r-1', 'role-play', 1, 1), row('r-1', 'role-play', 2, 3, 1)])).toEqual([
      { release: 'r-1', passed: 3, runs: 7, passRate: 3 / 7, errors: 1, breaches: [{ probe: 'role-play', breached: 4, runs: 7 }] },
    ]);
  });

  it('has no releases for a week without probe runs', () => {
    expect(summarizeProbes([])).toEqual([]);
  });
});
