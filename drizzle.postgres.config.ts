import { defineConfig } from 'drizzle-kit';

// The PostgreSQL migrations, generated from the same tables (src/platform/db-pg.schema.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/platform/db-pg.schema.ts',
  out: './migrations/postgres',
});
