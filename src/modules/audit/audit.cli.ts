import { InvalidArgumentError, type Command } from 'commander';
import { withContext } from '../../cli/cli.context.ts';
import { AUDIT_CSV_COLUMNS, parseAuditSince, readAuditEntries, toAuditCsvLine, toAuditEntryJson } from './audit.routes.ts';

function parseSince(value: string): number {
  const at = parseAuditSince(value);
  if (at === undefined) throw new InvalidArgumentError('must be an ISO 8601 date or date-time (2026-11-25T09:00:00Z) or epoch milliseconds');
  return at;
}

function parseFormat(value: string): 'jsonl' | 'csv' {
  if (value !== 'jsonl' && value !== 'csv') throw new InvalidArgumentError('must be jsonl or csv');
  return value;
}

/** Writes with backpressure, so a large export streams in constant memory. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
}

export function registerAuditCommands(program: Command) {
  const audit = program.command('audit').description('export and verify the append-only audit log');

  audit
    .command('export')
    .description('write audit entries to stdout, oldest first')
    .option('--since <time>', 'ISO 8601 date or date-time, or epoch milliseconds', parseSince)
    .option('--format <format>', 'jsonl or csv', parseFormat, 'jsonl' as const)
    .option('--source <name>', 'only the entries of one source')
    .action(
      withContext(async ({ auditRepository }, options: { since?: number; format: 'jsonl' | 'csv'; source?: string }) => {
        if (options.format === 'csv') await write(`${AUDIT_CSV_COLUMNS.join(',')}\n`);
        let count = 0;
        for await (const entry of readAuditEntries(auditRepository, { since: options.since, source: options.source })) {
          await write(options.format === 'csv' ? toAuditCsvLine(entry) : `${JSON.stringify(toAuditEntryJson(entry))}\n`);
          count++;
        }
        process.stderr.write(`Exported ${count} audit entr${count === 1 ? 'y' : 'ies'}.\n`);
      }),
    );

  audit
    .command('verify')
    .description('check the hash chain; exits 1 and names the first broken link if an entry was changed or removed')
    .action(
      withContext(async ({ auditRepository }) => {
        const result = await auditRepository.verify();
        if (result.ok) {
          process.stdout.write(`Audit log intact: ${result.checked} entr${result.checked === 1 ? 'y' : 'ies'} verified.\n`);
          return;
        }
        process.stdout.write(`Audit log BROKEN at entry seq ${result.brokenAt.seq} (${result.brokenAt.id}): ${result.reason}. ${result.checked} entries before it verified.\n`);
        process.exitCode = 1;
      }),
    );
}
