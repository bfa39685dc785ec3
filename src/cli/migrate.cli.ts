import type { Command } from 'commander';
import { describeDatabase } from '../platform/db.ts';
import { withContext } from './cli.context.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(
      withContext(async ({ migrations, database }) => {
        console.log(`${migrations.applied} migration(s) applied to ${describeDatabase(database)}`);
      }),
    );
}
