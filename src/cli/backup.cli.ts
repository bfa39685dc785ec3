import type { Command } from 'commander';
import { parseEnv } from '../platform/config.ts';
import { backupDatabase, restoreDatabase } from '../platform/db-backup.ts';
import { backupPostgres, restorePostgres } from '../platform/db-backup-postgres.ts';
import { describeDatabase, isPostgresUrl, sqlitePathOf } from '../platform/db.ts';
import { withDatabaseContext } from './cli.context.ts';

// `vigil backup FILE` while Vigil runs; `vigil restore FILE --yes` while it does not.
// Neither needs the sources file: only DATABASE_URL. A restore never opens the database the
// way other commands do (it would hold it open, and migrate the file about to be replaced).


const formatSize = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('copy the database to FILE, consistently, while Vigil runs (SQLite online backup, or pg_dump on PostgreSQL)')
    .argument('<file>', 'the new backup file (never overwritten)')
    .action(
      withDatabaseContext(async ({ database }, file: string) => {
        if (database.dialect === 'postgres') {
          const result = await backupPostgres(parseEnv(process.env).DATABASE_URL, file);
          console.log(`backed up ${describeDatabase(database)} to ${result.file} (pg_dump custom format, ${formatSize(result.bytes)})`);
          return;
        }
        const result = await backupDatabase(database.sqlite, file);
        console.log(`backed up ${database.path} to ${result.file} (${result.pages} pages, ${formatSize(result.bytes)})`);
      }),
    );

  program
    .command('restore')
    .description('replace the database with a backup FILE; refused while Vigil (or anything else) has the database open')
    .argument('<file>', 'a file made by `vigil backup`')
    .option('--yes', 'replace the existing database')
    .action(async (file: string, options: { yes?: boolean }) => {
      const url = parseEnv(process.env).DATABASE_URL;
      if (isPostgresUrl(url)) {
        const result = await restorePostgres({ from: file, url, overwrite: options.yes === true });
        console.log(`restored the PostgreSQL database from ${file} (${formatSize(result.bytes)}); start Vigil to apply any newer migrations`);
        return;
      }
      const to = sqlitePathOf(url);
      const result = await restoreDatabase({ from: file, to, overwrite: options.yes === true });
      console.log(`restored ${to} from ${file} (${result.pages} pages, ${formatSize(result.bytes)}); start Vigil to apply any newer migrations`);
    });
}
