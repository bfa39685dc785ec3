import { asc } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { outboxTable, type OutboxRow } from '../outbox/outbox.table.ts';
import { createReviewCard } from '../review/review.test-utils.ts';
import type { ReviewCardModel } from '../review/review.models.ts';
import { incidentsConfigSchema, type IncidentsConfig } from './incidents.config.ts';
import { createIncidentsRepository } from './incidents.repository.ts';
import type { IncidentEvidence, IncidentsDeps, RollbackOutcome } from './incidents-steps.usecases.ts';

// Usecase tests run on a migrated test database (in-memory SQLite, or PostgreSQL, see db.test-utils.ts) with every other module faked at its
// function interface: evidence, roles, rollback and Slack reads are plain recorded functions.

export const START = Date.parse('2026-11-25T10:00:00Z');
export const REPORTER = 'U04QREVR001';
export const APPROVER = 'U07APPROVE1';
export const ONCALL_USER = 'U07ONCALL02';
export const GROUP_MEMBER = 'U07GROUPM03';
export const ITEM_ID = 'rev_01KBXK5M2N3P4Q5R6S7T8V9W0X';
export const SECRET = 'AKIAIOSFODNN7EXAMPLE';
export const PD_URL = 'https://events.pagerduty.com/v2/enqueue';

/** A critical card whose output holds an AWS key, posted in the review channel. */
export function createLeakCard(overrides: Partial<ReviewCardModel> = {}): ReviewCardModel {
  const output = `Sure, use ${SECRET} for the deploy.`;
  const start = output.indexOf(SECRET);
  return createReviewCard({
    itemId: ITEM_ID,
    priority: 'critical',
    output,
    detections: [{ detector: 'secrets', kind: 'aws_access_key', severity: 'critical', field: 'output', evidence: 'AKIA…MPLE', start, end: start + SECRET.length }],
    ...overrides,
  });
}

export interface IncidentsTestContext {
  database: TestDb;
  deps: IncidentsDeps;
  clock: ReturnType<typeof createFakeClock>;
  rollbacks: Array<{ source: string; actor: string; reason: string }>;
  notified: { count: number };
  listOutbox(): Promise<OutboxRow[]>;
  listAudit(): ReturnType<ReturnType<typeof createAuditRepository>['list']>;
}

export async function createIncidentsTestContext(options: { config?: Record<string, unknown>; card?: ReviewCardModel } = {}): Promise<IncidentsTestContext> {
  const database = await createTestDb();
  const clock = createFakeClock(START);
  const rollbacks: IncidentsTestContext['rollbacks'] = [];
  const notified = { count: 0 };
  const config: IncidentsConfig = incidentsConfigSchema.parse(
    options.config ?? { pagerduty_routing_key_env: 'SUPPORT_BOT_PD_KEY', oncall_group: 'S07ONCALL01', oncall_users: [ONCALL_USER] },
  );
  const card = options.card ?? createLeakCard();
  const evidence: IncidentEvidence = { source: card.source, card, channel: 'C07REVQUEUE', ts: '1730000000.123456' };
  const deps: IncidentsDeps = {
    repository: createIncidentsRepository({ db: database.db }),
    sources: { 'support-bot': config, 'billing-bot': incidentsConfigSchema.parse({}) },
    pagerDutyEventsUrl: PD_URL,
    timeZone: 'Europe/Paris',
    clock,
    logger: createLogger({ level: 'silent' }),
    notifyOutbox: () => void notified.count++,
    loadEvidence: async (itemId) => (itemId === card.itemId ? evidence : null),
    rollbackRelease: async (request): Promise<RollbackOutcome> => {
      rollbacks.push(request);
      return { fromRelease: 'r2024.10.3', toRelease: 'r2024.10.2', version: 7 };
    },
    isApprover: async (_source, userId) => userId === APPROVER,
    isReviewer: async (_source, userId) => userId === REPORTER || userId === APPROVER,
    slackReads: {
      listGroupMembers: async (group) => (group === 'S07ONCALL01' ? [GROUP_MEMBER, ONCALL_USER] : []),
      getPermalink: async (channel, ts) => `https://acme.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
    },
  };
  const audit = createAuditRepository({ db: database.db, clock });
  return {
    database,
    deps,
    clock,
    rollbacks,
    notified,
    listOutbox: async () => database.db.select().from(outboxTable).orderBy(asc(outboxTable.seq)),
    listAudit: () => audit.list({}),
  };
}
