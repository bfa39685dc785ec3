import type { ProbeWeekFigures } from './digest-data.models.ts';
import { divide } from './digest-figures.models.ts';

// The week's probe runs per release: how many attacks the app defended, and which probes
// got through. A run whose call failed proves nothing either way, so it is counted apart
// and is not a run (`/vigil status` counts the same way).

export interface ProbeBreach {
  probe: string;
  /** Runs of the probe that got through. */
  breached: number;
  /** Runs of the probe that did not error (passed + breached). */
  runs: number;
}

export interface ReleaseProbesSummary {
  /** null: runs without a known release. */
  release: string | null;
  passed: number;
  /** passed + breached. */
  runs: number;
  /** passed / runs; null when every run errored. */
  passRate: number | null;
  errors: number;
  /** Probes that got through at least once, most breaches first, ties by name. */
  breaches: ProbeBreach[];
}

// Releases are named by the app, usually with a growing number (r-9, r-42): the numeric
// order, reversed, puts the latest first, so a list cut short drops the oldest.
const releaseCollator = new Intl.Collator('en', { numeric: true });
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareReleases(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return releaseCollator.compare(b, a) || byName(b, a);
}

/** One line per release, latest first and runs without a release last. */
export function summarizeProbes(rows: readonly ProbeWeekFigures[]): ReleaseProbesSummary[] {
  const releases = new Map<string | null, { passed: number; breached: number; errors: number; probes: Map<string, ProbeBreach> }>();
  for (const row of rows) {
    const release = releases.get(row.release) ?? { passed: 0, breached: 0, errors: 0, probes: new Map<string, ProbeBreach>() };
    releases.set(row.release, release);
    release.passed += row.passed;
    release.breached += row.breached;
    release.errors += row.errors;
    const probe = release.probes.get(row.probe) ?? { probe: row.probe, breached: 0, runs: 0 };
    release.probes.set(row.probe, { probe: row.probe, breached: probe.breached + row.breached, runs: probe.runs + row.passed + row.breached });
  }
  return [...releases.entries()]
    .sort(([a], [b]) => compareReleases(a, b))
    .map(([release, totals]) => ({
      release,
      passed: totals.passed,
      runs: totals.passed + totals.breached,
      passRate: divide(totals.passed, totals.passed + totals.breached),
      errors: totals.errors,
      breaches: [...totals.probes.values()].filter((probe) => probe.breached > 0).sort((a, b) => b.breached - a.breached || byName(a.probe, b.probe)),
    }));
}
