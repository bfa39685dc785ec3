import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import { escapeMrkdwn } from '../../shared/mrkdwn.ts';
import { section } from '../../shared/slack-blocks.ts';
import type { AuditEntryInput } from '../audit/audit.models.ts';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import type { OutboxMessageInput } from '../outbox/outbox.models.ts';
import { enqueueOutboxMessage } from '../outbox/outbox.repository.ts';
import { describeMissingRole } from '../review/review-roles.models.ts';
import type { BoostsRepository } from './boosts.repository.ts';
import { stopSamplingBoost, type StopBoostResult } from './boosts.usecases.ts';
import type { DriftRepository } from './drift.repository.ts';
import type { UpdateAlertCard } from './drift.usecases.ts';

// A click on a drift card's "Stop boost". Only approvers of the boost's source may stop it;
// anyone else gets an ephemeral naming the role needed, and the refused attempt is audited
// like the review and guardrail refusals. A stop is audited, and the card is re-rendered in
// place. The audit rows and Slack writes commit together, after the stop (which is idempotent).

export interface BoostClickContext {
  db: Db;
  boostsRepository: BoostsRepository;
  driftRepository: DriftRepository;
  isApprover(source: string, userId: string): boolean | Promise<boolean>;
  /** Fallback when the click does not say which message it came from. */
  updateAlertCard: UpdateAlertCard;
  /** Called when a boost of `source` stopped, so cached boosts are read again. */
  onBoostStopped(source: string): void;
  notifyOutbox(): void;
  clock: Clock;
  logger: Logger;
}

export interface BoostClickActor {
  userId: string;
  /** Where the click happened: the card to update and the channel for ephemeral answers. */
  channelId: string | null;
  messageTs: string | null;
}

const STOP_ACTION = 'stop a sampling boost';

export async function handleStopBoostClick(ctx: BoostClickContext, actor: BoostClickActor, boostId: number): Promise<StopBoostResult> {
  const now = ctx.clock.now();
  const result = await stopSamplingBoost(ctx, { boostId, actor: actor.userId, now, canStop: ctx.isApprover });
  const audit: AuditEntryInput[] = [];
  const messages: OutboxMessageInput[] = [];
  const tell = (text: string) => {
    if (actor.channelId) messages.push({ kind: 'slack', method: 'chat.postEphemeral', payload: { channel: actor.channelId, user: actor.userId, text, blocks: [section('monitoring.notice', text)] } });
  };
  const subject = { actor: `slack:${actor.userId}`, source: result.source, subjectType: 'sampling_boost', subjectId: String(boostId) };

  if (result.status === 'not_found') tell(`:grey_question: Vigil has no sampling boost \`${boostId}\`.`);
  else if (result.status === 'forbidden') {
    const source = result.source as string;
    audit.push({ ...subject, action: 'monitoring.refused', details: { attempted: 'stop_boost', needed: 'approver' } });
    tell(describeMissingRole(escapeMrkdwn(source), 'approver', STOP_ACTION));
    ctx.logger.info({ source, boostId, user: actor.userId }, 'stop boost refused: not an approver');
  } else {
    if (result.status === 'stopped') {
      audit.push({ ...subject, action: 'sampling_boost.stopped' });
      ctx.onBoostStopped(result.source as string);
    }
    if (result.status === 'already_stopped') tell('This sampling boost was already stopped; nothing changed.');
    if (result.status === 'ended') tell('This sampling boost had already ended; nothing changed.');
    // Every answer but a refusal re-renders the card, so a stale one catches up with the boost.
    if (result.message && actor.channelId && actor.messageTs) {
      messages.push({ kind: 'slack', method: 'chat.update', payload: { channel: actor.channelId, ts: actor.messageTs, ...result.message } });
    } else if (result.message) {
      const alertId = (await ctx.boostsRepository.findBoost(boostId))?.alertId;
      if (alertId !== null && alertId !== undefined) await ctx.updateAlertCard(result.source as string, alertId, result.message);
    }
  }

  if (audit.length > 0 || messages.length > 0) {
    await ctx.db.transaction(async (tx) => {
      for (const entry of audit) await appendAuditEntry(tx, entry, now);
      for (const message of messages) await enqueueOutboxMessage(tx, message, now);
    });
    ctx.notifyOutbox();
  }
  return result;
}
