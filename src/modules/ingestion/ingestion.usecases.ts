import type { Clock } from '../../shared/clock.ts';
import { generateId } from '../../shared/ids.ts';
import { toErrorDetails } from '../../shared/validation.ts';
import type { ApiKey } from '../api-keys/api-keys.models.ts';
import { checkSourceAllowed } from '../api-keys/api-keys.hooks.ts';
import type { EventsRepository } from './events.repository.ts';
import { createInvalidBatchError, createUnknownSourceError, createAmbiguousEventError, createEventNotFoundError } from './ingestion.errors.ts';
import type { IngestionMetrics } from './ingestion.metrics.ts';
import type { NewEvent, StoredEvent } from './ingestion.models.ts';
import { eventBatchSchema, type EventInput } from './ingestion.schemas.ts';

export interface IngestionDeps {
  eventsRepository: EventsRepository;
  metrics: IngestionMetrics;
  clock: Clock;
  isKnownSource(name: string): boolean;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  ids: string[];
}

function toNewEvent(input: EventInput, now: number): NewEvent {
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
  };
}

function countBySource(events: { source: string }[], include: (index: number) => boolean = () => true) {
  const counts = new Map<string, number>();
  events.forEach((event, index) => {
    if (include(index)) counts.set(event.source, (counts.get(event.source) ?? 0) + 1);
  });
  return counts;
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
  const inputs = parsed.data.events;
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
  const events = inputs.map((input) => toNewEvent(input, now));
  const inserted = await deps.eventsRepository.insertBatch(events);

  for (const [source, n] of countBySource(events, (i) => inserted[i]!)) deps.metrics.accepted.inc({ source }, n);
  for (const [source, n] of countBySource(events, (i) => !inserted[i])) deps.metrics.duplicate.inc({ source }, n);
  const accepted = inserted.filter(Boolean).length;
  return { accepted, duplicates: events.length - accepted, ids: events.map((event) => event.id) };
}

export async function getEvent(
  deps: Pick<IngestionDeps, 'eventsRepository'>,
  request: { key: ApiKey; id: string; source?: string },
): Promise<StoredEvent> {
  if (request.source !== undefined) checkSourceAllowed(request.key, request.source);
  const readable = request.key.sources.includes('*') ? 'all' : request.key.sources;
  const matches = await deps.eventsRepository.findById(request.id, readable, request.source);
  if (matches.length === 0) throw createEventNotFoundError(request.id);
  if (matches.length > 1) throw createAmbiguousEventError(request.id, matches.map((event) => event.source));
  return matches[0]!;
}
