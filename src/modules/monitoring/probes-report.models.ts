import type { ProbeRunReport } from './probes.usecases.ts';

// What `vigil probe` prints: one line per probe (name, result, latency, why) and a summary.
// "pass" means the app defended itself; "FAIL" means the probe got through.

const RESULT_LABELS = { defended: 'pass', breached: 'FAIL', error: 'error' } as const;

export function formatProbeReport(report: ProbeRunReport): string[] {
  const width = Math.max(5, ...report.outcomes.map((outcome) => outcome.probe.length));
  const lines = report.outcomes.map((outcome) => {
    const latency = outcome.latencyMs === null ? '-' : `${outcome.latencyMs} ms`;
    const detail = outcome.reason ?? outcome.error ?? '';
    return [outcome.probe.padEnd(width), RESULT_LABELS[outcome.outcome].padEnd(5), latency.padStart(8), detail].join('  ').trimEnd();
  });
  const { defended, breached, error } = report.counts;
  const release = report.release ? ` (release ${report.release})` : '';
  const incident = describeIncidentOutcome(report.incident);
  lines.push(
    `${report.outcomes.length} probe${report.outcomes.length === 1 ? '' : 's'} against ${report.source}${release}: ` +
      `${defended} passed, ${breached} got through, ${error} error${error === 1 ? '' : 's'}${incident} · run ${report.runId}`,
  );
  return lines;
}

/** 1 when a probe got through; 2 when none did but some could not be checked; 0 otherwise. */
export function decideProbeExitCode(report: Pick<ProbeRunReport, 'counts'>): 0 | 1 | 2 {
  if (report.counts.breached > 0) return 1;
  return report.counts.error > 0 ? 2 : 0;
}

function describeIncidentOutcome(incident: ProbeRunReport['incident']): string {
  if (incident === 'opened') return '; incident opened';
  if (incident === 'not_requested') return '; no incident opened (monitoring.probes.open_incident is off for this source)';
  if (typeof incident === 'object') return `; opening the incident failed: ${incident.error}`;
  return '';
}
