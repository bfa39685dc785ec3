import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { slackOrderKey } from '../outbox/outbox.models.ts';
import { outboxRef } from '../outbox/outbox-refs.models.ts';
import type { ReviewCardModel } from '../review/review.models.ts';
import { buildIncidentMessage, type SlackMessage } from './incidents.blocks.ts';
import type { IncidentsConfig } from './incidents.config.ts';
import type { IncidentMessageModel } from './incidents.models.ts';
import type { IncidentsRepository, IncidentsTx } from './incidents.repository.ts';
import type { IncidentRow, IncidentTimelineKind } from './incidents.table.ts';

// What every incident use case shares: its dependencies, and the two things each step does
// in its transaction — a timeline row plus an audit entry, and the Slack writes (outbox
// messages) that show it. The other modules are reached through the small functions below,
// which the composition root wires.

/** A review item's card, and where that card is in Slack (null until it was posted). */
export interface IncidentEvidence {
  source: string;
  card: ReviewCardModel;
  channel: string | null;
  ts: string | null;
}

export interface RollbackOutcome {
  fromRelease: string | null;
  toRelease: string;
  /** The guardrail version the rollback created. */
  version: number;
}

/** With the source's two-person rule, the click only asks: a second approver confirms where `where` says. */
export interface RollbackRequested {
  requested: true;
  requestId: string;
  toRelease: string;
  where: string;
}

/** Reads from Slack (never writes: those go through the outbox). */
export interface IncidentSlackReads {
  listGroupMembers(group: string): Promise<string[]>;
  getPermalink(channel: string, ts: string): Promise<string | null>;
}

export interface IncidentsDeps {
  repository: IncidentsRepository;
  /** The `incidents:` settings of each configured source (every configured source has one, with defaults). */
  sources: Readonly<Record<string, IncidentsConfig>>;
  pagerDutyEventsUrl: string;
  /** VIGIL_TIMEZONE: the date in channel names. */
  timeZone: string;
  clock: Clock;
  logger: Logger;
  /** Wakes the outbox after a commit that enqueued messages. */
  notifyOutbox(): void;
  loadEvidence(itemId: string): Promise<IncidentEvidence | null>;
  rollbackRelease(request: { source: string; actor: string; reason: string }): Promise<RollbackOutcome | RollbackRequested>;
  isApprover(source: string, userId: string): Promise<boolean>;
  /** Who may escalate: any reviewer (or approver) of the source. */
  isReviewer(source: string, userId: string): Promise<boolean>;
  slackReads: IncidentSlackReads;
  /** The release a rollback would pin now, or null when the source has no known-good one. */
  findRollbackTarget?(source: string): Promise<string | null>;
  /**
   * Whether each source had a rollback target when its incident channel was set up: the
   * message offers Roll back only then (building it happens inside a transaction, which
   * cannot wait for the releases module). The click is checked again when it comes.
   */
  rollbackTargets?: Map<string, boolean>;
}

/** Refreshes whether `source` has a rollback target; a failed lookup keeps the button (the click re-checks). */
export async function refreshRollbackTarget(deps: IncidentsDeps, source: string): Promise<void> {
  if (!deps.findRollbackTarget || !deps.rollbackTargets) return;
  try {
    deps.rollbackTargets.set(source, (await deps.findRollbackTarget(source)) !== null);
  } catch (error) {
    deps.logger.warn({ err: error, source }, 'could not look up the rollback target; the incident message offers Roll back');
  }
}

export const INCIDENT_PURPOSES = {
  channelCreated: 'incidents.channel_created',
  messagePosted: 'incidents.message_posted',
  slackWrite: 'incidents.slack_write',
} as const;

export const auditActor = (actor: string) => (actor === 'system' ? 'system' : `slack:${actor}`);

/** Whether the timeline already says this (hooks run at least once; a step is recorded once). */
export async function hasTimelineEntry(tx: IncidentsTx, incidentId: string, kind: IncidentTimelineKind, text: string): Promise<boolean> {
  return (await tx.listTimeline(incidentId)).some((entry) => entry.kind === kind && entry.text === text);
}

