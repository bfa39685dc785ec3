import { appendAuditEntry } from '../audit/audit.repository.ts';
import type { CalibrationConfig } from './calibration.config.ts';
import { computeCurve } from './calibration.models.ts';
import { buildPrChartPoints, buildProposalFigures, MIN_PROPOSED_CHANGE } from './calibration-proposal.models.ts';
import type { CalibrationReport } from './calibration-report.models.ts';
import type { ProposalRow } from './calibration.repository.ts';
import { calibrateGrader, readSourceSettings, type CalibrationSourceSettings } from './calibration.usecases.ts';
import { enqueueProposalPost, enqueueProposalUpdate, type ProposalContext } from './calibration-card.usecases.ts';

// Proposing a threshold: the report, then a proposal row and its card in one transaction.
// A grader has at most one open proposal: a newer one supersedes it (its card says so), and
// the same proposal asked for twice (the daily job, a repeated command) is not posted again.

export type ProposeResult =
  | { status: 'posted'; proposal: ProposalRow; report: CalibrationReport }
  | { status: 'already_open'; proposal: ProposalRow; report: CalibrationReport }
  | { status: 'insufficient_labels' | 'no_change' | 'no_channel'; report: CalibrationReport };

/** Where proposals of a source go: `calibration.channel`, else the review admin channel, else the review channel. */
export function resolveProposalChannel(settings: CalibrationSourceSettings): string | null {
  return settings.calibration.channel ?? settings.review.admin_channel ?? settings.review.channel ?? null;
}

function isSameProposal(open: ProposalRow, report: CalibrationReport, threshold: number): boolean {
  return open.graderVersion === report.graderVersion && open.proposedThreshold === threshold && open.currentThreshold === report.currentThreshold;
}

export async function proposeThreshold(ctx: ProposalContext, request: { source: string; grader: string; actor: string }): Promise<ProposeResult> {
  const settings = readSourceSettings(ctx, request.source);
  const { report, items } = await calibrateGrader(ctx, request);
  const figures = buildProposalFigures(report);
  if (report.recommendation.status !== 'ok' || !figures) return { status: 'insufficient_labels', report };
  if (Math.abs(report.recommendation.change) < MIN_PROPOSED_CHANGE) return { status: 'no_change', report };
  const channel = resolveProposalChannel(settings);
  if (!channel) return { status: 'no_channel', report };
  const threshold = report.recommendation.threshold;
  const chart = buildPrChartPoints(computeCurve(items), figures);
  const now = ctx.clock.now();
  const result = await ctx.repository.transaction(async (tx): Promise<ProposeResult> => {
    const open = await ctx.repository.listOpenProposals(tx, request.source, request.grader);
    const same = open.find((row) => isSameProposal(row, report, threshold));
    if (same) return { status: 'already_open', proposal: same, report };
    for (const older of open) {
      const reason = 'a newer proposal replaced it';
      if (await ctx.repository.closeProposal(tx, older.id, { status: 'superseded', decidedAt: now, decisionReason: reason })) {
        await enqueueProposalUpdate(tx, { ...older, status: 'superseded', decidedAt: now, decisionReason: reason }, now);
      }
    }
    const inserted = await ctx.repository.insertProposal(tx, {
      source: request.source,
      grader: request.grader,
      graderVersion: report.graderVersion,
      status: 'open',
      currentThreshold: report.currentThreshold,
      proposedThreshold: threshold,
      figures,
      chart,
      channel,
      createdBy: request.actor,
      createdAt: now,
    });
    const cardOutboxId = await enqueueProposalPost(tx, inserted, now);
    await ctx.repository.updateProposal(tx, inserted.id, { cardOutboxId });
    await appendAuditEntry(
      tx,
      {
        actor: request.actor,
        action: 'calibration.proposed',
        source: request.source,
        subjectType: 'calibration_proposal',
        subjectId: inserted.id,
        details: { grader: request.grader, grader_version: report.graderVersion, from: report.currentThreshold, to: threshold, objective: report.objective, labels: figures.labels },
      },
      now,
    );
    return { status: 'posted', proposal: { ...inserted, cardOutboxId }, report };
  });
  if (result.status === 'posted') ctx.notifyOutbox();
  return result;
}

/** The ephemeral answer of `/vigil calibrate`, from what proposing did. */
export function describeProposeResult(result: ProposeResult, config: Pick<CalibrationConfig, 'min_labels_per_class'>): string {
  const { report } = result;
  const name = `*${report.grader}* on *${report.source}*`;
  switch (result.status) {
    case 'posted':
      return `:bar_chart: Proposal posted in <#${result.proposal.channel}>: ${name} ${report.currentThreshold.toFixed(2)} → ${result.proposal.proposedThreshold.toFixed(2)}.`;
    case 'already_open':
      return `:bar_chart: The same proposal for ${name} is already open in <#${result.proposal.channel}> (${result.proposal.proposedThreshold.toFixed(2)}).`;
    case 'no_change':
      return `:white_check_mark: ${name}: the current threshold ${report.currentThreshold.toFixed(2)} already meets the objective; nothing to propose.`;
    case 'no_channel':
      return `:warning: ${name}: no channel for proposals; set \`calibration.channel\` (or \`review.channel\`) for the source.`;
    case 'insufficient_labels':
      return report.recommendation.status === 'insufficient_labels'
        ? `:hourglass_flowing_sand: ${name} ${report.recommendation.message} (at least ${config.min_labels_per_class} of each; now ${report.labels.violations} violations and ${report.labels.nonViolations} non-violations).`
        : `:hourglass_flowing_sand: ${name}: not enough labels yet.`;
  }
}

/**
 * `/vigil calibrate <source> <grader>`, injected into the commands module: posts the proposal
 * card (through the outbox) and returns the ephemeral text for the person who asked.
 */
export async function handleCalibrateCommand(ctx: ProposalContext, source: string, grader: string, userId: string): Promise<string> {
  const settings = readSourceSettings(ctx, source);
  const result = await proposeThreshold(ctx, { source, grader, actor: `slack:${userId}` });
  return describeProposeResult(result, settings.calibration);
}
