import { WebClient } from '@slack/web-api';
import { InvalidArgumentError, type Command } from 'commander';
import { withContext, type CliContext } from '../../cli/cli.context.ts';
import { createTaskRunsRepository, runOncePerPeriod } from '../tasks/task-runs.repository.ts';
import type { DigestLoaders, OtherModuleLoaders } from './digest-data.models.ts';
import { createSlackDigestSender } from './digest-delivery.usecases.ts';
import { renderDigestText } from './digest.blocks.ts';
import { createDigestNotSendableError, createInvalidDigestWeekError, createUnknownDigestSourceError } from './digest.errors.ts';
import { hasDigestRecipients } from './digest.config.ts';
import { buildDigest, digestTaskName, sendDigest } from './digest.usecases.ts';
import { createDigestRepository } from './digest.repository.ts';
import { parseWeekKey, previousWeek, weekPeriod, type WeekPeriod } from './digest-weeks.models.ts';
import type { TrendPoint } from './digest-chart.models.ts';

// `vigil digest --source S [--week 2026-W47] [--dry-run]`: prints a week's digest, or
// sends it now. Sending claims the same (source, week) as the schedule, so a digest sent
// by hand is not sent again on Monday, and one the schedule sent is not sent twice.

/** Loaders of other modules (review, calibration, incidents, probes), added where the CLI is composed; built once per run. */
export type ExtraDigestLoaders = (context: CliContext) => OtherModuleLoaders | Promise<OtherModuleLoaders>;

function parseWeekOption(value: string): string {
  if (!/^\d{4}-W\d{2}$/i.test(value.trim())) throw new InvalidArgumentError('must be an ISO week such as 2026-W47');
  return value.trim().toUpperCase();
}

function formatTrend(trend: readonly TrendPoint[]): string {
  const cell = (value: number | null, suffix = '') => (value === null ? 'n/a' : `${value}${suffix}`);
  const rows = trend.map((p) => `${p.week}  ${String(p.events).padStart(8)}  ${cell(p.flaggedPercent, '%').padStart(8)}  ${cell(p.rejectedPercent, '%').padStart(9)}`);
  return ['', 'Trend', 'week        events   flagged   rejected', ...rows, ''].join('\n');
}

function resolveWeek(context: CliContext, week: string | undefined): WeekPeriod {
  const timeZone = context.config.env.VIGIL_TIMEZONE;
  if (week === undefined) return previousWeek(weekPeriod(context.clock.now(), timeZone));
  const period = parseWeekKey(week, timeZone);
  if (!period) throw createInvalidDigestWeekError(week);
  return period;
}

export function registerDigestCommands(program: Command, extraLoaders?: ExtraDigestLoaders) {
  program
    .command('digest')
    .description("build a source's weekly digest; print it with --dry-run, or send it now (once per week)")
    .requiredOption('--source <name>', 'the source')
    .option('--week <week>', 'ISO week, e.g. 2026-W47 (default: the last complete week)', parseWeekOption)
    .option('--dry-run', 'print the digest instead of sending it')
    .action(
      withContext(async (context, options: { source: string; week?: string; dryRun?: boolean }) => {
        const config = context.config.sources.sources[options.source];
        if (!config) throw createUnknownDigestSourceError(options.source, context.knownSources);
        const repository = createDigestRepository({ db: context.database.db });
        const loaders: DigestLoaders = {
          loadEvents: repository.loadEvents,
          loadGraderRuns: repository.loadGraderRuns,
          loadChanges: repository.loadChanges,
          ...(await extraLoaders?.(context)),
        };
        const week = resolveWeek(context, options.week);
        const digest = await buildDigest(options.source, week, loaders, context.clock.now());
        if (options.dryRun) {
          process.stdout.write(renderDigestText(digest.message) + formatTrend(digest.trend));
          if (!digest.complete) process.stderr.write(`${week.key} is not over yet: these are the figures so far.\n`);
          return;
        }
        const token = context.config.env.SLACK_BOT_TOKEN;
        if (!token) throw createDigestNotSendableError('SLACK_BOT_TOKEN is not set; use --dry-run to print the digest.');
        if (!hasDigestRecipients(config.digest)) throw createDigestNotSendableError(`Source "${options.source}" has no digest.channel and no digest.managers.`);
        const client = new WebClient(token, context.config.env.SLACK_API_URL ? { slackApiUrl: context.config.env.SLACK_API_URL } : {});
        const taskRuns = createTaskRunsRepository({ db: context.database.db });
        const sender = createSlackDigestSender({ db: context.database.db, client, clock: context.clock });
        let channels: string[] = [];
        const outcome = await runOncePerPeriod(taskRuns, digestTaskName(options.source), week.key, () => context.clock.now(), async () => {
          ({ channels } = await sendDigest({ sender, taskRuns, clock: context.clock }, config.digest, digest));
        });
        process.stdout.write(
          outcome === 'ran'
            ? `Digest ${week.key} of ${options.source} queued for ${channels.join(', ')}; a running Vigil delivers it.\n`
            : `Digest ${week.key} of ${options.source} was already sent (or is being sent); nothing done.\n`,
        );
      }),
    );
}
