import { runCronTask, type CronTask } from '../../platform/cron.ts';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { createReviewRoles } from '../review/review-roles.usecases.ts';
import type { SourcesFile } from '../sources/sources.config.ts';
import { createTaskRunsRepository } from '../tasks/task-runs.repository.ts';
import type { DigestLoaders, OtherModuleLoaders } from './digest-data.models.ts';
import { createSlackDigestSender } from './digest-delivery.usecases.ts';
import type { DigestMessage } from './digest.blocks.ts';
import { hasDigestRecipients, type DigestConfig } from './digest.config.ts';
import { createDigestRepository } from './digest.repository.ts';
import { buildDigestCatchUpTask, buildDigestTasks } from './digest.tasks.ts';
import { createDigestCommandHandler, type DigestContext } from './digest.usecases.ts';

// Builds the weekly digest for the composition root: the cron tasks (each source at its
// schedule, plus the hourly catch-up), the catch-up to run once at start, and the
// `/vigil digest <source>` answer. Without Slack nothing is scheduled (there is nowhere to
// send), and the digest can still be read with `vigil digest --dry-run`.

export interface DigestModuleOptions {
  db: Db;
  sources: SourcesFile;
  /** VIGIL_TIMEZONE: weeks and schedules are read in it. */
  timeZone: string;
  clock: Clock;
  logger: Logger;
  /** DMs, chart uploads and user-group lookups (who may read a digest); null when Slack is off. */
  slackClient: Pick<SlackClient, 'conversations' | 'files' | 'usergroups'> | null;
  /** Wakes the outbox once digest messages are queued. */
  notifyOutbox(): void;
  /** The other modules' figures; a loader left out shows its part as "not available". */
  extraLoaders?: OtherModuleLoaders;
}

export function createDigestModule(options: DigestModuleOptions) {
  const logger = options.logger.child({ ns: 'digest' });
  const sourceEntries = Object.entries(options.sources.sources);
  const sources: Record<string, DigestConfig> = Object.fromEntries(sourceEntries.map(([name, source]) => [name, source.digest]));
  const repository = createDigestRepository({ db: options.db });
  const loaders: DigestLoaders = {
    loadEvents: repository.loadEvents,
    loadGraderRuns: repository.loadGraderRuns,
    loadChanges: repository.loadChanges,
    ...options.extraLoaders,
  };
  const roles = createReviewRoles({
    sources: Object.fromEntries(sourceEntries.map(([name, source]) => [name, source.review])),
    client: options.slackClient,
    clock: options.clock,
    logger,
  });
  // The rule of createDigestNotViewableError: the source's reviewers, approvers and digest managers.
  const canView = async (userId: string, source: string) =>
    (sources[source]?.managers.includes(userId) ?? false) || (await roles.resolveRole(source, userId)) !== null;
  const handleCommand = createDigestCommandHandler({ loaders, timeZone: options.timeZone, sources, clock: options.clock, canView });

  const ctx: DigestContext | null = options.slackClient
    ? {
        loaders,
        sender: createSlackDigestSender({ db: options.db, client: options.slackClient, clock: options.clock, notifyOutbox: options.notifyOutbox }),
        taskRuns: createTaskRunsRepository({ db: options.db }),
        clock: options.clock,
        timeZone: options.timeZone,
        sources,
      }
    : null;
  const withRecipients = Object.keys(sources).filter((source) => hasDigestRecipients(sources[source]!));
  if (!ctx) logger.info('weekly digests are not scheduled: Slack is off (`vigil digest --dry-run` still prints them)');
  else if (withRecipients.length === 0) logger.info('weekly digests are not scheduled: no source has a digest.channel or digest.managers');
  const scheduled = ctx !== null && withRecipients.length > 0 ? ctx : null;

  return {
    /** For the app's scheduler: each source with recipients at its schedule, and the hourly catch-up; empty when there is nothing to send. */
    tasks: scheduled ? buildDigestTasks(scheduled) : ([] as CronTask[]),
    /**
     * Sends the digests owed at `now` (Vigil was down at the scheduled time): run once at
     * start. Each week is sent once, so a restart sends nothing new. Never rejects: a
     * failure is logged and the hourly catch-up retries it.
     */
    async catchUp(now: number = options.clock.now()): Promise<'ok' | 'failed' | 'skipped'> {
      if (!scheduled) return 'skipped';
      return runCronTask(buildDigestCatchUpTask(scheduled), { clock: { now: () => now }, logger });
    },
    /** `/vigil digest <source>`: the last complete week's digest, for the requester only (throws the digest's VigilErrors). */
    handleDigestCommand: (source: string, userId: string): Promise<DigestMessage> => handleCommand({ source }, { userId }),
  };
}

export type DigestModule = ReturnType<typeof createDigestModule>;
