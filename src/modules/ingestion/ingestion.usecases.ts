import type { Clock } from '../../shared/clock.ts';
import { generateId } from '../../shared/ids.ts';
import { toErrorDetails } from '../../shared/validation.ts';
import type { ApiKey } from '../api-keys/api-keys.models.ts';
import { checkSourceAllowed } from '../api-keys/api-keys.hooks.ts';
import { deriveDetectorFlags, type Detection, type Flag, type Severity } from '../checks/checks.models.ts';
import { readContext, type EventTexts } from '../checks/checks.usecases.ts';
import type { EventsRepository, PlannedGrading } from './events.repository.ts';
import { createInvalidBatchError, createUnknownSourceError, createAmbiguousEventError, createEventNotFoundError } from './ingestion.errors.ts';
import type { IngestionMetrics } from './ingestion.metrics.ts';
import { toAppFlags, type NewEvent, type StoredEventWithSeq } from './ingestion.models.ts';
import { eventBatchSchema, type EventInput } from './ingestion.schemas.ts';

export interface GraderResultView {
  grader: string;
  graderVersion: string;
  score: number;
  label: string;
  reason: string;
  hijacked: boolean;
  cached: boolean;
}

/** What ingestion needs from the checks module: detectors now, graders queued. */
export interface IngestionChecks {
  detectBatch(batch: EventTexts[]): Promise<Detection[][]>;
  flagMinSeverity(source: string): Severity;
  planGrading(source: string, flags: readonly Flag[]): PlannedGrading[];
}

export interface IngestionDeps {
  eventsRepository: EventsRepository;
  metrics: IngestionMetrics;
  clock: Clock;
  checks: IngestionChecks;
  isKnownSource(name: string): boolean;
  /** The LLM grader results of an event, shown with its checks. */
  listGraderResults?(seq: number): Promise<GraderResultView[]>;
  /** What is written at rest, once the detectors ran (e.g. only the redacted text for `store: redacted`). */
  prepareForStorage?(event: NewEvent): NewEvent;
  /** Called after the commit with the new rows: wakes the grading queue and the review sampler. */
  onStored?(seqs: number[]): void;
  /** Called after the commit with the releases the stored events name, once per (source, release) per batch. */
  onReleases?(releases: { source: string; release: string; model: string | null; promptVersion: string | null }[], actor: string): Promise<void>;
  /** Called after the commit with the stored events that carry flags (auto-incident rules). */
  onFlagged?(events: { source: string; id: string; flags: Flag[] }[]): void;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  ids: string[];
}

function toNewEvent(input: EventInput, now: number): Omit<NewEvent, 'detections' | 'flags' | 'checksStatus'> {
  return {
    id: input.id ?? generateId('event', now),
    source: input.source,
    input: input.input ?? null,
    output: input.output,
    model: input.model ?? null,
    modelVersion: input.model_version ?? null,
    promptVersion: input.prompt_version ?? null,
    release: input.release ?? null,
    sessionId: input.session_id ?? null,
    userId: input.user_id ?? null,
    occurredAt: input.occurred_at ? Date.parse(input.occurred_at) : now,
    receivedAt: now,
    metadata: input.metadata ?? null,
    appFlags: input.flags ?? null,
    origin: 'live',
  };
}

function countBySource(events: { source: string }[], include: (index: number) => boolean = () => true) {
  const counts = new Map<string, number>();
  events.forEach((event, index) => {
    if (include(index)) counts.set(event.source, (counts.get(event.source) ?? 0) + 1);
  });
  return counts;
}

/** The distinct (source, release) pairs of the stored events, with the model and prompt of the first event naming each. */
function releasesOf(events: NewEvent[], seqs: (number | null)[]) {
  const seen = new Map<string, { source: string; release: string; model: string | null; promptVersion: string | null }>();
  events.forEach((event, index) => {
    if (seqs[index] === null || event.release === null) return;
    const key = `${event.source}\u0000${event.release}`;
    if (!seen.has(key)) seen.set(key, { source: event.source, release: event.release, model: event.model, promptVersion: event.promptVersion });
  });
  return [...seen.values()];
}

/**
 * Validates the whole batch before storing any of it (all or nothing), then stores
 * it in one transaction. The 202 is sent only after the commit, so an accepted
 * event is durable.
 */
