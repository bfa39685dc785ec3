import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';

// One row per (source, release) the production app reported live. At most one release of a
// source is live (live_since set); the time of earlier live periods accumulates in live_ms,
// so a release that comes back after a rollback keeps the soak time it already earned.
export const releasesTable = sqliteTable(
  'releases',
  {
    source: text('source').notNull(),
    release: text('release').notNull(),
    model: text('model'),
    promptVersion: text('prompt_version'),
    metadata: jsonText<Record<string, unknown>>('metadata'),
    registeredBy: text('registered_by').notNull(),
    firstSeenAt: epochMs('first_seen_at').notNull(),
    lastLiveAt: epochMs('last_live_at').notNull(),
    liveSince: epochMs('live_since'),
    liveMs: integer('live_ms').notNull().default(0),
    knownGoodAt: epochMs('known_good_at'),
    knownGoodBy: text('known_good_by'),
  },
  (table) => [primaryKey({ columns: [table.source, table.release] }), index('releases_source_live_idx').on(table.source, table.lastLiveAt)],
);

export type ReleaseRow = typeof releasesTable.$inferSelect;
