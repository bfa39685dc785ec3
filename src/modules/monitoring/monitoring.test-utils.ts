import type { TestDb } from '../../platform/db.test-utils.ts';
import type { Flag } from '../checks/checks.models.ts';
import { graderResultsTable } from '../checks/grading.table.ts';
import { eventsTable } from '../ingestion/events.table.ts';
import { sourcesTable } from '../sources/sources.table.ts';

// Typed rows for the monitoring tests: live (or probe) events spread evenly over a time range,
// each with what the test varies (output, flags, versions, a grader score).

export interface SeededEvent {
  output?: string;
  flags?: Flag[];
  modelVersion?: string | null;
  promptVersion?: string | null;
  release?: string | null;
  origin?: 'live' | 'probe';
  /** A `tone` grader result for the event. */
  tone?: number;
}

export async function seedSource(database: TestDb, name = 'support-bot'): Promise<void> {
  await database.db.insert(sourcesTable).values({ name, createdAt: 0, updatedAt: 0 }).onConflictDoNothing();
}

let nextId = 0;

/** Inserts `count` events with occurred_at evenly spread over [from, to), in two statements (events, then grader results). */
export async function seedEvents(database: TestDb, range: { source?: string; from: number; to: number; count: number }, build: (i: number) => SeededEvent): Promise<void> {
  const source = range.source ?? 'support-bot';
  const step = (range.to - range.from) / range.count;
  const specs = Array.from({ length: range.count }, (_, i) => ({ spec: build(i), at: Math.floor(range.from + i * step), id: `evt_seed_${(nextId += 1)}` }));
  if (specs.length === 0) return;
  const rows = await database.db
    .insert(eventsTable)
    .values(
      specs.map(({ spec, at, id }) => ({
        id,
        source,
        input: 'Where is my refund?',
        output: spec.output ?? 'Your refund was sent on Monday and should arrive within 3 business days.',
        modelVersion: spec.modelVersion ?? null,
        promptVersion: spec.promptVersion ?? null,
        release: spec.release ?? null,
        occurredAt: at,
        receivedAt: at,
        flags: spec.flags ?? [],
        origin: spec.origin ?? 'live',
      })),
    )
    .returning({ id: eventsTable.id, seq: eventsTable.seq });
  const seqOf = new Map(rows.map((row) => [row.id, row.seq]));
  const graded = specs.flatMap(({ spec, at, id }) => {
    const seq = seqOf.get(id)!;
    return spec.tone === undefined
      ? []
      : [{
          eventSeq: seq, source, grader: 'tone', graderVersion: 'tone-v1', contentHash: `hash-${seq}`, score: spec.tone,
          label: spec.tone >= 0.6 ? 'violation' : 'ok', reason: 'seeded', hijacked: false, cached: false, createdAt: at,
        }];
  });
  if (graded.length > 0) await database.db.insert(graderResultsTable).values(graded);
}

export const piiFlag: Flag = { check: 'pii', origin: 'detector', kind: 'email', severity: 'warn', score: 0.9 };
