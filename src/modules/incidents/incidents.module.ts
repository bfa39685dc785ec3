import type { App } from '@slack/bolt';
import type { Env } from '../../platform/config.ts';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import type { Flag } from '../checks/checks.models.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { openAutoIncidents, openSystemIncident, type AutoIncidentContext, type SystemIncidentRequest } from './incidents-auto.usecases.ts';
import { acknowledgeIncident, postIncidentUpdate, resolveIncident, rollbackFromIncident } from './incidents-lifecycle.usecases.ts';
import { registerIncidentOutboxHooks, type OutboxHookRegistry } from './incidents-setup.usecases.ts';
import type { IncidentsDeps } from './incidents-steps.usecases.ts';
import { createIncidentsRepository } from './incidents.repository.ts';
import { createIncidentSlackReads, registerIncidentSlackHandlers } from './incidents.slack.ts';
import { escalate, prepareEscalation, type EscalateRequest } from './incidents.usecases.ts';
import { DEFAULT_PAGERDUTY_EVENTS_URL, createPagerDutyFetch, resolvePagerDutyRoutingKeys } from './pagerduty.client.ts';

// The incidents feature assembled from config, for the composition root: the use cases
// bound to their dependencies, and the three places it plugs in (Bolt listeners, outbox
// hooks, and the outbox's fetch, which adds PagerDuty routing keys at send time).

export interface IncidentsModuleOptions {
  db: Db;
  sources: SourcesFile;
  env: Pick<Env, 'PAGERDUTY_EVENTS_URL' | 'VIGIL_TIMEZONE'>;
  /** The raw environment, read once for the routing keys the config names (a missing one stops the start). */
  secrets: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  logger: Logger;
  /** Bolt's client for reads (user-group members, permalinks); null when Slack is off. */
  slackClient: Pick<SlackClient, 'usergroups' | 'chat'> | null;
  notifyOutbox(): void;
  loadEvidence: IncidentsDeps['loadEvidence'];
  rollbackRelease: IncidentsDeps['rollbackRelease'];
  isApprover: IncidentsDeps['isApprover'];
  isReviewer: IncidentsDeps['isReviewer'];
  findRollbackTarget?: IncidentsDeps['findRollbackTarget'];
}

export function createIncidentsModule(options: IncidentsModuleOptions) {
  const logger = options.logger.child({ ns: 'incidents' });
  const routingKeys = resolvePagerDutyRoutingKeys(options.sources, options.secrets);
  const eventsUrl = options.env.PAGERDUTY_EVENTS_URL ?? DEFAULT_PAGERDUTY_EVENTS_URL;
  const deps: IncidentsDeps = {
    repository: createIncidentsRepository({ db: options.db }),
    sources: Object.fromEntries(Object.entries(options.sources.sources).map(([name, source]) => [name, source.incidents])),
    pagerDutyEventsUrl: eventsUrl,
    timeZone: options.env.VIGIL_TIMEZONE,
    clock: options.clock,
    logger,
    notifyOutbox: options.notifyOutbox,
    loadEvidence: options.loadEvidence,
    rollbackRelease: options.rollbackRelease,
    isApprover: options.isApprover,
    isReviewer: options.isReviewer,
    slackReads: createIncidentSlackReads(options.slackClient, logger),
    ...(options.findRollbackTarget ? { findRollbackTarget: options.findRollbackTarget, rollbackTargets: new Map<string, boolean>() } : {}),
  };
  // Auto-incident rules see each flagged event once, right after it is stored; a failure is
  // logged and never fails the ingest (the event and its card are already safe).
  const ruledSources = new Set(Object.entries(deps.sources).filter(([, config]) => config.auto_rules.length > 0).map(([name]) => name));
  const onEventsFlagged = (events: readonly { source: string; id: string; flags: Flag[] }[]) => {
    for (const event of events) {
      if (!ruledSources.has(event.source)) continue;
      openAutoIncidents(deps, event.source, event.flags, options.clock.now(), { eventId: event.id }).catch((error: unknown) => {
        logger.error({ err: error, source: event.source, eventId: event.id }, 'auto-incident rule failed');
      });
    }
  };
  return {
    deps,
    /** For ingestion's `onFlagged`; undefined when no source has auto-incident rules (nothing to do per event). */
    onEventsFlagged: ruledSources.size > 0 ? onEventsFlagged : undefined,
    repository: deps.repository,
    escalate: (request: EscalateRequest) => escalate(deps, request),
    prepareEscalation: (request: { userId: string; itemId?: string; channel?: string }) => prepareEscalation(deps, request),
    acknowledge: (request: { incidentId: string; actor: string }) => acknowledgeIncident(deps, request),
    postUpdate: (request: { incidentId: string; actor: string; text: string }) => postIncidentUpdate(deps, request),
    resolve: (request: { incidentId: string; actor: string; summary: string }) => resolveIncident(deps, request),
    rollback: (request: { incidentId: string; actor: string }) => rollbackFromIncident(deps, request),
    openAutoIncidents: (source: string, flags: readonly Flag[], now: number, context?: AutoIncidentContext) => openAutoIncidents(deps, source, flags, now, context),
    /** On-call for a source: named in `oncall_users` or a member of `oncall_group`. */
    isOnCall: async (source: string, userId: string) => {
      const config = deps.sources[source];
      if (!config) return false;
      if (config.oncall_users.includes(userId)) return true;
      return config.oncall_group ? (await deps.slackReads.listGroupMembers(config.oncall_group)).includes(userId) : false;
    },
    /** For other modules (a probe breach): opens once per dedupe key. */
    openSystemIncident: (request: SystemIncidentRequest) => openSystemIncident(deps, request),
    registerSlackHandlers: (app: App) => registerIncidentSlackHandlers(app, deps),
    registerOutboxHooks: (worker: OutboxHookRegistry) => registerIncidentOutboxHooks(worker, deps),
    /** Wrap the outbox worker's fetch with this, so PagerDuty events leave with their routing key. */
    wrapOutboxFetch: (fetchFn: typeof fetch) => createPagerDutyFetch({ fetch: fetchFn, eventsUrl, routingKeys, logger }),
  };
}

export type IncidentsModule = ReturnType<typeof createIncidentsModule>;
