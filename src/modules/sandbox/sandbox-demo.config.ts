import type { WorkspaceSeed } from './sandbox-workspace.models.ts';

// The demo's pretend company: who is in the workspace, its channels, and the Vigil source
// that uses them. Ids follow Slack's shapes (U…, C…, S…) so Vigil's config validation
// treats them as real ones.

export const DEMO_BOT = { id: 'B0SBXVIGIL', userId: 'U0SBXVIGIL', name: 'vigil' } as const;

export const DEMO_USERS = {
  reviewer: 'U0SBXMAYA1',
  reviewer2: 'U0SBXLEO01',
  approver: 'U0SBXPRIYA',
  oncall: 'U0SBXSAM01',
  manager: 'U0SBXDANA1',
  outsider: 'U0SBXALEX1',
} as const;

export const DEMO_GROUPS = { reviewers: 'S0SBXREVIEW', oncall: 'S0SBXONCALL' } as const;

export const DEMO_CHANNELS = {
  review: 'C0SBXREVIEW',
  guardrails: 'C0SBXGUARDS',
  weekly: 'C0SBXWEEKLY',
  admin: 'C0SBXADMIN1',
} as const;

export const DEMO_SOURCE = 'support-bot';

export const DEMO_WORKSPACE: WorkspaceSeed = {
  team: { id: 'T0SBXNWIND', domain: 'northwind', name: 'Northwind Outfitters' },
  bot: DEMO_BOT,
  users: [
    { id: DEMO_USERS.reviewer, name: 'maya', realName: 'Maya Chen', title: 'reviewer' },
    { id: DEMO_USERS.reviewer2, name: 'leo', realName: 'Leo Martins', title: 'reviewer' },
    { id: DEMO_USERS.approver, name: 'priya', realName: 'Priya Natarajan', title: 'approver (trust lead)' },
    { id: DEMO_USERS.oncall, name: 'sam', realName: 'Sam Okafor', title: 'on-call engineer' },
    { id: DEMO_USERS.manager, name: 'dana', realName: 'Dana Whitfield', title: 'manager (digest)' },
    { id: DEMO_USERS.outsider, name: 'alex', realName: 'Alex Rivera', title: 'not a member of the source' },
  ],
  groups: {
    [DEMO_GROUPS.reviewers]: { handle: 'trust-reviewers', users: [DEMO_USERS.reviewer] },
    [DEMO_GROUPS.oncall]: { handle: 'ai-oncall', users: [DEMO_USERS.oncall] },
  },
  channels: [
    { id: DEMO_CHANNELS.review, name: 'ai-review', topic: 'Cards from Vigil: support-bot answers that need a human' },
    { id: DEMO_CHANNELS.guardrails, name: 'vigil-guardrails', topic: 'Every guardrail change, and threshold proposals' },
    { id: DEMO_CHANNELS.weekly, name: 'ai-weekly', topic: 'The weekly digest for managers' },
    { id: DEMO_CHANNELS.admin, name: 'vigil-admin', topic: 'Vigil tells admins here when Slack refuses a post' },
  ],
};

/** vigil.config.yaml of the demo: one source with every Slack surface switched on. */
export function buildDemoSourcesYaml(): string {
  return `# Written by npm run demo; the same keys as vigil.config.yaml.
sources:
  ${DEMO_SOURCE}:
    description: Customer support assistant on the Northwind help centre
    review:
      channel: ${DEMO_CHANNELS.review}
      reviewers: [${DEMO_GROUPS.reviewers}, ${DEMO_USERS.reviewer2}]
      approvers: [${DEMO_USERS.approver}]
      oncall_group: ${DEMO_GROUPS.oncall}
      admin_channel: ${DEMO_CHANNELS.admin}
      sampling:
        min_severity: warn
        baseline_rate: 0
        release_boost: { rate: 0 }
        hourly_budget: 40
        reviewers_per_item: { default: 1, critical: 1 }
    checks:
      blocklist:
        words: [whatever, not my problem, calm down]
    guardrails:
      log_channel: ${DEMO_CHANNELS.guardrails}
    calibration:
      channel: ${DEMO_CHANNELS.guardrails}
      # One vote decides every demo card: a visitor who clicks Reject sees it rejected, not a
      # random tenth of cards waiting for a second reviewer who is not there.
      overlap_share: 0
    incidents:
      oncall_group: ${DEMO_GROUPS.oncall}
      auto_rules:
        - { name: leaked-secret, when: { check: secrets }, severity: SEV2, window_minutes: 60 }
    digest:
      channel: ${DEMO_CHANNELS.weekly}
      managers: [${DEMO_USERS.manager}]
    monitoring:
      drift: { enabled: true, min_sample_size: 50 }
`;
}
