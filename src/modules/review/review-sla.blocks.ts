import type { KnownBlock } from '@slack/types';
import type { Severity } from '../checks/checks.models.ts';
import { formatMention } from '../../shared/mrkdwn.ts';
import { context, section } from '../../shared/slack-blocks.ts';

// The reminder posted in a card's thread when it waits past its SLA. Only ids reach the
// text (mentions are built from validated Slack ids), so it needs no escaping.

export interface SlaReminder {
  itemId: string;
  priority: Severity;
  waitedMinutes: number;
  slaMinutes: number;
  verdicts: number;
  requiredVerdicts: number;
  needsAdjudication: boolean;
  /** User groups or users to ping: on-call for critical items, approvers for disagreements. */
  mentions: string[];
}

export function buildSlaReminder(reminder: SlaReminder): { text: string; blocks: KnownBlock[] } {
  const ping = reminder.mentions.map(formatMention).join(' ');
  const waiting = reminder.needsAdjudication
    ? 'is waiting for an approver to settle a disagreement'
    : reminder.verdicts === 0
      ? `has no verdict yet (${reminder.requiredVerdicts === 1 ? 'one reviewer' : `${reminder.requiredVerdicts} reviewers`} needed)`
      : `has ${reminder.verdicts} of ${reminder.requiredVerdicts} verdicts`;
  const text = `${ping ? `${ping} ` : ''}:alarm_clock: This *${reminder.priority}* item ${waiting} after ${reminder.waitedMinutes} min (SLA ${reminder.slaMinutes} min).`;
  return {
    text: `Review reminder: item ${reminder.itemId} is past its ${reminder.slaMinutes}-minute SLA`,
    blocks: [section(`sla.${reminder.itemId}`, text), context(`sla.${reminder.itemId}.why`, ['Reminders are sent once per item; the card above takes the verdict.'])],
  };
}
