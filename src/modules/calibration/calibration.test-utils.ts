import type { Db, DbExecutor } from '../../platform/db.ts';
import { createLogger } from '../../platform/logger.ts';
import { createFakeClock, type Clock } from '../../shared/clock.ts';
import { buildSeedSpec, DEFAULT_DETECTOR_ACTIONS, DEFAULT_KILL_SWITCH_MESSAGE, type GuardrailSpec } from '../guardrails/guardrails.models.ts';
import { createGuardrailsRepository } from '../guardrails/guardrails.repository.ts';
import { seedGuardrails, type GuardrailsDeps } from '../guardrails/guardrails.usecases.ts';
import { reviewConfigSchema } from '../review/review.config.ts';
import type { ReviewRole } from '../review/review-roles.models.ts';
import { createTaskRunsRepository } from '../tasks/task-runs.repository.ts';
import type { ChartUpload } from '../../shared/charts.ts';
import { calibrationConfigSchema } from './calibration.config.ts';
import { createCalibrationRepository } from './calibration.repository.ts';
import type { CalibrationTaskContext } from './calibration.tasks.ts';
import type { GraderInfo } from './calibration.usecases.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { reviewDuplicatesTable, reviewItemsTable } from '../review/review.table.ts';
import { reviewVerdictsTable } from '../review/verdicts.table.ts';
import { sourcesTable } from '../sources/sources.table.ts';

// Seeds labelled review items straight into the tables calibration reads: an event, its
// grader result, a final review item with its inclusion probability, and the verdicts.
// Shared by the calibration use case tests and the end-to-end tests (on the app's file).

export const SEED_START = Date.parse('2026-11-20T09:00:00Z');
export const SEED_CHANNEL = 'C07REVQUEUE';

export interface SeedVerdict {
  reviewerId: string;
  decision: 'approve' | 'reject' | null;
  dimension?: string | null;
  reasonCategory?: string | null;
  note?: string | null;
  tone?: number | null;
  brand?: number | null;
}

export interface SeedItem {
  score: number;
  /** Shortcut for one reviewer's decision: true = rejected (no dimension), false = approved. */
  violation?: boolean;
  inclusionProbability: number;
  verdicts?: SeedVerdict[];
  outcome?: 'approved' | 'rejected';
  state?: 'final' | 'in_review' | 'needs_adjudication';
  decisionMode?: 'consensus' | 'adjudication';
  priority?: 'info' | 'warn' | 'critical';
  grader?: string;
  graderVersion?: string;
  hijacked?: boolean;
  origin?: string;
  at?: number;
  output?: string;
  input?: string;
  cardTs?: string | null;
  /** Identical outputs attached to this item: their inclusion probabilities (same score). */
  duplicates?: number[];
}

let counter = 0;

export async function seedCalibrationSource(db: DbExecutor, source = 'support-bot'): Promise<void> {
  await db.insert(sourcesTable).values({ name: source, createdAt: SEED_START, updatedAt: SEED_START }).onConflictDoNothing();
}

async function insertGradedEvent(db: DbExecutor, source: string, item: SeedItem, at: number): Promise<number> {
  const id = ++counter;
  const [event] = await db
    .insert(eventsTable)
    .values({
      id: `seed-${id}-${Math.round(at)}`,
      source,
      input: item.input ?? `Question ${id}`,
      output: item.output ?? `Answer number ${id}.`,
      occurredAt: at,
      receivedAt: at,
      checksStatus: 'complete',
      reviewStatus: 'done',
      origin: item.origin ?? 'live',
    })
    .returning({ seq: eventsTable.seq });
  const seq = event!.seq;
  const grader = item.grader ?? 'tone';
  await db
    .insert(graderResultsTable)
    .values({ eventSeq: seq, source, grader, graderVersion: item.graderVersion ?? 'v1', contentHash: `hash-${id}`, score: item.score, label: 'ok', reason: 'judge', hijacked: item.hijacked ?? false, cached: false, createdAt: at });
  return seq;
}

