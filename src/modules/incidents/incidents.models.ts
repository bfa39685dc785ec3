import { SEVERITY_RANK, type Flag, type Severity } from '../checks/checks.models.ts';
import { createInvalidTransitionError } from './incidents.errors.ts';

// The incident's rules, free of I/O: its life cycle, its clocks, its channel name and
// when a flag may open one by itself. `now` is always a parameter.

export const INCIDENT_SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** How on-call is reached: a PagerDuty page, a user-group mention in the channel, or nobody configured. */
export const PAGING_MODES = ['pagerduty', 'slack', 'none'] as const;
export type PagingMode = (typeof PAGING_MODES)[number];

export const SEVERITY_LABELS: Record<IncidentSeverity, string> = {
  SEV1: 'SEV1 · critical',
  SEV2: 'SEV2 · major',
  SEV3: 'SEV3 · minor',
  SEV4: 'SEV4 · low',
};

/** PagerDuty's four severities, in the same order as ours. */
export const PAGERDUTY_SEVERITIES: Record<IncidentSeverity, 'critical' | 'error' | 'warning' | 'info'> = {
  SEV1: 'critical',
  SEV2: 'error',
  SEV3: 'warning',
  SEV4: 'info',
};

// Resolved is final: a new problem is a new incident, as PagerDuty does with a resolved dedup key.
const NEXT_STATUSES: Record<IncidentStatus, readonly IncidentStatus[]> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['resolved'],
  resolved: [],
};

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}

/** Throws `incident.invalid_transition` (e.g. acknowledging twice, or anything after resolve). */
export function checkTransition(incidentId: string, from: IncidentStatus, to: IncidentStatus): void {
  if (!canTransition(from, to)) throw createInvalidTransitionError(incidentId, from, to);
}

export interface IncidentTimes {
  openedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
}

/** Milliseconds from opening to the first acknowledgement; a resolve without one counts as it. */
export function computeTimeToAcknowledge(times: IncidentTimes): number | null {
  const at = times.acknowledgedAt ?? times.resolvedAt;
  return at === null ? null : Math.max(0, at - times.openedAt);
}

export function computeTimeToResolve(times: IncidentTimes): number | null {
  return times.resolvedAt === null ? null : Math.max(0, times.resolvedAt - times.openedAt);
}

/** `45 s`, `12 min`, `1 h 5 min`, `2 d 3 h`: two units at most, for a glance. */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

// Slack channel names: lowercase letters, digits, "-" and "_", at most 80 characters.
export const CHANNEL_NAME_MAX = 80;
const CHANNEL_PREFIX = 'inc';
/** Room kept for a de-duplication suffix such as `-12`. */
const SUFFIX_ROOM = 3;

/** The calendar date of `now` in `timeZone`, as yyyymmdd. */
export function formatChannelDate(now: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}${part('month')}${part('day')}`;
}

/** ASCII slug of a title: accents dropped, anything else becomes single dashes. */
export function buildChannelSlug(title: string, maxLength: number): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.slice(0, Math.max(0, maxLength)).replace(/-+$/, '');
  return cut || 'incident';
}

/** `inc-<yyyymmdd>-<slug>`; attempt 0 is the plain name, attempt n ends in `-<n+1>`. */
export function buildIncidentChannelName(input: { title: string; now: number; timeZone: string; attempt?: number }): string {
  const base = `${CHANNEL_PREFIX}-${formatChannelDate(input.now, input.timeZone)}-`;
  const slug = buildChannelSlug(input.title, CHANNEL_NAME_MAX - base.length - SUFFIX_ROOM);
  const attempt = input.attempt ?? 0;
  return attempt === 0 ? `${base}${slug}` : `${base}${slug}-${attempt + 1}`;
}

export const MAX_CHANNEL_ATTEMPTS = 20;

/** The first attempt whose name nobody holds yet, among names already known to be taken. */
export function pickChannelAttempt(input: { title: string; now: number; timeZone: string }, taken: ReadonlySet<string>, from = 0): number {
  let attempt = from;
  while (attempt < MAX_CHANNEL_ATTEMPTS - 1 && taken.has(buildIncidentChannelName({ ...input, attempt }))) attempt += 1;
  return attempt;
}

/** Whether a flag is what a rule watches for: same check, same kind if the rule names one, severe enough. */
export function matchesAutoRule(rule: { when: { check: string; kind?: string; min_severity: Severity } }, flag: Pick<Flag, 'check' | 'kind' | 'severity'>): boolean {
  if (flag.check !== rule.when.check) return false;
  if (rule.when.kind !== undefined && flag.kind !== rule.when.kind) return false;
  return SEVERITY_RANK[flag.severity] >= SEVERITY_RANK[rule.when.min_severity];
}

/**
 * A matching flag opens an incident unless the rule opened one less than `window_minutes`
 * ago: a leaked key repeated in fifty answers pages once, not fifty times.
 */
export function shouldOpenAutoIncident(
  rule: { when: { check: string; kind?: string; min_severity: Severity }; window_minutes: number },
  flag: Pick<Flag, 'check' | 'kind' | 'severity'>,
  lastOpenedAt: number | null,
  now: number,
): boolean {
  if (!matchesAutoRule(rule, flag)) return false;
  return lastOpenedAt === null || now - lastOpenedAt >= rule.window_minutes * 60_000;
}

/** What the incident message shows; filled by the usecases from the row and its timeline. */
export interface IncidentMessageModel {
  id: string;
  source: string;
  severity: IncidentSeverity;
  title: string;
  /** Untrusted: a person's words. */
  summary: string;
  status: IncidentStatus;
  reporter: string;
  itemId: string | null;
  autoRule: string | null;
  paging: PagingMode;
  /** The on-call user group, named in the message when it was paged in Slack. */
  oncallGroup: string | null;
  openedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  /** Untrusted. */
  resolution: string | null;
  /** False when the source has no known-good release to roll back to: no Roll back button then. */
  canRollBack?: boolean;
  /** The latest update and rollback, untrusted text. */
  lastUpdate: { at: number; actor: string; text: string } | null;
  lastRollback: { at: number; actor: string; text: string } | null;
}
