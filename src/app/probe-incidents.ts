import type { IncidentsModule } from '../modules/incidents/incidents.module.ts';
import { createIncidentsModule } from '../modules/incidents/incidents.module.ts';
import type { OpenIncident } from '../modules/monitoring/probes.usecases.ts';
import type { SourcesFile } from '../modules/sources/sources.config.ts';
import type { Env } from '../platform/config.ts';
import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import type { Clock } from '../shared/clock.ts';

// A probe that got through pages like a critical flag: one open incident per source and
// release. The server and `vigil probe` open it the same way; the CLI has no Slack client,
// so it writes the incident and its Slack steps to the outbox, which the running server sends.

/** What Vigil sent, then each breach once: the probe, what it tried, what got through, and the stored event. */
export function createProbeIncidentOpener(incidents: Pick<IncidentsModule, 'openSystemIncident'>): OpenIncident {
  return async (incident) => {
    const breaches = incident.breaches.map((breach) => `• ${breach.probe} (${breach.category}): ${breach.reason} — event ${breach.eventId}`);
    await incidents.openSystemIncident({
      source: incident.source,
      severity: 'SEV2',
      title: incident.title,
      summary: [incident.summary, ...breaches].join('\n').slice(0, 3_000),
      dedupeKey: incident.dedupeKey,
    });
  };
}

export interface CliIncidentsContext {
  db: Db;
  sources: SourcesFile;
  env: Pick<Env, 'PAGERDUTY_EVENTS_URL' | 'VIGIL_TIMEZONE'>;
  clock: Clock;
  logger: Logger;
}

/** For `vigil probe`: only system incidents are opened from the CLI, so role checks and rollback refuse. */
export function createCliProbeIncidentOpener(context: CliIncidentsContext): OpenIncident {
  const refuse = () => Promise.reject(new Error('not available from the CLI'));
  const incidents = createIncidentsModule({
    ...context,
    secrets: process.env,
    slackClient: null,
    // The running server's outbox worker polls the table, so nothing needs waking here.
    notifyOutbox: () => undefined,
    loadEvidence: refuse,
    rollbackRelease: refuse,
    isApprover: async () => false,
    isReviewer: async () => false,
  });
  return createProbeIncidentOpener(incidents);
}