/** Inserts one final (or open) review item with its event, grader result and verdicts; returns the item id. */
export async function seedLabelledItem(db: DbExecutor, item: SeedItem, source = 'support-bot'): Promise<string> {
  const at = item.at ?? SEED_START;
  const eventSeq = await insertGradedEvent(db, source, item, at);
  const verdicts = item.verdicts ?? [{ reviewerId: 'U0REVIEW01', decision: item.violation ? 'reject' : 'approve' }];
  const outcome = item.outcome ?? (verdicts.some((verdict) => verdict.decision === 'reject') ? 'rejected' : 'approved');
  const state = item.state ?? 'final';
  const itemId = `rev_seed${String(++counter).padStart(10, '0')}`;
  await db
    .insert(reviewItemsTable)
    .values({
      id: itemId,
      eventSeq,
      eventId: `seed-event-${eventSeq}`,
      source,
      channel: SEED_CHANNEL,
      state,
      priority: item.priority ?? 'warn',
      reasons: [{ code: 'baseline', detail: 'seeded', probability: item.inclusionProbability }],
      inclusionProbability: item.inclusionProbability,
      outputHash: `out-${eventSeq}`,
      requiredVerdicts: verdicts.length,
      outcome: state === 'final' ? outcome : null,
      decisionMode: state === 'final' ? (item.decisionMode ?? 'consensus') : null,
      createdAt: at,
      updatedAt: at,
      cardChannel: SEED_CHANNEL,
      cardTs: item.cardTs === undefined ? `1740000000.${String(eventSeq).padStart(6, '0')}` : item.cardTs,
      finalAt: state === 'final' ? at : null,
    });
  for (const [index, verdict] of verdicts.entries()) {
    await db
      .insert(reviewVerdictsTable)
      .values({
        itemId,
        reviewerId: verdict.reviewerId,
        decision: verdict.decision,
        dimension: verdict.dimension ?? null,
        reasonCategory: verdict.reasonCategory ?? null,
        note: verdict.note ?? null,
        tone: verdict.tone ?? null,
        brand: verdict.brand ?? null,
        createdAt: at + index,
        updatedAt: at + index,
      });
  }
  for (const p of item.duplicates ?? []) {
    const duplicateSeq = await insertGradedEvent(db, source, item, at);
    await db.insert(reviewDuplicatesTable).values({ eventSeq: duplicateSeq, itemId, inclusionProbability: p, createdAt: at });
  }
  return itemId;
}

/** Graded live traffic without review: what flags per day are computed from. */
export async function seedTraffic(db: DbExecutor, scores: readonly number[], options: { source?: string; grader?: string; graderVersion?: string; at?: number } = {}): Promise<void> {
  for (const score of scores) await insertGradedEvent(db, options.source ?? 'support-bot', { score, inclusionProbability: 1, ...options }, options.at ?? SEED_START);
}

/** A proposal context on a test database: guardrail v1 seeded with `thresholds`, roles as a map, no Slack. */
export async function createTestProposalContext(
  database: { db: Db },
  options: { calibration?: Record<string, unknown>; thresholds?: Record<string, number>; roles?: Record<string, ReviewRole>; graders?: string[]; clock?: Clock } = {},
): Promise<CalibrationTaskContext & { notified: number; uploads: ChartUpload[] }> {
  const clock = options.clock ?? createFakeClock(SEED_START + 86_400_000);
  const thresholds = options.thresholds ?? { tone: 0.6, brand: 0.6 };
  const spec = buildSeedSpec({ thresholds, graderActions: {}, detectorActions: { ...DEFAULT_DETECTOR_ACTIONS }, blocklist: { words: [], patterns: [] }, killSwitchMessage: DEFAULT_KILL_SWITCH_MESSAGE });
  // The live copy, as the guardrails module keeps it: what the grader flag policy reads.
  const live = new Map<string, GuardrailSpec>([['support-bot', spec]]);
  const guardrails: GuardrailsDeps = {
    repository: createGuardrailsRepository({ db: database.db }),
    clock,
    webhookUrlOf: () => undefined,
    onVersionCreated: (version) => void live.set(version.source, version.spec),
  };
  await seedGuardrails(guardrails, [{ source: 'support-bot', spec, origin: 'test' }]);
  const roles = options.roles ?? { U0APPROVE1: 'approver', U0REVIEW01: 'reviewer' };
  const ctx = {
    repository: createCalibrationRepository({ db: database.db }),
    sources: {
      'support-bot': {
        calibration: calibrationConfigSchema.parse({ min_labels_per_class: 5, target_recall: 0.9, ...options.calibration }),
        review: reviewConfigSchema.parse({ channel: SEED_CHANNEL, admin_channel: 'C07ADMINCHN' }),
      },
    },
    graders: new Map<string, GraderInfo>([
      ['tone', { name: 'tone', version: 'v1', dimension: 'tone' }],
      ['brand', { name: 'brand', version: 'v1', dimension: 'brand' }],
    ]),
    thresholdOf: (source: string, grader: string) => live.get(source)?.graders[grader]?.threshold ?? 0.5,
    clock,
    guardrails,
    roles: { resolveRole: async (_source: string, userId: string) => roles[userId] ?? null },
    uploadFile: async (upload: ChartUpload) => void ctx.uploads.push(upload),
    renderChart: async () => Buffer.from('png'),
    notifyOutbox: () => void (ctx.notified += 1),
    logger: createLogger({ level: 'silent' }),
    graderNamesOf: () => options.graders ?? ['tone'],
    taskRuns: createTaskRunsRepository({ db: database.db }),
    notified: 0,
    uploads: [] as ChartUpload[],
  };
  return ctx;
}