/** A timeline row and its audit entry, in the caller's transaction: both or neither. */
export async function recordStep(
  tx: IncidentsTx,
  incident: Pick<IncidentRow, 'id' | 'source'>,
  step: { actor: string; kind: IncidentTimelineKind; text: string; details?: Record<string, unknown> },
  now: number,
): Promise<void> {
  await tx.appendTimeline(incident.id, { at: now, actor: step.actor, kind: step.kind, text: step.text });
  await appendAuditEntry(
    tx.executor,
    { actor: auditActor(step.actor), action: `incident.${step.kind}`, source: incident.source, subjectType: 'incident', subjectId: incident.id, details: step.details ?? {} },
    now,
  );
}

export async function toMessageModel(tx: IncidentsTx, incident: IncidentRow, deps: Pick<IncidentsDeps, 'sources' | 'rollbackTargets'>): Promise<IncidentMessageModel> {
  const config = deps.sources[incident.source];
  const pick = async (kind: IncidentTimelineKind) => {
    const entry = await tx.findLatestTimeline(incident.id, kind);
    return entry ? { at: entry.at, actor: entry.actor, text: entry.text } : null;
  };
  const lastUpdate = await pick('update');
  const lastRollback = await pick('rollback');
  return {
    id: incident.id,
    source: incident.source,
    severity: incident.severity,
    title: incident.title,
    summary: incident.summary,
    status: incident.status,
    reporter: incident.reporter,
    itemId: incident.itemId,
    autoRule: incident.autoRule,
    paging: incident.paging,
    oncallGroup: config?.oncall_group ?? null,
    openedAt: incident.openedAt,
    acknowledgedAt: incident.acknowledgedAt,
    acknowledgedBy: incident.acknowledgedBy,
    resolvedAt: incident.resolvedAt,
    resolvedBy: incident.resolvedBy,
    resolution: incident.resolution,
    lastUpdate,
    lastRollback,
    canRollBack: deps.rollbackTargets?.get(incident.source) ?? true,
  };
}

// Incident channels carry people's words and redacted output: never let Slack link names or unfurl.
const SAFE_POST = { link_names: false, unfurl_links: false, unfurl_media: false } as const;

/** A post in the incident channel, queued behind the channel's earlier messages. */
export async function enqueueChannelPost(
  tx: IncidentsTx,
  incident: IncidentRow,
  message: SlackMessage,
  now: number,
  dedupeKey?: string,
): Promise<{ id: string; created: boolean } | null> {
  if (!incident.channelId) return null;
  return enqueueOutboxMessage(
    tx.executor,
    {
      kind: 'slack',
      method: 'chat.postMessage',
      payload: { channel: incident.channelId, ...message, ...SAFE_POST },
      orderKey: slackOrderKey(incident.channelId),
      ...(dedupeKey ? { dedupeKey } : {}),
      purpose: INCIDENT_PURPOSES.slackWrite,
      purposeRef: incident.id,
    },
    now,
  );
}

/** A reply in the review card's thread, queued behind that review channel's cards. */
export async function enqueueCardThreadReply(tx: IncidentsTx, incident: IncidentRow, message: SlackMessage, now: number, dedupeKey: string): Promise<void> {
  if (!incident.cardChannel || !incident.cardTs) return;
  await enqueueOutboxMessage(
    tx.executor,
    {
      kind: 'slack',
      method: 'chat.postMessage',
      payload: { channel: incident.cardChannel, thread_ts: incident.cardTs, ...message, ...SAFE_POST },
      orderKey: slackOrderKey(incident.cardChannel),
      dedupeKey,
      purpose: INCIDENT_PURPOSES.slackWrite,
      purposeRef: incident.id,
    },
    now,
  );
}

/**
 * Updates the incident message in place. Before the message exists there is nothing to
 * update: it is posted from the current state once the channel is created.
 */
export async function enqueueMessageUpdate(tx: IncidentsTx, incident: IncidentRow, deps: Pick<IncidentsDeps, 'sources' | 'rollbackTargets'>, now: number): Promise<void> {
  if (!incident.channelId || !incident.messageOutboxId) return;
  const ts = incident.messageTs ?? outboxRef(incident.messageOutboxId, 'ts');
  const model = await toMessageModel(tx, incident, deps);
  await enqueueOutboxMessage(
    tx.executor,
    {
      kind: 'slack',
      method: 'chat.update',
      payload: { channel: incident.channelId, ts, ...buildIncidentMessage(model), link_names: false },
      orderKey: slackOrderKey(incident.channelId),
      purpose: INCIDENT_PURPOSES.slackWrite,
      purposeRef: incident.id,
    },
    now,
  );
}
