import { integer, text } from 'drizzle-orm/sqlite-core';

// Shared column shapes: times are epoch milliseconds (sortable, no time-zone
// surprises), structured values are JSON text.
export const epochMs = (name: string) => integer(name, { mode: 'number' });

export const jsonText = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();
