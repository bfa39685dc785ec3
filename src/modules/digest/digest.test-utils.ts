import type { TestDb } from '../../platform/db.test-utils.ts';
import { appendAuditEntry } from '../audit/audit.repository.ts';
import type { Flag } from '../checks/checks.models.ts';
import { gradingJobsTable, graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import type { AppFlag } from '../ingestion/ingestion.models.ts';
import { sourcesTable } from '../sources/sources.table.ts';
import type { DigestLoaders, GraderLabels, IncidentRecord, ProbeWeekFigures, ReviewFigures } from './digest-data.models.ts';
import { createDigestRepository } from './digest.repository.ts';
import { parseWeekKey } from './digest-weeks.models.ts';

// One seeded week of a source for the digest tests: support-bot in Europe/Paris, week
// 2026-W47 (Mon 16 – Sun 22 Nov 2026, 2026-11-15T23:00Z to 2026-11-22T23:00Z), and the
// week before. Review, calibration, incident and probe figures come from in-memory loaders,
// as the modules that own them provide.

export const SOURCE = 'support-bot';
export const TIME_ZONE = 'Europe/Paris';
export const W47 = parseWeekKey('2026-W47', TIME_ZONE)!;
export const W46 = parseWeekKey('2026-W46', TIME_ZONE)!;
export const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A test database or one connection of a file database. */
export type SeedDb = Pick<TestDb, 'db'>;

const detector = (check: string, kind = 'x'): Flag => ({ check, origin: 'detector', kind, severity: 'warn' });
const grader = (check: string, score: number): Flag => ({ check, origin: 'grader', severity: 'warn', score });

interface SeedEvent {
  id: string;
  source?: string;
  at: number;
  flags?: Flag[];
  appFlags?: AppFlag[];
  grading?: boolean;
  origin?: string;
}

async function insertEvent(database: SeedDb, event: SeedEvent): Promise<number> {
  const [row] = await database.db
    .insert(eventsTable)
    .values({
      id: event.id,
      source: event.source ?? SOURCE,
      output: 'seeded output',
      occurredAt: event.at,
      receivedAt: event.at,
      flags: event.flags ?? [],
      appFlags: event.appFlags ?? null,
      checksStatus: event.grading ? 'grading' : 'complete',
      origin: event.origin ?? 'live',
    })
    .returning({ seq: eventsTable.seq });
  return row!.seq;
}

async function insertGrading(database: SeedDb, seq: number, graderName: string, at: number): Promise<void> {
  await database.db
    .insert(graderResultsTable)
    .values({ eventSeq: seq, source: SOURCE, grader: graderName, graderVersion: 'v1', contentHash: `h${seq}`, score: 0.5, label: 'ok', reason: '', hijacked: false, cached: false, createdAt: at });
}

async function insertFailedJob(database: SeedDb, seq: number, graderName: string, at: number): Promise<void> {
  await database.db.insert(gradingJobsTable).values({ eventSeq: seq, source: SOURCE, grader: graderName, graderVersion: 'v1', status: 'failed', nextAttemptAt: at, createdAt: at, updatedAt: at });
}

async function audit(database: SeedDb, at: number, entry: { actor: string; action: string; source?: string; details: Record<string, unknown> }): Promise<void> {
  await appendAuditEntry(database.db, { source: SOURCE, subjectType: 'guardrail', ...entry }, at);
}

export async function seedDigestWeek(database: SeedDb): Promise<void> {
  const t = (hours: number) => W47.start + hours * HOUR;
  const now = W47.start;
  await database.db.insert(sourcesTable).values([{ name: SOURCE, createdAt: now, updatedAt: now }, { name: 'other-bot', createdAt: now, updatedAt: now }]);
  const e1 = await insertEvent(database, { id: 'e1', at: t(1), flags: [detector('pii')] });
  const e2 = await insertEvent(database, { id: 'e2', at: t(2), flags: [grader('tone', 0.8), detector('pii')] });
  await insertEvent(database, { id: 'e3', at: t(3), appFlags: [{ name: 'toxicity' }] });
  await insertEvent(database, { id: 'e4', at: t(4), grading: true });
  const e5 = await insertEvent(database, { id: 'e5', at: t(5) });
  await insertEvent(database, { id: 'e6', at: t(6), flags: [detector('injection')], origin: 'probe' });
  await insertEvent(database, { id: 'e7', at: W47.end, flags: [detector('pii')] });
  await insertEvent(database, { id: 'e8', at: W47.start });
  await insertEvent(database, { id: 'e9', at: t(9), flags: [detector('pii', 'email'), detector('pii', 'phone')] });
  await insertEvent(database, { id: 'e10', source: 'other-bot', at: t(10), flags: [detector('pii')] });
  for (const [index, hours] of [-100, -90, -80, -70].entries()) {
    await insertEvent(database, { id: `old${index}`, at: t(hours), flags: index === 0 ? [detector('injection')] : [] });
  }
  await insertGrading(database, e1, 'tone', t(1));
  await insertGrading(database, e2, 'tone', t(2));
  await insertGrading(database, e2, 'brand', t(2));
  await insertFailedJob(database, e5, 'tone', t(5));
  await insertFailedJob(database, e1, 'brand', t(-10));

  await audit(database, t(-5), { actor: 'slack:U0REV9', action: 'guardrail.version_created', details: { version: 2, kind: 'change', reason: 'last week', diff: [] } });
  await audit(database, t(1), { actor: 'system:config', action: 'guardrail.seeded', details: { version: 1, kind: 'seed', reason: 'seeded' } });
  await audit(database, t(10), {
    actor: 'slack:U0REV1',
    action: 'guardrail.version_created',
    details: { version: 3, kind: 'change', reason: 'calibrated', diff: [{ path: 'graders.tone.threshold', from: 0.7, to: 0.6 }, { path: 'blocklist.words', added: ['refund'] }] },
  });
  await audit(database, t(20), { actor: 'slack:U0REV2', action: 'guardrail.kill_switch_on', details: { version: 4, kind: 'kill_switch', reason: 'leak <!channel>', diff: [{ path: 'kill_switch.on', from: false, to: true }] } });
  await audit(database, t(21), { actor: 'slack:U0REV2', action: 'guardrail.kill_switch_off', details: { version: 5, kind: 'kill_switch', reason: 'fixed', diff: [{ path: 'kill_switch.on', from: true, to: false }] } });
  await audit(database, t(30), {
    actor: 'api:key_1',
    action: 'release.rolled_back',
    details: { version: 6, kind: 'rollback', reason: 'bad release', diff: [{ path: 'pinned_release', from: null, to: { release: 'r1' } }], rollback: { from_release: 'r2', to_release: 'r1' } },
  });
  await audit(database, t(31), { actor: 'slack:U0REV1', action: 'verdict.created', details: { version: 7 } });
  await audit(database, t(32), { actor: 'slack:U0REV1', action: 'guardrail.version_created', source: 'other-bot', details: { version: 2, kind: 'change', reason: 'x', diff: [] } });
}

export const REVIEW_W47: ReviewFigures = {
  sampled: 5,
  approved: 3,
  rejected: 2,
  rejectionReasons: { off_brand: 2, tone: 1 },
  tone: { count: 4, sum: 14 },
  brand: { count: 2, sum: 9 },
  decisionTimesMs: [10, 30, 20, 120, 60].map((minutes) => minutes * MINUTE),
  slaBreaches: 1,
  backlog: 4,
  expiredUnreviewed: 1,
  verdictsByReviewer: { U0REV1: 4, U0REV2: 2, U0REV3: 0 },
};

export const REVIEW_W46: ReviewFigures = {
  ...REVIEW_W47,
  sampled: 2,
  approved: 1,
  rejected: 1,
  rejectionReasons: { other: 1 },
  backlog: 2,
};

const EMPTY_REVIEW: ReviewFigures = {
  sampled: 0,
  approved: 0,
  rejected: 0,
  rejectionReasons: {},
  tone: { count: 0, sum: 0 },
  brand: { count: 0, sum: 0 },
  decisionTimesMs: [],
  slaBreaches: 0,
  backlog: 0,
  expiredUnreviewed: 0,
  verdictsByReviewer: {},
};

export const CALIBRATION_W47: GraderLabels[] = [
  {
    grader: 'tone',
    threshold: 0.6,
    labels: [
      { score: 0.9, violation: true, weight: 1 },
      { score: 0.7, violation: false, weight: 1 },
      { score: 0.3, violation: true, weight: 2 },
      { score: 0.2, violation: false, weight: 4 },
    ],
  },
];

export const INCIDENTS_W47: IncidentRecord[] = [
  { id: 'inc_2', severity: 'SEV3', title: 'Wrong refund policy', openedAt: W47.start + 50 * HOUR, acknowledgedAt: null, resolvedAt: W47.start + 50 * HOUR + 30 * MINUTE },
  { id: 'inc_1', severity: 'SEV2', title: 'Leaked <secret>', openedAt: W47.start + 40 * HOUR, acknowledgedAt: W47.start + 40 * HOUR + 5 * MINUTE, resolvedAt: W47.start + 40 * HOUR + 65 * MINUTE },
  { id: 'inc_3', severity: 'SEV1', title: 'Still open', openedAt: W47.start + 60 * HOUR, acknowledgedAt: null, resolvedAt: null },
];

/** r-42 defended 19 of 21 non-erroring runs; every run without a known release errored. */
export const PROBES_W47: ProbeWeekFigures[] = [
  { release: null, probe: 'prompt-leak', passed: 0, breached: 0, errors: 2 },
  { release: 'r-42', probe: 'encoded-payload', passed: 5, breached: 2, errors: 0 },
  { release: 'r-42', probe: 'prompt-leak', passed: 8, breached: 0, errors: 0 },
  { release: 'r-42', probe: 'role-play', passed: 6, breached: 0, errors: 1 },
];

/** The repository's loaders over the seeded tables, plus the other modules' figures for W46 and W47. */
export function createSeededLoaders(database: SeedDb): DigestLoaders {
  const repository = createDigestRepository({ db: database.db });
  return {
    loadEvents: repository.loadEvents,
    loadGraderRuns: repository.loadGraderRuns,
    loadChanges: repository.loadChanges,
    loadReview: async (_source, period) => (period.key === W47.key ? REVIEW_W47 : period.key === W46.key ? REVIEW_W46 : EMPTY_REVIEW),
    loadCalibration: async (_source, period) => (period.key === W47.key ? CALIBRATION_W47 : []),
    loadIncidents: async (_source, period) => (period.key === W47.key ? INCIDENTS_W47 : []),
    loadProbes: async (_source, period) => (period.key === W47.key ? PROBES_W47 : []),
  };
}
