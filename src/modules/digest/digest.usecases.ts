import { renderLineChartPng, type LineChartOptions } from '../../shared/charts.ts';
import type { Clock } from '../../shared/clock.ts';
import { runOncePerPeriod, type TaskRunsRepository } from '../tasks/task-runs.repository.ts';
import { buildTrendChartOptions, buildTrendPoints, TREND_WEEKS, type TrendPoint } from './digest-chart.models.ts';
import type { DigestLoaders, WeekData } from './digest-data.models.ts';
import { findDueDigest, isDigestDue } from './digest-schedule.models.ts';
import { listWeeksEndingWith, previousWeek, weekPeriod, type WeekPeriod } from './digest-weeks.models.ts';
import { buildDigestMessage, type DigestMessage } from './digest.blocks.ts';
import { hasDigestRecipients, type DigestConfig } from './digest.config.ts';
import { createDigestNotViewableError, createUnknownDigestSourceError } from './digest.errors.ts';
import { isQuietWeek, summarizeWeek, type DigestSummary } from './digest.models.ts';

// Builds a source's weekly digest from the loaders and sends it exactly once per week:
// the claim is a task run keyed `digest:<source>` + week (runOncePerPeriod), so a
// restart, the catch-up at start and a second process all find it taken. Inside one
// claim every Slack write is idempotent too (outbox dedupe keys, one claim per chart
// upload), so a run that failed half-way and is retried never repeats what it sent.

export interface Digest {
  source: string;
  week: WeekPeriod;
  summary: DigestSummary;
  message: DigestMessage;
  trend: TrendPoint[];
  chart: LineChartOptions;
  /** False while the week is still running (a digest of the current week is a preview). */
  complete: boolean;
}

/** Where a digest goes. The Slack implementation is createSlackDigestSender (digest-delivery.usecases.ts). */
export interface DigestSender {
  /** The DM channel (D…) with a user, from conversations.open. */
  openDirectMessage(userId: string): Promise<string>;
  /** Queues the message; the same dedupe key twice posts once. */
  post(channel: string, message: DigestMessage, dedupeKey: string): Promise<void>;
  /** Uploads the chart into a conversation: a C…/G…/D… id, never a U… user id. */
  uploadChart(channelId: string, png: Buffer, file: { filename: string; title: string; comment: string }): Promise<void>;
}

export interface DigestContext {
  loaders: DigestLoaders;
  sender: DigestSender;
  taskRuns: TaskRunsRepository;
  clock: Clock;
  /** VIGIL_TIMEZONE: weeks and schedules are read in it. */
  timeZone: string;
  sources: Record<string, DigestConfig>;
  renderChart?(options: LineChartOptions): Promise<Buffer>;
}

export const digestTaskName = (source: string) => `digest:${source}`;
const chartTaskName = (source: string) => `digest-chart:${source}`;

export async function loadWeekData(loaders: DigestLoaders, source: string, period: WeekPeriod): Promise<WeekData> {
  const [events, graders, changes, review, calibration, incidents, probes] = await Promise.all([
    loaders.loadEvents(source, period),
    loaders.loadGraderRuns(source, period),
    loaders.loadChanges(source, period),
    loaders.loadReview?.(source, period) ?? null,
    loaders.loadCalibration?.(source, period) ?? null,
    loaders.loadIncidents?.(source, period) ?? null,
    loaders.loadProbes?.(source, period) ?? null,
  ]);
  return { source, period, events, graders, changes, review, calibration, incidents, probes };
}

/** The digest of `week` for `source`; the trend covers the 8 weeks ending with it. */
export async function buildDigest(source: string, week: WeekPeriod, loaders: DigestLoaders, now: number): Promise<Digest> {
  const current = await loadWeekData(loaders, source, week);
  const previous = await loadWeekData(loaders, source, previousWeek(week));
  const earlier = listWeeksEndingWith(week, TREND_WEEKS).slice(0, -2);
  const older = await Promise.all(
    earlier.map(async (period) => ({
      week: period.key,
      events: await loaders.loadEvents(source, period),
      review: (await loaders.loadReview?.(source, period)) ?? null,
    })),
  );
  const trend = buildTrendPoints([...older, ...[previous, current].map((data) => ({ week: data.period.key, events: data.events, review: data.review }))]);
  const summary = summarizeWeek(current, previous);
  const chartNote = `The trend chart of the last ${TREND_WEEKS} weeks follows. \`/vigil digest ${source}\` shows this digest any time.`;
  return {
    source,
    week,
    summary,
    message: buildDigestMessage(summary, { chartNote }),
    trend,
    chart: buildTrendChartOptions(source, trend),
    complete: now >= week.end,
  };
}

