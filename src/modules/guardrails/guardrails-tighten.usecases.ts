import type { ModalView } from '@slack/types';
import { isVigilError } from '../../platform/errors.ts';
import { validateBlocklistPattern } from '../checks/detectors/blocklist.detector.ts';
import type { DetectorName } from '../checks/checks.models.ts';
import { findRollbackTarget } from '../releases/rollback-approval.usecases.ts';
import type { CardItem } from './guardrail-cards.repository.ts';
import type { GuardrailChange } from './guardrail-change.models.ts';
import { describeVersionNote } from './guardrail-notes.models.ts';
import { computeThresholdPreview, DAY_MS, listTightenOptions, PREVIEW_DAYS, proposeBlockPattern, type ThresholdPreview } from './guardrail-proposals.models.ts';
import { previewTraffic } from './guardrails-preview.usecases.ts';
import { TIGHTEN_INPUTS, type TightenSubmission } from './guardrails.actions.ts';
import { actorOf, authorizeApprover, describeApproverNeeded, tellActor, type GuardrailSlackContext, type SlackActor } from './guardrails-access.usecases.ts';
import { buildConfirmModal, buildTightenModal } from './guardrails-modals.blocks.ts';
import { chooseLeadDetector, TIGHTEN_COPY } from './guardrail-copy.models.ts';
import { describeFlag, strongestFlag, toFlagLike } from '../checks/flag-wording.models.ts';
import { createGuardrailVersion } from './guardrails.usecases.ts';

// "Tighten guardrail…" on a review card: a modal that proposes changes drawn from the item
// (block outputs like it, lower a grader's threshold to its score, switch a detector to
// block, the kill switch, a rollback), with previews on the source's last 7 days; and
// its submission, which creates the guardrail version at once or asks for a confirmation.

type Prepared = { status: 'ok'; view: ModalView } | { status: 'refused' } | { status: 'not_found' };

/** Builds the tighten modal for an item; `pattern` replaces the proposal (the approver pressed Enter on an edit). */
export async function prepareTightenModal(ctx: GuardrailSlackContext, actor: SlackActor, itemId: string, pattern?: string | null): Promise<Prepared> {
  const item = await ctx.cards.findItem(itemId);
  if (!item) {
    await tellActor(ctx, actor, `:grey_question: Vigil has no review item \`${itemId.replace(/`/g, '')}\`.`);
    return { status: 'not_found' };
  }
  const allowed = await authorizeApprover(ctx, actor, { source: item.source, attempted: 'tighten', action: 'tighten its guardrail or roll it back', subjectType: 'review_item', subjectId: item.id });
  if (!allowed) return { status: 'refused' };
  return { status: 'ok', view: await buildModalFor(ctx, item, actor.channelId, pattern) };
}

async function buildModalFor(ctx: GuardrailSlackContext, item: CardItem, channel: string | undefined, typed: string | null | undefined): Promise<ModalView> {
  const live = ctx.live.get(item.source);
  if (!live) throw new Error(`no live guardrail for ${item.source}`);
  const spec = live.version.spec;
  const now = ctx.clock.now();
  const since = now - PREVIEW_DAYS * DAY_MS;
  const event = await ctx.cards.loadEvent(item.eventSeq);
  const leadDetector = event ? chooseLeadDetector(event.detections, spec) : null;
  // A leak is not stopped by a phrase from the answer's first words: propose none, the detector leads.
  const proposed = event && leadDetector === null ? proposeBlockPattern(event.output, event.detections) : null;
  const pattern = typed === undefined ? proposed : typed;
  const fired = [...new Set((event?.detections ?? []).map((d) => d.detector as DetectorName))];
  const traffic = await previewTraffic(ctx.cards, { source: item.source, now, pattern, detectors: fired });
  const scores = await ctx.cards.loadScores(item.eventSeq);
  const thresholdPreviews = new Map<string, ThresholdPreview>();
  for (const { grader, score } of scores) {
    const rule = spec.graders[grader];
    if (!rule || score >= rule.threshold) continue;
    const counts = await ctx.cards.countScoresBetween(item.source, grader, since, score, rule.threshold);
    thresholdPreviews.set(grader, computeThresholdPreview({ grader, current: rule.threshold, proposed: score, extraFlagged: counts.between, scored: counts.scored }));
  }
  const rollback = await findRollbackTarget(ctx.releases, item.source);
  const strongest = strongestFlag((event?.detections ?? []).map(toFlagLike));
  const headline = strongest ? describeFlag(strongest).headline : null;
  const previewed = traffic.pattern;
  const preview = previewed?.ok ? previewed.preview : null;
  const detectors = fired.map((detector) => ({ detector, recentCount: traffic.detectorCounts.get(detector) ?? 0 }));
  return buildTightenModal({
    itemId: item.id,
    ...(channel ? { channel } : {}),
    source: item.source,
    version: live.version.version,
    options: listTightenOptions({ spec, scores, thresholdPreviews, detectors, pattern: preview, rollback, leadDetector }),
    pattern,
    preview,
    patternError: previewed && !previewed.ok ? `This pattern cannot be used: ${previewed.reason}` : null,
    rollbackNote: rollback.target ? null : TIGHTEN_COPY.noRollback,
    ...(headline ? { headline } : {}),
  });
}

export type TightenResult =
  | { status: 'applied'; version: number; created: boolean }
  | { status: 'errors'; errors: Record<string, string> }
  | { status: 'confirm'; view: ModalView };

