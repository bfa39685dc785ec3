import { enqueueThreadReply, type ReviewContext } from './review-card.usecases.ts';
import { buildSlaReminder } from './review-sla.blocks.ts';

// Items not reviewed within their SLA (minutes after the card was sent, by priority) get one
// reminder in the card's thread; critical ones ping the on-call group, disagreements the
// approvers. The outbox dedupe key and `sla_reminded_at` make it once per item and threshold,
// also when two processes run the sweep.

const MINUTE_MS = 60_000;

export async function sendSlaReminders(ctx: ReviewContext): Promise<number> {
  const configs = Object.values(ctx.sources);
  if (configs.length === 0) return 0;
  const now = ctx.clock.now();
  const shortest = Math.min(...configs.flatMap((config) => Object.values(config.sla_minutes)));
  const sent = await ctx.repository.transaction(async (tx) => {
    const reminded: { source: string; priority: string }[] = [];
    for (const item of await tx.listSlaCandidates(now - shortest * MINUTE_MS)) {
      const config = ctx.sources[item.source];
      if (!config || item.dispatchedAt === null) continue;
      const slaMinutes = config.sla_minutes[item.priority];
      if (now - item.dispatchedAt < slaMinutes * MINUTE_MS) continue;
      const verdicts = (await tx.listVerdicts(item.id)).filter((verdict) => verdict.decision !== null).length;
      const needsAdjudication = item.state === 'needs_adjudication';
      const mentions = [
        ...(item.priority === 'critical' && config.oncall_group ? [config.oncall_group] : []),
        ...(needsAdjudication ? config.approvers : []),
      ];
      const message = buildSlaReminder({
        itemId: item.id,
        priority: item.priority,
        waitedMinutes: Math.floor((now - item.dispatchedAt) / MINUTE_MS),
        slaMinutes,
        verdicts,
        requiredVerdicts: item.requiredVerdicts,
        needsAdjudication,
        mentions,
      });
      await enqueueThreadReply(tx, item, message, now, `review.sla:${item.id}:${slaMinutes}`);
      await tx.updateItem(item.id, { slaRemindedAt: now });
      reminded.push({ source: item.source, priority: item.priority });
    }
    return reminded;
  });
  for (const item of sent) ctx.metrics.reminders.inc(item);
  if (sent.length > 0) ctx.notifyOutbox();
  return sent.length;
}
