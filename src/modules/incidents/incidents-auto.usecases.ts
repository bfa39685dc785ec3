import type { Flag } from '../checks/checks.models.ts';
import { describeFlag } from '../checks/flag-wording.models.ts';
import { matchesAutoRule, shouldOpenAutoIncident, type IncidentSeverity } from './incidents.models.ts';
import type { IncidentRow } from './incidents.table.ts';
import { loadSourceEvidence, openIncident, readIncidentsConfig } from './incidents.usecases.ts';
import type { IncidentEvidence, IncidentsDeps } from './incidents-steps.usecases.ts';

// Incidents a rule opens by itself for critical flags (a leaked secret, say), at most one per
// rule per window. The window check and the insert share one transaction in which incident
// steps take turns, so two events flagged at once, even in two processes, open one incident.

export interface AutoIncidentContext {
  /** The review item of the flagged event, when there is one: its card becomes the evidence. */
  itemId?: string;
  eventId?: string;
}


export async function openAutoIncidents(
  deps: IncidentsDeps,
  source: string,
  flags: readonly Flag[],
  now: number,
  context: AutoIncidentContext = {},
): Promise<IncidentRow[]> {
  const config = readIncidentsConfig(deps, source);
  const candidates = config.auto_rules
    .map((rule) => ({ rule, flag: flags.find((flag) => matchesAutoRule(rule, flag)) }))
    .filter((match): match is { rule: (typeof config.auto_rules)[number]; flag: Flag } => match.flag !== undefined);
  if (candidates.length === 0) return [];
  const evidence: IncidentEvidence | null = context.itemId ? await loadSourceEvidence(deps, source, context.itemId).catch(() => null) : null;
  const invitees = [...new Set([...config.oncall_users, ...(config.oncall_group ? await deps.slackReads.listGroupMembers(config.oncall_group) : [])])];
  const itemLink = evidence?.channel && evidence.ts ? await deps.slackReads.getPermalink(evidence.channel, evidence.ts) : null;
  const opened = await deps.repository.transaction(async (tx) => {
    const incidents: IncidentRow[] = [];
    for (const { rule, flag } of candidates) {
      if (!shouldOpenAutoIncident(rule, flag, await tx.findLastAutoOpenedAt(source, rule.name), now)) continue;
      // The same words as the review card: "Possible secret leak: AWS access key in a support-bot answer".
      const wording = describeFlag({ ...flag, ...(flag.origin === 'detector' ? { field: 'output' as const } : {}) }, { source });
      const summary = [
        `Opened by rule "${rule.name}": ${wording.short} (${wording.severityWords.toLowerCase()}${flag.score === undefined ? '' : `, score ${flag.score.toFixed(2)}`}), found by ${wording.foundBy}.`,
        ...(flag.reason ? [`Reason: ${flag.reason}`] : []),
        ...(context.eventId ? [`Event ${context.eventId}.`] : []),
        `At most one incident per ${rule.window_minutes} minutes for this rule.`,
      ].join('\n');
      const input = { source, severity: rule.severity, title: wording.headline, summary, reporter: 'system', itemId: evidence ? (context.itemId ?? null) : null, autoRule: rule.name, evidence, invitees, itemLink };
      incidents.push(await openIncident(deps, tx, input, now));
    }
    return incidents;
  });
  if (opened.length > 0) {
    deps.notifyOutbox();
    for (const incident of opened) deps.logger.info({ incidentId: incident.id, source, rule: incident.autoRule, severity: incident.severity }, 'incident opened by rule');
  }
  return opened;
}

export interface SystemIncidentRequest {
  source: string;
  severity: IncidentSeverity;
  title: string;
  summary: string;
  /**
   * One open incident per key: a probe breach per source and release joins the open incident;
   * once that one is resolved, the next breach opens a new one (the regression is back).
   */
  dedupeKey: string;
}

/** An incident another module opens on its own (a probe that got through), paged like any other. */
export async function openSystemIncident(deps: IncidentsDeps, request: SystemIncidentRequest): Promise<IncidentRow> {
  const config = readIncidentsConfig(deps, request.source);
  const invitees = [...new Set([...config.oncall_users, ...(config.oncall_group ? await deps.slackReads.listGroupMembers(config.oncall_group) : [])])];
  const baseKey = `system:${request.dedupeKey}`.slice(0, 190);
  const now = deps.clock.now();
  let opened = false;
  const incident = await deps.repository.transaction(async (tx) => {
    // Request keys are unique, so the incidents of one key are numbered: key, key#2, key#3…
    for (let generation = 1; ; generation++) {
      const requestKey = generation === 1 ? baseKey : `${baseKey}#${generation}`;
      const existing = await tx.findByRequestKey(requestKey);
      if (existing && existing.status !== 'resolved') return existing;
      if (existing) continue;
      opened = true;
      const input = { ...request, reporter: 'system', itemId: null, autoRule: null, requestKey, evidence: null, invitees, itemLink: null };
      return openIncident(deps, tx, input, now);
    }
  });
  if (opened) {
    deps.notifyOutbox();
    deps.logger.info({ incidentId: incident.id, source: incident.source, severity: incident.severity }, 'incident opened by the system');
  }
  return incident;
}