const errorOn = (block: string, message: string): TightenResult => ({ status: 'errors', errors: { [block]: message } });

/** The change a submission asks for, or the modal error that explains why it cannot be made. */
async function planChange(ctx: GuardrailSlackContext, item: CardItem, submission: TightenSubmission): Promise<{ change: GuardrailChange } | TightenResult> {
  const { choice } = submission;
  if (choice.kind === 'block_pattern') {
    if (!submission.pattern) return errorOn(TIGHTEN_INPUTS.pattern.blockId, 'Type the phrase or regex to block.');
    const verdict = validateBlocklistPattern(submission.pattern);
    if (!verdict.ok) return errorOn(TIGHTEN_INPUTS.pattern.blockId, `This pattern cannot be used: ${verdict.reason}`);
    return { change: { blocklist: { add_patterns: [submission.pattern] } } };
  }
  if (choice.kind === 'threshold') {
    const score = (await ctx.cards.loadScores(item.eventSeq)).find((s) => s.grader === choice.grader)?.score;
    if (score === undefined) return errorOn(TIGHTEN_INPUTS.choice.blockId, `This item has no ${choice.grader} score.`);
    return { change: { graders: { [choice.grader]: { threshold: score } } } };
  }
  if (choice.kind === 'detector') return { change: { detectors: { [choice.detector]: { action: 'block' } } } };
  return errorOn(TIGHTEN_INPUTS.choice.blockId, 'Choose what to change.');
}

type NotedVersion = Parameters<typeof describeVersionNote>[0] & { version: number; actor: string; webhookOutboxId: string | null };

/** Shows a new guardrail version on the card that caused it, and follows its webhook delivery there. */
export async function noteVersionOnCard(ctx: GuardrailSlackContext, item: Pick<CardItem, 'id' | 'source'>, version: NotedVersion): Promise<void> {
  const now = ctx.clock.now();
  const note = { itemId: item.id, source: item.source, version: version.version, actor: version.actor, text: describeVersionNote(version) };
  await ctx.cards.record({ notes: [{ ...note, webhookOutboxId: version.webhookOutboxId, rollbackRequestId: null, createdAt: now }] }, now);
  await ctx.refreshCard(item.id);
  if (version.webhookOutboxId) ctx.watchDelivery(version.webhookOutboxId);
}

export async function applyTighten(ctx: GuardrailSlackContext, actor: SlackActor, submission: TightenSubmission): Promise<TightenResult> {
  const item = await ctx.cards.findItem(submission.itemId);
  if (!item) return errorOn(TIGHTEN_INPUTS.choice.blockId, 'This review item no longer exists.');
  const action = 'tighten its guardrail or roll it back';
  // Answered in the modal, not with an ephemeral: the refusal is still audited.
  if (!(await authorizeApprover(ctx, { userId: actor.userId }, { source: item.source, attempted: submission.choice.kind, action, subjectType: 'review_item', subjectId: item.id }))) {
    return errorOn(TIGHTEN_INPUTS.choice.blockId, describeApproverNeeded(item.source, action));
  }
  const reason = `From review item ${item.id}${submission.reason ? `: ${submission.reason}` : ''}`;
  const { choice } = submission;
  if (choice.kind === 'kill_switch' || choice.kind === 'rollback') return buildConfirmFor(ctx, item, submission, reason);
  const plan = await planChange(ctx, item, submission);
  if ('status' in plan) return plan;
  let result;
  try {
    result = await createGuardrailVersion(ctx.versions, { source: item.source, change: plan.change, actor: actorOf(actor), reason });
  } catch (error) {
    if (!isVigilError(error)) throw error;
    return errorOn(choice.kind === 'block_pattern' ? TIGHTEN_INPUTS.pattern.blockId : TIGHTEN_INPUTS.choice.blockId, error.message);
  }
  const { version, created } = result;
  if (created) {
    await noteVersionOnCard(ctx, item, version);
  } else {
    await tellActor(ctx, { userId: actor.userId, channelId: submission.channel }, `:information_source: Guardrail v${version.version} of ${item.source} already does that; nothing changed.`);
  }
  return { status: 'applied', version: version.version, created };
}

/** The confirmation dialog of a kill switch or rollback choice, naming the release a rollback would pin now. */
async function buildConfirmFor(ctx: GuardrailSlackContext, item: CardItem, submission: TightenSubmission, reason: string): Promise<TightenResult> {
  const metadata = { itemId: item.id, ...(submission.channel ? { channel: submission.channel } : {}), reason };
  if (submission.choice.kind === 'kill_switch') {
    const message = ctx.live.get(item.source)?.version.spec.kill_switch.message ?? ctx.sources[item.source]?.killSwitchMessage ?? '';
    return { status: 'confirm', view: buildConfirmModal({ kind: 'kill_switch', source: item.source, on: submission.choice.on, message, metadata: { ...metadata, kind: 'kill_switch', on: submission.choice.on } }) };
  }
  const { target, live } = await findRollbackTarget(ctx.releases, item.source);
  if (!target) return errorOn(TIGHTEN_INPUTS.choice.blockId, `${item.source} has no known-good release to roll back to.`);
  const twoPerson = ctx.sources[item.source]?.twoPersonRule ?? false;
  return { status: 'confirm', view: buildConfirmModal({ kind: 'rollback', source: item.source, from: live, target, twoPerson, metadata: { ...metadata, kind: 'rollback', target } }) };
}
