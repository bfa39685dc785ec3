import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';
import { sourcesTable } from '../sources/sources.table.ts';
import type { DriftAlertSummary } from './drift-card.models.ts';

// One row per drift episode of one (source, metric): the partial unique index allows a single
// open episode per key, so an hourly run that finds the same drift again updates the row
// instead of alerting twice. A resolved episode keeps its row (resolved_at) as history.
export const driftAlertsTable = sqliteTable(
  'drift_alerts',
  {
    id: integer('id').primaryKey(),
    source: text('source')
      .notNull()
      .references(() => sourcesTable.name),
    metric: text('metric').notNull(),
    /** The slice whose review sampling was raised, e.g. `grader:tone`, `model_version:2024-08-06`. */
    slice: text('slice').notNull(),
    openedAt: epochMs('opened_at').notNull(),
    lastDriftAt: epochMs('last_drift_at').notNull(),
    clearSince: epochMs('clear_since'),
    resolvedAt: epochMs('resolved_at'),
    /** Null until the card was handed to Slack; the next run posts it if that failed. */
    postedAt: epochMs('posted_at'),
    /** The latest evaluation's figures, so the card can be rebuilt (after a Stop click, say). */
    summary: jsonText<DriftAlertSummary>('summary').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('drift_alerts_open_unique').on(table.source, table.metric).where(sql`resolved_at IS NULL`),
    index('drift_alerts_source_idx').on(table.source, table.openedAt),
  ],
);

// Raised review sampling for a drifted slice, for a period. The review sampler reads the
// active ones (`until` in the future, not stopped); an approver can stop one from the card.
export const samplingBoostsTable = sqliteTable(
  'sampling_boosts',
  {
    id: integer('id').primaryKey(),
    source: text('source')
      .notNull()
      .references(() => sourcesTable.name),
    slice: text('slice').notNull(),
    metric: text('metric').notNull(),
    rate: real('rate').notNull(),
    startedAt: epochMs('started_at').notNull(),
    until: epochMs('until').notNull(),
    stoppedBy: text('stopped_by'),
    stoppedAt: epochMs('stopped_at'),
    alertId: integer('alert_id').references(() => driftAlertsTable.id),
  },
  (table) => [index('sampling_boosts_source_until_idx').on(table.source, table.until), index('sampling_boosts_alert_idx').on(table.alertId)],
);

// One row per probe per run. `passed` is true when the app defended itself, false when the
// probe got through, and null when the call failed (an error is never counted either way).
export const probeRunsTable = sqliteTable(
  'probe_runs',
  {
    id: integer('id').primaryKey(),
    runId: text('run_id').notNull(),
    source: text('source')
      .notNull()
      .references(() => sourcesTable.name),
    probe: text('probe').notNull(),
    category: text('category').notNull(),
    release: text('release'),
    passed: integer('passed', { mode: 'boolean' }),
    /** Why it got through (the success condition that held), or null. */
    reason: text('reason'),
    error: text('error'),
    latencyMs: integer('latency_ms'),
    eventId: text('event_id'),
    startedAt: epochMs('started_at').notNull(),
  },
  (table) => [
    uniqueIndex('probe_runs_run_probe_unique').on(table.runId, table.probe),
    index('probe_runs_source_probe_idx').on(table.source, table.probe, table.release),
    index('probe_runs_source_started_idx').on(table.source, table.startedAt),
  ],
);
