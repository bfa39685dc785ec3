import { isVigilError } from '../../platform/errors.ts';
import { performRollback, requestRollback, type RollbackOutcome } from '../releases/rollback-approval.usecases.ts';
import type { ConfirmMetadata } from './guardrails.actions.ts';
import { actorOf, authorizeApprover, describeApproverNeeded, tellActor, type GuardrailSlackContext, type SlackActor } from './guardrails-access.usecases.ts';
import { setKillSwitch } from './guardrails.usecases.ts';
import { noteVersionOnCard } from './guardrails-tighten.usecases.ts';

// The confirmed dialog of a kill switch or a rollback. The role is checked again: the
// dialog may have stayed open while the approver list changed.

export type ConfirmResult = RollbackOutcome | { status: 'kill_switch'; version: number; created: boolean } | { status: 'refused'; message: string };

export async function confirmGuardrailAction(ctx: GuardrailSlackContext, actor: SlackActor, metadata: ConfirmMetadata): Promise<ConfirmResult> {
  const item = await ctx.cards.findItem(metadata.itemId);
  if (!item) return { status: 'failed', message: 'This review item no longer exists.' };
  const action = 'tighten its guardrail or roll it back';
  if (!(await authorizeApprover(ctx, { userId: actor.userId }, { source: item.source, attempted: metadata.kind, action, subjectType: 'review_item', subjectId: item.id }))) {
    return { status: 'refused', message: describeApproverNeeded(item.source, action) };
  }
  const tellable = { userId: actor.userId, ...(metadata.channel ? { channelId: metadata.channel } : {}) };
  if (metadata.kind === 'rollback') {
    const request = { source: item.source, itemId: item.id, reason: metadata.reason };
    return ctx.sources[item.source]?.twoPersonRule ? requestRollback(ctx, tellable, request) : performRollback(ctx, tellable, request);
  }
  const on = metadata.on ?? true;
  let result;
  try {
    result = await setKillSwitch(ctx.versions, { source: item.source, on, actor: actorOf(actor), reason: metadata.reason });
  } catch (error) {
    if (!isVigilError(error)) throw error;
    return { status: 'failed', message: error.message };
  }
  const { version, created } = result;
  if (created) {
    await noteVersionOnCard(ctx, item, version);
  } else {
    await tellActor(ctx, tellable, `:information_source: The kill switch of ${item.source} is already ${on ? 'on' : 'off'} (guardrail v${version.version}).`);
  }
  return { status: 'kill_switch', version: version.version, created };
}