export async function ingestEvents(deps: IngestionDeps, request: { key: ApiKey; body: unknown }): Promise<IngestResult> {
  const parsed = eventBatchSchema.safeParse(request.body);
  if (!parsed.success) {
    const events = (request.body as { events?: unknown })?.events;
    deps.metrics.rejected.inc({ source: 'unknown' }, Array.isArray(events) ? events.length : 1);
    throw createInvalidBatchError(toErrorDetails(parsed.error.issues));
  }
  return storeEvents(deps, { key: request.key, events: parsed.data.events });
}

/**
 * The part of ingestEvents after validation, for callers that validated each event themselves
 * (OTLP traces, whose bad spans are rejected one by one): the same source checks, detectors and
 * single transaction.
 */
export async function storeEvents(deps: IngestionDeps, request: { key: ApiKey; events: EventInput[] }): Promise<IngestResult> {
  const inputs = request.events;
  try {
    inputs.forEach((event, index) => {
      const path = `events[${index}].source`;
      checkSourceAllowed(request.key, event.source, path);
      if (!deps.isKnownSource(event.source)) throw createUnknownSourceError(event.source, path);
    });
  } catch (error) {
    for (const [source, n] of countBySource(inputs)) deps.metrics.rejected.inc({ source }, n);
    throw error;
  }

  const now = deps.clock.now();
  const drafts = inputs.map((input) => toNewEvent(input, now));
  const detections = await deps.checks.detectBatch(
    drafts.map((event) => ({ source: event.source, input: event.input, output: event.output, context: readContext(event.metadata) })),
  );
  const gradings: PlannedGrading[][] = [];
  const events: NewEvent[] = drafts.map((draft, index) => {
    const found = detections[index] ?? [];
    const flags = deriveDetectorFlags(found, deps.checks.flagMinSeverity(draft.source));
    const planned = deps.checks.planGrading(draft.source, [...flags, ...toAppFlags(draft.appFlags)]);
    gradings.push(planned);
    const event: NewEvent = { ...draft, detections: found, flags, checksStatus: planned.length > 0 ? 'grading' : 'complete' };
    return deps.prepareForStorage ? deps.prepareForStorage(event) : event;
  });
  const seqs = await deps.eventsRepository.insertBatch(events, gradings, now);

  for (const [source, n] of countBySource(events, (i) => seqs[i] !== null)) deps.metrics.accepted.inc({ source }, n);
  for (const [source, n] of countBySource(events, (i) => seqs[i] === null)) deps.metrics.duplicate.inc({ source }, n);
  events.forEach((event, index) => {
    if (seqs[index] === null) return;
    for (const flag of [...event.flags, ...toAppFlags(event.appFlags)]) {
      deps.metrics.flags.inc({ source: event.source, check: flag.check, severity: flag.severity });
    }
  });
  const stored = seqs.filter((seq): seq is number => seq !== null);
  if (stored.length > 0) deps.onStored?.(stored);
  if (deps.onReleases) await deps.onReleases(releasesOf(events, seqs), `api:${request.key.id}`);
  if (deps.onFlagged) {
    const flagged = events.flatMap((event, index) => {
      const flags = [...event.flags, ...toAppFlags(event.appFlags)];
      return seqs[index] !== null && flags.length > 0 ? [{ source: event.source, id: event.id, flags }] : [];
    });
    if (flagged.length > 0) deps.onFlagged(flagged);
  }
  return { accepted: stored.length, duplicates: events.length - stored.length, ids: events.map((event) => event.id) };
}

export async function getEvent(
  deps: Pick<IngestionDeps, 'eventsRepository'>,
  request: { key: ApiKey; id: string; source?: string },
): Promise<StoredEventWithSeq> {
  if (request.source !== undefined) checkSourceAllowed(request.key, request.source);
  const readable = request.key.sources.includes('*') ? 'all' : request.key.sources;
  const matches = await deps.eventsRepository.findById(request.id, readable, request.source);
  if (matches.length === 0) throw createEventNotFoundError(request.id);
  if (matches.length > 1) throw createAmbiguousEventError(request.id, matches.map((event) => event.source));
  return matches[0]!;
}