/** The last complete week's digest, for `/vigil digest <source>`: shown to the requester, not sent, so no chart follows it. */
export async function prepareLatestDigest(ctx: Pick<DigestContext, 'loaders' | 'timeZone'>, source: string, now: number): Promise<Digest> {
  const digest = await buildDigest(source, previousWeek(weekPeriod(now, ctx.timeZone)), ctx.loaders, now);
  return { ...digest, message: buildDigestMessage(digest.summary) };
}

/**
 * The `/vigil digest <source>` handler for registerCommandHandlers. `canView` decides who may
 * read a source's digest (reviewers, approvers, managers: the composition root knows the roles).
 */
export function createDigestCommandHandler(
  ctx: Pick<DigestContext, 'loaders' | 'timeZone' | 'sources' | 'clock'> & { canView?(userId: string, source: string): Promise<boolean> },
) {
  return async (command: { source: string }, invocation: { userId: string }): Promise<DigestMessage> => {
    if (!ctx.sources[command.source]) throw createUnknownDigestSourceError(command.source, Object.keys(ctx.sources));
    if (ctx.canView && !(await ctx.canView(invocation.userId, command.source))) throw createDigestNotViewableError(command.source);
    return (await prepareLatestDigest(ctx, command.source, ctx.clock.now())).message;
  };
}

export async function sendDigest(ctx: Pick<DigestContext, 'sender' | 'taskRuns' | 'clock' | 'renderChart'>, config: DigestConfig, digest: Digest): Promise<{ channels: string[] }> {
  const channels = [...(config.channel ? [config.channel] : [])];
  for (const manager of config.managers) channels.push(await ctx.sender.openDirectMessage(manager));
  for (const channel of channels) await ctx.sender.post(channel, digest.message, `${digestTaskName(digest.source)}:${digest.week.key}:${channel}`);
  const png = await (ctx.renderChart ?? renderLineChartPng)(digest.chart);
  const file = {
    filename: `vigil-${digest.source}-${digest.week.key}.png`,
    title: `${digest.source}: flagged and rejected, last ${TREND_WEEKS} weeks`,
    comment: `Trend for the ${digest.week.key} digest of ${digest.source}.`,
  };
  for (const channel of channels) {
    await runOncePerPeriod(ctx.taskRuns, chartTaskName(digest.source), `${digest.week.key}:${channel}`, () => ctx.clock.now(), () =>
      ctx.sender.uploadChart(channel, png, file),
    );
  }
  return { channels };
}

export type DigestRunResult =
  | { status: 'sent'; week: string; channels: string[] }
  | { status: 'skipped'; week: string; reason: 'no_recipients' | 'already_sent' | 'quiet_week' };

/** Sends the digest owed at `now` unless it is already sent or being sent (by this or another process). */
export async function runDigestIfDue(ctx: DigestContext, source: string, now: number): Promise<DigestRunResult> {
  const config = ctx.sources[source];
  if (!config) throw new RangeError(`digest: unknown source "${source}"`);
  const due = findDueDigest(now, ctx.timeZone, config.schedule);
  if (!hasDigestRecipients(config)) return { status: 'skipped', week: due.week.key, reason: 'no_recipients' };
  const run = await ctx.taskRuns.find(digestTaskName(source), due.week.key);
  if (!isDigestDue(now, run?.status === 'done' ? due.week.key : null, ctx.timeZone, config.schedule)) {
    return { status: 'skipped', week: due.week.key, reason: 'already_sent' };
  }
  let channels: string[] = [];
  let quiet = false;
  const outcome = await runOncePerPeriod(ctx.taskRuns, digestTaskName(source), due.week.key, () => ctx.clock.now(), async () => {
    const digest = await buildDigest(source, due.week, ctx.loaders, now);
    // The claim is still taken for a quiet week, so it is decided once, not at every catch-up.
    quiet = isQuietWeek(digest.summary);
    if (!quiet) ({ channels } = await sendDigest(ctx, config, digest));
  });
  if (outcome !== 'ran') return { status: 'skipped', week: due.week.key, reason: 'already_sent' };
  return quiet ? { status: 'skipped', week: due.week.key, reason: 'quiet_week' } : { status: 'sent', week: due.week.key, channels };
}
