import type { DbExecutor } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { renderLineChartPng, type ChartUpload, type LineChartOptions } from '../../shared/charts.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { slackOrderKey } from '../outbox/outbox.models.ts';
import { outboxRef } from '../outbox/outbox-refs.models.ts';
import type { GuardrailsDeps } from '../guardrails/guardrails.usecases.ts';
import type { ReviewRoles } from '../review/review-roles.usecases.ts';
import { buildNoticeMessage, buildPrChartOptions, buildProposalCardMessage, type ProposalCardModel, type SlackMessage } from './calibration.blocks.ts';
import type { ProposalRow } from './calibration.repository.ts';
import type { CalibrationContext } from './calibration.usecases.ts';

// The Slack side of a proposal: every write is an outbox message enqueued in the caller's
// transaction (the decision and the card that shows it commit together). The one direct
// call is the chart upload: the outbox stores JSON and a PNG is bytes. It runs once the card
// is posted (its thread needs the card's ts), and a failed upload is retried by the daily job.

export const PROPOSAL_POSTED = 'calibration.proposal_posted';

export interface ProposalContext extends CalibrationContext {
  /** Writes guardrail versions (Apply), with the live cache refresh and webhook of the guardrails module. */
  guardrails: GuardrailsDeps;
  roles: Pick<ReviewRoles, 'resolveRole'>;
  /** files.uploadV2; null when Slack is off (the chart then waits for the daily job). */
  uploadFile: ((upload: ChartUpload) => Promise<void>) | null;
  renderChart?: (options: LineChartOptions) => Promise<Buffer>;
  notifyOutbox(): void;
  logger: Logger;
}

export interface ClickActor {
  userId: string;
  /** Where the click happened, for ephemeral answers. */
  channelId?: string | null;
}

export function toCardModel(row: ProposalRow): ProposalCardModel {
  const { id, source, grader, graderVersion, status, currentThreshold, proposedThreshold, figures, createdBy, decidedBy, decisionReason, guardrailVersion, autoApplied } = row;
  return { id, source, grader, graderVersion, status, currentThreshold, proposedThreshold, figures, createdBy, decidedBy, decisionReason, guardrailVersion, autoApplied };
}

// Proposal cards carry no untrusted text, but stay consistent with every other Vigil post.
const SAFE_POST = { link_names: false, unfurl_links: false, unfurl_media: false } as const;

export async function enqueueProposalPost(tx: DbExecutor, row: ProposalRow, now: number): Promise<string> {
  const message = await enqueueOutboxMessage(
    tx,
    {
      kind: 'slack',
      method: 'chat.postMessage',
      payload: { channel: row.channel, ...buildProposalCardMessage(toCardModel(row)), ...SAFE_POST },
      orderKey: slackOrderKey(row.channel),
      dedupeKey: `calibration.card:${row.id}`,
      purpose: PROPOSAL_POSTED,
      purposeRef: row.id,
    },
    now,
  );
  return message.id;
}

/** Re-renders the card in place; before Slack has answered the post, the update names it by placeholder. */
export async function enqueueProposalUpdate(tx: DbExecutor, row: ProposalRow, now: number): Promise<void> {
  const located = row.cardChannel && row.cardTs ? { channel: row.cardChannel, ts: row.cardTs } : row.cardOutboxId ? { channel: outboxRef(row.cardOutboxId, 'channel'), ts: outboxRef(row.cardOutboxId, 'ts') } : null;
  if (!located) return;
  const message: SlackMessage = buildProposalCardMessage(toCardModel(row));
  await enqueueOutboxMessage(tx, { kind: 'slack', method: 'chat.update', payload: { ...located, ...message }, orderKey: slackOrderKey(row.channel) }, now);
}

export async function enqueueNotice(tx: DbExecutor, to: { channel: string | null; user: string }, text: string, now: number): Promise<void> {
  if (!to.channel) return;
  await enqueueOutboxMessage(tx, { kind: 'slack', method: 'chat.postEphemeral', payload: { channel: to.channel, user: to.user, ...buildNoticeMessage(text) } }, now);
}

/** Renders the PR chart and uploads it into the card's thread, once. */
export async function uploadProposalChart(ctx: ProposalContext, row: ProposalRow): Promise<boolean> {
  if (!ctx.uploadFile || !row.cardChannel || !row.cardTs || row.chartUploadedAt !== null) return false;
  const png = await (ctx.renderChart ?? renderLineChartPng)(buildPrChartOptions(row, row.chart));
  const title = `Precision–recall of ${row.grader} on ${row.source}`;
  await ctx.uploadFile({ channel_id: row.cardChannel, thread_ts: row.cardTs, file: png, filename: `${row.id}-precision-recall.png`, title, alt_text: title });
  await ctx.repository.transaction((tx) => ctx.repository.updateProposal(tx, row.id, { chartUploadedAt: ctx.clock.now() }));
  return true;
}

/** Outbox hook: the card reached Slack; keep where it is and put the chart in its thread. */
export async function recordProposalPosted(ctx: ProposalContext, proposalId: string, response: Record<string, unknown>): Promise<void> {
  const channel = typeof response.channel === 'string' ? response.channel : null;
  const ts = typeof response.ts === 'string' ? response.ts : null;
  if (!channel || !ts) return;
  const row = await ctx.repository.transaction(async (tx) => {
    await ctx.repository.updateProposal(tx, proposalId, { cardChannel: channel, cardTs: ts });
    return ctx.repository.findProposal(proposalId, tx);
  });
  if (row) await uploadProposalChart(ctx, row);
}

/** Charts whose upload failed earlier; run by the daily job. One failure does not stop the rest. */
export async function retryChartUploads(ctx: ProposalContext): Promise<number> {
  let uploaded = 0;
  for (const row of await ctx.repository.listChartsToUpload()) {
    try {
      if (await uploadProposalChart(ctx, row)) uploaded += 1;
    } catch (error) {
      ctx.logger.warn({ err: error, proposalId: row.id }, 'could not upload the calibration chart; the next daily run tries again');
    }
  }
  return uploaded;
}
