import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';
import type { IncidentSeverity, IncidentStatus, PagingMode } from './incidents.models.ts';

// One row per incident. Status moves only forward (open → acknowledged → resolved) and every
// step is also a timeline row and an audit entry. Slack places are filled in as the outbox
// delivers: the channel once it exists, the incident message's ts once it is posted.
export const incidentsTable = sqliteTable(
  'incidents',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull().unique(),
    source: text('source').notNull(),
    severity: text('severity').$type<IncidentSeverity>().notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    status: text('status').$type<IncidentStatus>().notNull(),
    /** A Slack user id, or `system` for an incident a rule opened. */
    reporter: text('reporter').notNull(),
    itemId: text('item_id'),
    /** The auto rule that opened it; the rule's rate limit reads this. */
    autoRule: text('auto_rule'),
    /** Makes a repeated escalation request (the same modal submitted twice) a no-op. */
    requestKey: text('request_key').unique(),
    channelName: text('channel_name').notNull(),
    channelAttempt: integer('channel_attempt').notNull().default(0),
    channelOutboxId: text('channel_outbox_id'),
    channelId: text('channel_id'),
    channelError: text('channel_error'),
    messageOutboxId: text('message_outbox_id'),
    messageTs: text('message_ts'),
    /** The review card it was escalated from, for the link back in the card's thread. */
    cardChannel: text('card_channel'),
    cardTs: text('card_ts'),
    itemLink: text('item_link'),
    invitees: jsonText<string[]>('invitees').notNull(),
    paging: text('paging').$type<PagingMode>().notNull(),
    /** Set when PagerDuty was paged: the incident id, which acknowledge and resolve repeat. */
    pagerdutyDedupKey: text('pagerduty_dedup_key'),
    openedAt: epochMs('opened_at').notNull(),
    acknowledgedAt: epochMs('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: epochMs('resolved_at'),
    resolvedBy: text('resolved_by'),
    resolution: text('resolution'),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (table) => [
    index('incidents_source_opened_idx').on(table.source, table.openedAt),
    index('incidents_auto_rule_idx').on(table.source, table.autoRule, table.openedAt),
    index('incidents_status_idx').on(table.status),
    index('incidents_channel_name_idx').on(table.channelName),
  ],
);

export const INCIDENT_TIMELINE_KINDS = [
  'opened',
  'channel_created',
  'channel_name_taken',
  'channel_failed',
  'paged',
  'page_failed',
  'acknowledged',
  'update',
  'rollback',
  'resolved',
  'slack_failed',
] as const;
export type IncidentTimelineKind = (typeof INCIDENT_TIMELINE_KINDS)[number];

// Append-only: what happened to an incident, when and by whom. `text` may be a person's
// words (an update, a resolution summary) and is escaped wherever it is shown.
export const incidentTimelineTable = sqliteTable(
  'incident_timeline',
  {
    seq: integer('seq').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidentsTable.id),
    at: epochMs('at').notNull(),
    actor: text('actor').notNull(),
    kind: text('kind').$type<IncidentTimelineKind>().notNull(),
    text: text('text').notNull(),
  },
  (table) => [index('incident_timeline_incident_idx').on(table.incidentId, table.seq)],
);

export type IncidentRow = typeof incidentsTable.$inferSelect;
export type NewIncidentRow = Omit<typeof incidentsTable.$inferInsert, 'seq'>;
export type IncidentTimelineRow = typeof incidentTimelineTable.$inferSelect;
