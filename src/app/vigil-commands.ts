import type { App } from '@slack/bolt';
import { formatAgreementReport } from '../modules/calibration/agreement-report.models.ts';
import type { CalibrationModule } from '../modules/calibration/calibration.module.ts';
import type { ChecksModule } from '../modules/checks/checks.module.ts';
import type { DigestModule } from '../modules/digest/digest.module.ts';
import type { GuardrailsModule } from '../modules/guardrails/guardrails.module.ts';
import type { IncidentsModule } from '../modules/incidents/incidents.module.ts';
import { openEscalationModal } from '../modules/incidents/incidents.slack.ts';
import type { MonitoringModule } from '../modules/monitoring/monitoring.module.ts';
import { buildCardUrl } from '../modules/review/review-api.models.ts';
import type { ReviewModule } from '../modules/review/review.module.ts';
import { buildQueueText, buildStatusText, type GraderHealth, type QueueEntry, type SourceStatus } from '../modules/commands/commands-status.blocks.ts';
import { registerCommandHandlers, type CommandHandlers, type CommandReply } from '../modules/commands/commands.slack.ts';
import { describeGuardrail, describeGuardrailHeadline } from '../modules/guardrails/guardrail-summary.blocks.ts';
import type { GuardrailVersion } from '../modules/guardrails/guardrails.models.ts';
import { escapeMrkdwn, formatInlineCode } from '../shared/mrkdwn.ts';
import { truncateText } from '../shared/slack-limits.ts';

// The `/vigil` verbs bound to the modules that answer them. Each module keeps its own use
// case; this file only reads their facades and shapes the reply, so the commands module
// stays independent of every other one. A verb whose module is off has no handler, and
// the user is told it is not available.

const QUEUE_LIMIT = 10;

export interface VigilCommandPorts {
  sourceNames: readonly string[];
  liveGuardrail(source: string): GuardrailVersion | undefined;
  queueCounts(): Promise<{ source: string; state: string; n: number }[]>;
  openIncidents(source: string): Promise<SourceStatus['openIncidents']>;
  /** Open drift alerts and probe pass rates; null parts when monitoring is off for the source. */
  monitoringStatus?(source: string): Promise<Pick<SourceStatus, 'driftAlerts' | 'probes'>>;
  graderHealth(): GraderHealth;
  /** Reviewers, approvers and on-call of a source see its status and guardrail; nobody else does. */
  canSeeSource(source: string, userId: string): Promise<boolean>;
  listQueueFor(userId: string): Promise<QueueEntry[]>;
  digest?(source: string, userId: string): Promise<CommandReply>;
  /** Opens the escalation modal with the trigger id (valid 3 s). */
  openIncidentModal?(userId: string, channelId: string, triggerId: string): Promise<void>;
  calibrate?(source: string, grader: string, userId: string): Promise<string>;
  /** The reviewer-agreement report of a source, for its approvers; null when the user is not one. */
  agreement?(source: string, userId: string): Promise<string | null>;
}

function describeNotAMember(source: string | null): CommandReply {
  const where = source === null ? 'any source' : formatInlineCode(truncateText(source, 64));
  return { text: `You are not a reviewer, approver or on-call for ${where}, so Vigil shows you nothing here. An admin adds people in \`vigil.config.yaml\`.` };
}

function describeUnknownSource(source: string, known: readonly string[]): CommandReply {
  const list = known.length > 0 ? known.map(formatInlineCode).join(', ') : 'none are configured';
  return { text: `:warning: There is no source ${formatInlineCode(truncateText(source, 64))}. Sources: ${list}.` };
}

async function readSourceStatus(ports: VigilCommandPorts, source: string, counts: { source: string; state: string; n: number }[]): Promise<SourceStatus> {
  const count = (state: string) => counts.find((row) => row.source === source && row.state === state)?.n ?? 0;
  const live = ports.liveGuardrail(source);
  const monitoring = (await ports.monitoringStatus?.(source)) ?? { driftAlerts: null, probes: null };
  return {
    source,
    guardrail: live ? describeGuardrailHeadline(live) : null,
    queue: { queued: count('queued'), inReview: count('in_review'), needsAdjudication: count('needs_adjudication') },
    openIncidents: await ports.openIncidents(source),
    ...monitoring,
  };
}

