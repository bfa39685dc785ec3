import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, jsonText } from '../../platform/db.columns.ts';
import type { ApiKeyScope } from './api-keys.models.ts';

// Only the SHA-256 of a key is stored; the key itself is shown once at creation.
export const apiKeysTable = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  hash: text('hash').notNull().unique(),
  scopes: jsonText<ApiKeyScope[]>('scopes').notNull(),
  sources: jsonText<string[]>('sources').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: epochMs('created_at').notNull(),
  revokedAt: epochMs('revoked_at'),
});
