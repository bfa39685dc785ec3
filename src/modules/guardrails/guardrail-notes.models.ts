import { escapeMrkdwn, formatInlineCode, formatMention, formatSlackDate } from '../../shared/mrkdwn.ts';
import { truncateText } from '../../shared/slack-limits.ts';
import type { describeDelivery } from './guardrail-webhooks.models.ts';
import type { GuardrailDiffEntry, GuardrailVersion, PinnedRelease } from './guardrails.models.ts';

// The words a card note and a guardrail log message use for a version: "guardrail v12 by
// @ana: blocked outputs matching `refund`". Everything returned is safe mrkdwn: patterns,
// releases and errors are escaped, mentions are built only from Slack ids.

const MAX_PARTS = 4;
const SHOWN_VALUE = 60;

const code = (value: unknown) => formatInlineCode(truncateText(String(value), SHOWN_VALUE));
const number = (value: unknown) => (typeof value === 'number' ? value.toFixed(2) : code(value));

/** `slack:U123` → a mention; other actors (`api:key_…`, `cli:ana`) shown escaped. */
export function formatActor(actor: string): string {
  const slackUser = /^slack:([UW][A-Z0-9]{2,30})$/.exec(actor)?.[1];
  return slackUser ? formatMention(slackUser) : formatInlineCode(actor);
}

function describeEntry(entry: GuardrailDiffEntry): string[] {
  const [head, name, leaf] = entry.path.split('.');
  if (entry.path === 'blocklist.patterns') {
    return [...(entry.added ?? []).map((p) => `blocked outputs matching ${code(p)}`), ...(entry.removed ?? []).map((p) => `unblocked ${code(p)}`)];
  }
  if (entry.path === 'blocklist.words') {
    return [...(entry.added ?? []).map((w) => `blocked the word ${code(w)}`), ...(entry.removed ?? []).map((w) => `unblocked the word ${code(w)}`)];
  }
  if (head === 'graders' && leaf === 'threshold') {
    const lowered = typeof entry.from === 'number' && typeof entry.to === 'number' && entry.to < entry.from;
    return [`${lowered ? 'lowered' : 'raised'} the *${escapeMrkdwn(name ?? '')}* threshold ${number(entry.from)} → ${number(entry.to)}`];
  }
  if ((head === 'graders' || head === 'detectors') && leaf === 'action') {
    return [`switched *${escapeMrkdwn(name ?? '')}* from ${escapeMrkdwn(String(entry.from))} to ${escapeMrkdwn(String(entry.to))}`];
  }
  if (entry.path === 'kill_switch.on') return [entry.to === true ? 'turned the *kill switch on*' : 'lifted the kill switch'];
  if (entry.path === 'pinned_release') {
    const to = entry.to as PinnedRelease | null;
    return [to ? `pinned release ${code(to.release)}` : 'unpinned the release'];
  }
  return [`changed ${code(entry.path)}`];
}

/** What a version did, in a few words: the first changes, then "and N more". */
export function describeVersionChange(version: Pick<GuardrailVersion, 'kind' | 'diff' | 'revertOf' | 'spec'>, rollbackFrom?: string | null): string {
  if (version.kind === 'revert' && version.revertOf !== null) return `reverted to v${version.revertOf}`;
  if (version.kind === 'rollback' && version.spec.pinned_release) {
    const from = rollbackFrom ? ` from ${code(rollbackFrom)}` : '';
    return `rolled back to ${code(version.spec.pinned_release.release)}${from}`;
  }
  const parts = version.diff.flatMap(describeEntry);
  if (parts.length === 0) return 'no change';
  const shown = parts.slice(0, MAX_PARTS).join('; ');
  return parts.length > MAX_PARTS ? `${shown}; and ${parts.length - MAX_PARTS} more` : shown;
}

/** `guardrail v12 by <@U…>: blocked outputs matching `refund`` */
export function describeVersionNote(version: Pick<GuardrailVersion, 'version' | 'actor' | 'kind' | 'diff' | 'revertOf' | 'spec'>, rollbackFrom?: string | null): string {
  return `:shield: guardrail v${version.version} by ${formatActor(version.actor)}: ${describeVersionChange(version, rollbackFrom)}`;
}

type Delivery = ReturnType<typeof describeDelivery>;

/** delivered / failed: reason / retrying, for a note or a log message. */
export function describeWebhookDelivery(delivery: Pick<Delivery, 'state' | 'attempts' | 'last_error'>): string {
  const error = escapeMrkdwn(truncateText(delivery.last_error ?? 'unknown error', 120));
  switch (delivery.state) {
    case 'delivered':
      return `:white_check_mark: webhook delivered${delivery.attempts > 1 ? ` (attempt ${delivery.attempts})` : ''}`;
    case 'failed':
      return `:x: webhook failed: ${error}`;
    case 'retrying':
      return `:repeat: webhook retrying (attempt ${delivery.attempts} failed: ${error})`;
    case 'sending':
      return ':outbox_tray: webhook sending';
    default:
      return ':outbox_tray: webhook queued';
  }
}

export interface RollbackRequestView {
  requestedBy: string;
  targetRelease: string;
  fromRelease: string | null;
  state: 'pending' | 'confirmed' | 'expired' | 'cancelled';
  expiresAt: number;
  decidedBy: string | null;
  outcome: string | null;
  version: number | null;
}

/** The two-person rollback's state, as its card note and its confirmation message show it. */
export function describeRollbackRequest(request: RollbackRequestView): string {
  const what = `rollback to ${code(request.targetRelease)} requested by ${formatMention(request.requestedBy)}`;
  switch (request.state) {
    case 'pending':
      return `:hourglass_flowing_sand: ${what}; a second approver must confirm by ${formatSlackDate(request.expiresAt)}`;
    case 'confirmed':
      return `:white_check_mark: ${what}, confirmed by ${formatMention(request.decidedBy ?? '')}${request.version ? ` (guardrail v${request.version})` : ''}`;
    case 'expired':
      return `:clock3: ${what} expired: no second approver confirmed it within 10 minutes`;
    default:
      return request.outcome === 'target_changed'
        ? `:no_entry_sign: ${what} was withdrawn: the last known-good release changed`
        : `:no_entry_sign: ${what} was cancelled by ${formatMention(request.decidedBy ?? '')}`;
  }
}