export function createVigilCommandHandlers(ports: VigilCommandPorts): CommandHandlers {
  const isKnown = (source: string) => ports.sourceNames.includes(source);
  const filterVisible = async (sources: string[], userId: string) => {
    const allowed = await Promise.all(sources.map((source) => ports.canSeeSource(source, userId)));
    return sources.filter((_, index) => allowed[index]);
  };
  const handlers: CommandHandlers = {
    async status(command, invocation) {
      if (command.source !== null && !isKnown(command.source)) return describeUnknownSource(command.source, ports.sourceNames);
      const candidates = command.source === null ? [...ports.sourceNames].sort() : [command.source];
      const visible = await filterVisible(candidates, invocation.userId);
      if (visible.length === 0) return describeNotAMember(command.source);
      const counts = await ports.queueCounts();
      const statuses = await Promise.all(visible.map((source) => readSourceStatus(ports, source, counts)));
      return { text: buildStatusText(statuses, ports.graderHealth()) };
    },
    async queue(_command, invocation) {
      return { text: buildQueueText(await ports.listQueueFor(invocation.userId), QUEUE_LIMIT) };
    },
    async guardrail(command, invocation) {
      if (!isKnown(command.source)) return describeUnknownSource(command.source, ports.sourceNames);
      if (!(await ports.canSeeSource(command.source, invocation.userId))) return describeNotAMember(command.source);
      const live = ports.liveGuardrail(command.source);
      return { text: live ? describeGuardrail(live) : `*${escapeMrkdwn(command.source)}* has no guardrail version yet.` };
    },
  };
  const { digest, openIncidentModal, calibrate, agreement } = ports;
  if (digest) {
    handlers.digest = async (command, invocation) => (isKnown(command.source) ? digest(command.source, invocation.userId) : describeUnknownSource(command.source, ports.sourceNames));
  }
  if (openIncidentModal) {
    handlers.incident = async (_command, invocation) => {
      await openIncidentModal(invocation.userId, invocation.channelId, invocation.triggerId);
      return null;
    };
  }
  if (calibrate) {
    handlers.calibrate = async (command, invocation) => {
      if (!isKnown(command.source)) return describeUnknownSource(command.source, ports.sourceNames);
      if (!(await ports.canSeeSource(command.source, invocation.userId))) return describeNotAMember(command.source);
      return { text: await calibrate(command.source, command.grader, invocation.userId) };
    };
  }
  if (agreement) {
    handlers.agreement = async (command, invocation) => {
      if (!isKnown(command.source)) return describeUnknownSource(command.source, ports.sourceNames);
      const report = await agreement(command.source, invocation.userId);
      return { text: report ?? `:no_entry: Only the approvers of ${escapeMrkdwn(command.source)} see its reviewer agreement.` };
    };
  }
  return handlers;
}

function describeGraderHealth(health: ReturnType<ChecksModule['health']>): GraderHealth {
  if (health.status === 'off') return { status: health.status, detail: health.reason };
  return { status: health.status, detail: `${health.graders.join(', ') || 'no graders'} (circuit ${health.circuit})` };
}

/** The running app's modules, as `/vigil` reads them. */
export interface VigilCommandModules {
  sourceNames: readonly string[];
  checks: Pick<ChecksModule, 'health'>;
  guardrails: Pick<GuardrailsModule, 'live'>;
  review: Pick<ReviewModule, 'countByState' | 'listAwaitingReviewer'>;
  incidents: Pick<IncidentsModule, 'repository' | 'prepareEscalation'>;
  monitoring: Pick<MonitoringModule, 'describeStatus'>;
  calibration: Pick<CalibrationModule, 'handleCalibrateCommand' | 'agreement'>;
  isApprover(source: string, userId: string): Promise<boolean>;
  canSeeSource(source: string, userId: string): Promise<boolean>;
  digest: Pick<DigestModule, 'handleDigestCommand'>;
}

export function registerVigilCommands(app: App, modules: VigilCommandModules): void {
  const { review, incidents } = modules;
  const handlers = createVigilCommandHandlers({
    sourceNames: modules.sourceNames,
    liveGuardrail: (source) => modules.guardrails.live.get(source)?.version,
    queueCounts: () => review.countByState(),
    openIncidents: async (source) =>
      (await incidents.repository.listUnresolved(source)).map((incident) => ({ id: incident.id, severity: incident.severity, title: incident.title, acknowledged: incident.acknowledgedAt !== null })),
    graderHealth: () => describeGraderHealth(modules.checks.health()),
    canSeeSource: modules.canSeeSource,
    monitoringStatus: (source) => modules.monitoring.describeStatus(source),
    listQueueFor: async (userId) =>
      (await review.listAwaitingReviewer(userId, QUEUE_LIMIT + 1)).map((item) => ({
        itemId: item.id,
        source: item.source,
        priority: item.priority,
        adjudication: item.state === 'needs_adjudication',
        cardUrl: item.cardChannel && item.cardTs ? buildCardUrl(item.cardChannel, item.cardTs) : null,
      })),
    openIncidentModal: async (userId, channelId, triggerId) => openEscalationModal(app.client, triggerId, await incidents.prepareEscalation({ userId, channel: channelId })),
    calibrate: (source, grader, userId) => modules.calibration.handleCalibrateCommand(source, grader, userId),
    digest: (source, userId) => modules.digest.handleDigestCommand(source, userId),
    agreement: async (source, userId) => {
      if (!(await modules.isApprover(source, userId))) return null;
      const lines = formatAgreementReport(await modules.calibration.agreement(source));
      const body = truncateText(lines.join('\n').replace(/```/g, "'''"), 2_900);
      return `*Reviewer agreement on ${escapeMrkdwn(source)}*, last 90 days\n\`\`\`${body}\`\`\``;
    },
  });
  registerCommandHandlers(app, handlers);
}
