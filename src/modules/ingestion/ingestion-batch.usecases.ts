import { isVigilError, type VigilError } from '../../platform/errors.ts';
import { parseJsonBody } from '../../platform/json-body.ts';
import { generateId } from '../../shared/ids.ts';
import { toErrorDetails } from '../../shared/validation.ts';
import { createSourceForbiddenError } from '../api-keys/api-keys.errors.ts';
import { canUseSource, type ApiKey } from '../api-keys/api-keys.models.ts';
import { deriveDetectorFlags, type Detection, type Severity } from '../checks/checks.models.ts';
import { readContext, type EventTexts } from '../checks/checks.usecases.ts';
import { pushEventRow, type EventRowBatch } from './event-rows.models.ts';
import { createInvalidBatchError, createUnknownSourceError } from './ingestion.errors.ts';
import type { NewEvent } from './ingestion.models.ts';
import { eventBatchSchema, type EventInput } from './ingestion.schemas.ts';

// The per-event half of ingestion, which runs in the detector workers: a raw /v1/events body
// in, rows ready to insert out (or the 4xx answer). It touches no database and no metrics,
// so the main thread keeps only HTTP, the insert and the after-commit hooks.

export type EventDraft = Omit<NewEvent, 'detections' | 'flags' | 'checksStatus'>;

export function toEventDraft(input: EventInput, now: number): EventDraft {
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

export function countBySource(events: readonly { source: string }[], include: (index: number) => boolean = () => true) {
  const counts = new Map<string, number>();
  events.forEach((event, index) => {
    if (include(index)) counts.set(event.source, (counts.get(event.source) ?? 0) + 1);
  });
  return counts;
}

/** Throws the first event's source that the key may not use (403) or that no config declares (404), naming its path. */
export function checkEventSources(events: readonly { source: string }[], key: Pick<ApiKey, 'sources'>, isKnownSource: (name: string) => boolean): void {
  events.forEach((event, index) => {
    const path = `events[${index}].source`;
    if (!canUseSource(key, event.source)) throw createSourceForbiddenError(event.source, path);
    if (!isKnownSource(event.source)) throw createUnknownSourceError(event.source, path);
  });
}

export interface BatchChecks {
  isKnownSource(name: string): boolean;
  flagMinSeverity(source: string): Severity;
  detect(texts: EventTexts): Promise<Detection[]>;
}

/** A refused batch, as it crosses threads: the error to answer and the events to count as rejected, by source. */
export interface RefusedBatch {
  error: ConstructorParameters<typeof VigilError>[0];
  rejected: [source: string, events: number][];
}

export type PreparedBatch = { ok: true; rows: EventRowBatch } | ({ ok: false } & RefusedBatch);

function refuse(error: unknown, rejected: Map<string, number>): PreparedBatch {
  // Anything but a VigilError is a defect: it is rethrown, and the request answers 500.
  if (!isVigilError(error)) throw error;
  const { code, statusCode, message, details } = error;
  return { ok: false, error: { code, statusCode, message, details }, rejected: [...rejected] };
}

/**
 * Reads, validates and checks a whole /v1/events body: the same JSON reading, zod schema and
 * source checks as the API had on the main thread, so the same 400/403/404 answers. Every
 * event is checked before any is returned (all or nothing); `checksStatus` is left at
 * `complete` for the main thread to set where it plans grading.
 */
export async function prepareEventBatch(body: Uint8Array, context: { keySources: string[]; now: number }, checks: BatchChecks): Promise<PreparedBatch> {
  let parsed: unknown;
  try {
    parsed = parseJsonBody(body);
  } catch (error) {
    return refuse(error, new Map()); // as before: a body that is not JSON counts no events
  }
  const validated = eventBatchSchema.safeParse(parsed);
  if (!validated.success) {
    const events = (parsed as { events?: unknown } | null)?.events;
    return refuse(createInvalidBatchError(toErrorDetails(validated.error.issues)), new Map([['unknown', Array.isArray(events) ? events.length : 1]]));
  }
  const inputs = validated.data.events;
  try {
    checkEventSources(inputs, { sources: context.keySources }, checks.isKnownSource);
  } catch (error) {
    return refuse(error, countBySource(inputs));
  }

  const rows: EventRowBatch = { count: inputs.length, values: [], notable: [] };
  for (let index = 0; index < inputs.length; index++) {
    const draft = toEventDraft(inputs[index]!, context.now);
    const detections = await checks.detect({ source: draft.source, input: draft.input, output: draft.output, context: readContext(draft.metadata) });
    const flags = deriveDetectorFlags(detections, checks.flagMinSeverity(draft.source));
    pushEventRow(rows.values, { ...draft, detections, flags, checksStatus: 'complete' });
    if (detections.length > 0 || flags.length > 0 || (draft.appFlags?.length ?? 0) > 0) {
      rows.notable.push({ index, detections, flags, appFlags: draft.appFlags });
    }
  }
  return { ok: true, rows };
}
