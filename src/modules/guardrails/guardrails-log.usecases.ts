import { isVigilError } from '../../platform/errors.ts';
import { actorOf, authorizeApprover, tellActor, type GuardrailSlackContext, type SlackActor } from './guardrails-access.usecases.ts';
import { buildGuardrailLogMessage } from './guardrails.blocks.ts';
import type { GuardrailVersion } from './guardrails.models.ts';
import { revertGuardrailVersion } from './guardrails.usecases.ts';

// The guardrail log channel: every version created in this process (from Slack, the API or
// a rollback) is posted there with a Revert button, and an approver reverts from it.

/** Posts a new version to its source's log channel, once (the dedupe key is the version). */
export async function postVersionToLog(ctx: GuardrailSlackContext, version: GuardrailVersion): Promise<void> {
  const channel = ctx.sources[version.source]?.logChannel;
  if (!channel) return;
  const message = buildGuardrailLogMessage(version);
  await ctx.cards.record(
    {
      messages: [
        {
          kind: 'slack',
          method: 'chat.postMessage',
          payload: { channel, ...message, link_names: false, unfurl_links: false, unfurl_media: false },
          dedupeKey: `guardrail-log:${version.source}:v${version.version}`,
          purpose: 'guardrails.log_posted',
          purposeRef: `${version.source}:v${version.version}`,
        },
      ],
    },
    ctx.clock.now(),
  );
  ctx.notifyOutbox();
}

export type RevertResult = { status: 'reverted'; version: number; created: boolean } | { status: 'refused' } | { status: 'failed'; message: string };

/** A new version equal to `version`; approvers only. */
export async function revertFromLog(ctx: GuardrailSlackContext, actor: SlackActor, request: { source: string; version: number }): Promise<RevertResult> {
  const allowed = await authorizeApprover(ctx, actor, {
    source: request.source, attempted: 'revert', action: 'revert its guardrail', subjectType: 'guardrail', subjectId: `${request.source}-v${request.version}`,
  });
  if (!allowed) return { status: 'refused' };
  try {
    const result = await revertGuardrailVersion(ctx.versions, { source: request.source, version: request.version, actor: actorOf(actor), reason: `Reverted to v${request.version} from the guardrail log` });
    if (!result.created) await tellActor(ctx, actor, `:information_source: Guardrail v${result.version.version} of ${request.source} already equals v${request.version}; nothing changed.`);
    return { status: 'reverted', version: result.version.version, created: result.created };
  } catch (error) {
    if (!isVigilError(error)) throw error;
    await tellActor(ctx, actor, `:warning: ${error.message}`);
    return { status: 'failed', message: error.message };
  }
}
