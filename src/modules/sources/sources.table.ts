import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from '../../platform/db.columns.ts';

// One row per source ever declared in the config file; the file stays the
// authority on which sources are active, the table anchors foreign keys.
export const sourcesTable = sqliteTable('sources', {
  name: text('name').primaryKey(),
  description: text('description'),
  createdAt: epochMs('created_at').notNull(),
  updatedAt: epochMs('updated_at').notNull(),
});
