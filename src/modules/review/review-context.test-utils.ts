import type { TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry, type Registry } from '../../platform/metrics.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { createSeededRandom } from '../../shared/random.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { sourcesTable } from '../sources/sources.table.ts';
import { reviewItemsTable } from './review.table.ts';
import { reviewConfigSchema, type ReviewConfig } from './review.config.ts';
import type { ReviewContext, ReviewHooks } from './review-card.usecases.ts';
import { createReviewMetrics } from './review.metrics.ts';
import { createReviewRepository } from './review.repository.ts';
import type { ReviewRole } from './review-roles.models.ts';

// A review context on a migrated test database, with a fake clock, seeded randomness and
// roles given as a plain map (no Slack): what the use case tests start from.

export const TEST_START = Date.parse('2026-11-25T09:00:00Z');
export const REVIEWER = 'U0REVIEW01';
export const REVIEWER_2 = 'U0REVIEW02';
export const APPROVER = 'U0APPROVE1';

export async function seedSource(database: TestDb, name = 'support-bot'): Promise<void> {
  await database.db.insert(sourcesTable).values({ name, createdAt: TEST_START, updatedAt: TEST_START }).onConflictDoNothing();
}

let nextEventId = 0;

/** Inserts a stored event whose checks are complete and whose review is pending; returns its seq. */
export async function insertEvent(database: TestDb, overrides: Partial<typeof eventsTable.$inferInsert> = {}): Promise<number> {
  const [row] = await database.db
    .insert(eventsTable)
    .values({
      id: `evt-${++nextEventId}`,
      source: 'support-bot',
      input: 'Where is my refund?',
      output: `Your refund was sent (${nextEventId}).`,
      model: 'gpt-4o-mini',
      modelVersion: '2024-07-18',
      release: 'r1',
      occurredAt: TEST_START,
      receivedAt: TEST_START,
      appFlags: [{ name: 'tone', severity: 'warn' }],
      ...overrides,
    })
    .returning({ seq: eventsTable.seq });
  return row!.seq;
}

export async function insertGraderResult(database: TestDb, eventSeq: number, grader: string, score: number): Promise<void> {
  await database.db
    .insert(graderResultsTable)
    .values({ eventSeq, source: 'support-bot', grader, graderVersion: `${grader}@1`, contentHash: `h${eventSeq}`, score, label: 'ok', reason: 'r', hijacked: false, cached: false, createdAt: TEST_START });
}

let nextItemId = 0;

/** Inserts a review item of a stored event as it stands after some history; returns its id. */
export async function insertReviewItem(database: TestDb, eventSeq: number, overrides: Partial<typeof reviewItemsTable.$inferInsert> = {}): Promise<string> {
  const id = `rev_test_${++nextItemId}`;
  await database.db
    .insert(reviewItemsTable)
    .values({
      id,
      eventSeq,
      eventId: `evt-${eventSeq}`,
      source: 'support-bot',
      channel: 'C07REVQUEUE',
      state: 'queued',
      priority: 'warn',
      reasons: [{ code: 'flag', detail: 'tone flag (warn)', probability: 1 }],
      inclusionProbability: 1,
      outputHash: `hash-${eventSeq}`,
      requiredVerdicts: 1,
      createdAt: TEST_START,
      updatedAt: TEST_START,
      ...overrides,
    });
  return id;
}

export function parseReviewConfig(raw: Record<string, unknown> = {}): ReviewConfig {
  return reviewConfigSchema.parse({
    channel: 'C07REVQUEUE',
    reviewers: [REVIEWER, REVIEWER_2],
    approvers: [APPROVER],
    ...raw,
    sampling: { baseline_rate: 0, release_boost: { rate: 0 }, ...((raw.sampling as object) ?? {}) },
  });
}

export interface TestReviewContext extends ReviewContext {
  clock: ReturnType<typeof createFakeClock>;
  registry: Registry;
  notified: number;
}

export function createTestReviewContext(
  database: TestDb,
  options: { sources?: Record<string, ReviewConfig>; roles?: Record<string, ReviewRole>; threshold?: number; overlapShare?: number; hooks?: ReviewHooks } = {},
): TestReviewContext {
  const registry = createMetricsRegistry({ collectDefaults: false });
  const roles = options.roles ?? { [REVIEWER]: 'reviewer', [REVIEWER_2]: 'reviewer', [APPROVER]: 'approver' };
  const sources = options.sources ?? { 'support-bot': parseReviewConfig() };
  const ctx: TestReviewContext = {
    repository: createReviewRepository({ db: database.db }),
    sources,
    threshold: () => options.threshold ?? 0.5,
    roles: {
      resolveRole: async (source, userId) => (sources[source] ? (roles[userId] ?? null) : null),
      listRoles: async (userId) => (roles[userId] ? Object.keys(sources).map((source) => ({ source, role: roles[userId]! })) : []),
    },
    clock: createFakeClock(TEST_START),
    rng: createSeededRandom(7),
    metrics: createReviewMetrics(registry, async () => []),
    logger: createLogger({ level: 'silent' }),
    registry,
    notified: 0,
    notifyOutbox: () => {
      ctx.notified += 1;
    },
    ...(options.overlapShare !== undefined ? { overlapShare: () => options.overlapShare! } : {}),
    ...options.hooks,
  };
  return ctx;
}
