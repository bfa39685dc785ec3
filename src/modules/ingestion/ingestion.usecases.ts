import { VigilError } from '../../platform/errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { toErrorDetails } from '../../shared/validation.ts';
import type { ApiKey } from '../api-keys/api-keys.models.ts';
import { checkSourceAllowed } from '../api-keys/api-keys.hooks.ts';
import { deriveDetectorFlags, type Detection, type Flag, type Severity } from '../checks/checks.models.ts';
import { readContext, type EventTexts } from '../checks/checks.usecases.ts';
import {
  EVENT_ROW_WIDTH,
  readRowEvent,
  readRowNullable,
  readRowString,
  ROW,
  toEventRowBatch,
  writeRowEvent,
  writeRowValue,
  type EventRowBatch,
} from './event-rows.models.ts';
import type { EventsRepository, PlannedGrading } from './events.repository.ts';
import { checkEventSources, countBySource, toEventDraft, type PreparedBatch, type RefusedBatch } from './ingestion-batch.usecases.ts';
import { createInvalidBatchError, createAmbiguousEventError, createEventNotFoundError } from './ingestion.errors.ts';
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

/** What the raw-body path needs on top: the detector workers' reading of a whole body. */
export interface BatchPreparer {
  /** A raw /v1/events body read, validated and checked off the main thread (see prepareEventBatch). */
  prepareBatch(body: Uint8Array, context: { keySources: string[]; now: number }): Promise<PreparedBatch>;
  /**
   * Detectors that change between batches and so run on the main thread after prepareBatch (the
   * live guardrail's blocklist, over the output); null when the source has none.
   */
  liveDetectorOf(source: string): ((output: string) => Detection[]) | null;
}

export interface IngestionDeps {
  eventsRepository: EventsRepository;
  metrics: IngestionMetrics;
  clock: Clock;
  checks: IngestionChecks;
  isKnownSource(name: string): boolean;
  /** The LLM grader results of an event, shown with its checks. */
  listGraderResults?(seq: number): Promise<GraderResultView[]>;
  /**
   * What is written at rest, once the detectors ran (e.g. only the redacted text for `store: redacted`).
   * Called only for events with detections: the others are written as sent.
   */
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

/** The distinct (source, release) pairs of the stored events, with the model and prompt of the first event naming each. */
function releasesOf(rows: EventRowBatch, seqs: (number | null)[]) {
  const seen = new Map<string, { source: string; release: string; model: string | null; promptVersion: string | null }>();
  for (let index = 0; index < rows.count; index++) {
    const release = readRowNullable(rows, index, ROW.release);
    if (seqs[index] === null || release === null) continue;
    const source = readRowString(rows, index, ROW.source);
    const key = `${source}\u0000${release}`;
    if (!seen.has(key)) {
      seen.set(key, { source, release, model: readRowNullable(rows, index, ROW.model), promptVersion: readRowNullable(rows, index, ROW.promptVersion) });
    }
  }
  return [...seen.values()];
}

function countRejected(deps: Pick<IngestionDeps, 'metrics'>, rejected: RefusedBatch['rejected']) {
  for (const [source, n] of rejected) deps.metrics.rejected.inc({ source }, n);
}

/**
 * Validates the whole batch before storing any of it (all or nothing), then stores
 * it in one transaction. The 202 is sent only after the commit, so an accepted
 * event is durable. This reads an already parsed body on the main thread; the API's
 * /v1/events hands the raw bytes to ingestEventBody instead.
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
 * The same guarantees as ingestEvents (all or nothing, 202 after the commit, the same 4xx
 * answers) for a raw JSON body: a detector worker reads, validates and checks it and hands
 * back rows ready to insert, so the main thread does no per-event parsing.
 */
export async function ingestEventBody(deps: IngestionDeps & { batches: BatchPreparer }, request: { key: ApiKey; body: Uint8Array }): Promise<IngestResult> {
  const now = deps.clock.now();
  const prepared = await deps.batches.prepareBatch(request.body, { keySources: request.key.sources, now });
  if (!prepared.ok) {
    countRejected(deps, prepared.rejected);
    throw new VigilError(prepared.error);
  }
  const rows = prepared.rows;
  addLiveDetections(deps, deps.batches, rows);
  return storeRows(deps, { key: request.key, rows, now });
}

/** Adds the live detectors' findings (and the flags they raise) to the rows of the sources that have them. */
function addLiveDetections(deps: IngestionDeps, batches: BatchPreparer, rows: EventRowBatch) {
  const notableAt = new Map(rows.notable.map((notable) => [notable.index, notable]));
  let added = false;
  for (let index = 0; index < rows.count; index++) {
    const detect = batches.liveDetectorOf(readRowString(rows, index, ROW.source));
    const found = detect ? detect(readRowString(rows, index, ROW.output)) : [];
    if (found.length === 0) continue;
    const event = readRowEvent(rows, index, notableAt.get(index));
    const detections = [...event.detections, ...found];
    const flags = deriveDetectorFlags(detections, deps.checks.flagMinSeverity(event.source));
    writeRowEvent(rows, index, { ...event, detections, flags });
    notableAt.set(index, { index, detections, flags, appFlags: event.appFlags });
    added = true;
  }
  if (added) rows.notable = [...notableAt.values()].sort((a, b) => a.index - b.index);
}

/**
 * The part of ingestEvents after validation, for callers that validated each event themselves
 * (OTLP traces, whose bad spans are rejected one by one): the same source checks, detectors and
 * single transaction.
 */
export async function storeEvents(deps: IngestionDeps, request: { key: ApiKey; events: EventInput[] }): Promise<IngestResult> {
  const inputs = request.events;
  try {
    checkEventSources(inputs, request.key, deps.isKnownSource);
  } catch (error) {
    countRejected(deps, [...countBySource(inputs)]);
    throw error;
  }

  const now = deps.clock.now();
  const drafts = inputs.map((input) => toEventDraft(input, now));
  const detections = await deps.checks.detectBatch(
    drafts.map((event) => ({ source: event.source, input: event.input, output: event.output, context: readContext(event.metadata) })),
  );
  const events: NewEvent[] = drafts.map((draft, index) => {
    const found = detections[index] ?? [];
    return { ...draft, detections: found, flags: deriveDetectorFlags(found, deps.checks.flagMinSeverity(draft.source)), checksStatus: 'complete' };
  });
  return storeRows(deps, { key: request.key, rows: toEventRowBatch(events), now });
}

/**
 * Plans grading, applies prepareForStorage, inserts the rows in one transaction and, after the
 * commit, counts them and tells the hooks. Per event it only reads a few columns: the objects
 * are those of the notable events.
 */
async function storeRows(deps: IngestionDeps, request: { key: ApiKey; rows: EventRowBatch; now: number }): Promise<IngestResult> {
  const { rows, now } = request;
  const gradings: PlannedGrading[][] = [];
  let next = 0;
  for (let index = 0; index < rows.count; index++) {
    const notable = rows.notable[next]?.index === index ? rows.notable[next++] : undefined;
    const source = readRowString(rows, index, ROW.source);
    const planned = deps.checks.planGrading(source, notable ? [...notable.flags, ...toAppFlags(notable.appFlags)] : []);
    gradings.push(planned);
    if (planned.length > 0) writeRowValue(rows, index, ROW.checksStatus, 'grading');
    if (notable && notable.detections.length > 0 && deps.prepareForStorage) {
      const stored = deps.prepareForStorage(readRowEvent(rows, index, notable));
      notable.detections = stored.detections;
      writeRowEvent(rows, index, stored);
    }
  }
  const seqs = await deps.eventsRepository.insertRows(rows, gradings, now);

  const sources = Array.from({ length: rows.count }, (_, index) => ({ source: readRowString(rows, index, ROW.source) }));
  for (const [source, n] of countBySource(sources, (i) => seqs[i] !== null)) deps.metrics.accepted.inc({ source }, n);
  for (const [source, n] of countBySource(sources, (i) => seqs[i] === null)) deps.metrics.duplicate.inc({ source }, n);
  const flagged: { source: string; id: string; flags: Flag[] }[] = [];
  for (const notable of rows.notable) {
    if (seqs[notable.index] === null) continue;
    const source = readRowString(rows, notable.index, ROW.source);
    const flags = [...notable.flags, ...toAppFlags(notable.appFlags)];
    for (const flag of flags) deps.metrics.flags.inc({ source, check: flag.check, severity: flag.severity });
    if (flags.length > 0) flagged.push({ source, id: readRowString(rows, notable.index, ROW.id), flags });
  }
  const stored = seqs.filter((seq): seq is number => seq !== null);
  if (stored.length > 0) deps.onStored?.(stored);
  if (deps.onReleases) await deps.onReleases(releasesOf(rows, seqs), `api:${request.key.id}`);
  if (deps.onFlagged && flagged.length > 0) deps.onFlagged(flagged);
  const ids: string[] = [];
  for (let at = ROW.id; at < rows.values.length; at += EVENT_ROW_WIDTH) ids.push(rows.values[at] as string);
  return { accepted: stored.length, duplicates: rows.count - stored.length, ids };
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
