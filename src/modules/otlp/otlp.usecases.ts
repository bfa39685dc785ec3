import type { ApiKey } from '../api-keys/api-keys.models.ts';
import { canUseSource } from '../api-keys/api-keys.models.ts';
import { MAX_EVENTS_PER_BATCH, eventInputSchema, type EventInput } from '../ingestion/ingestion.schemas.ts';
import { storeEvents, type IngestionDeps } from '../ingestion/ingestion.usecases.ts';
import { formatIssuePath } from '../../shared/validation.ts';
import type { OtlpMetrics } from './otlp.metrics.ts';
import type { TraceBatch } from './otlp.models.ts';
import { mapTraceBatch, type SpanEvent, type SpanRejection } from './spans.models.ts';

export interface OtlpDeps {
  /** The /v1/events usecase's own dependencies: same checks, store, metrics and wake-ups. */
  ingestion: IngestionDeps;
  metrics: OtlpMetrics;
}

export interface TraceIngestResult {
  accepted: number;
  duplicates: number;
  ignored: number;
  rejected: number;
  /** Set when spans were rejected: the first few reasons, for OTLP's partial_success.error_message. */
  errorMessage: string | null;
}

const MESSAGES_SHOWN = 5;
/**
 * The checks of /v1/events, in its order (the key's sources first, so that a key learns nothing
 * about sources it may not use), span by span so that one bad span is rejected alone.
 */
function checkSpanEvent(key: ApiKey, event: SpanEvent, isKnownSource: (name: string) => boolean): EventInput | string {
  if (!canUseSource(key, event.source)) return `this API key may not send events for source "${event.source}" (read from vigil.source, else service.name)`;
  if (!isKnownSource(event.source)) return `unknown source "${event.source}" (read from vigil.source, else service.name): declare it under "sources:" in the config file`;
  const parsed = eventInputSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `${formatIssuePath(issue.path) || 'event'}: ${issue.message}`;
}

function describeRejections(rejected: SpanRejection[]): string {
  const shown = rejected.slice(0, MESSAGES_SHOWN).map((rejection) => `span ${rejection.span}: ${rejection.message}`);
  const more = rejected.length > MESSAGES_SHOWN ? `; and ${rejected.length - MESSAGES_SHOWN} more` : '';
  return `${rejected.length} span${rejected.length === 1 ? '' : 's'} rejected: ${shown.join('; ')}${more}`;
}

/**
 * OTLP traces → events, through the /v1/events usecase (after its validation, done here span by
 * span). Spans that cannot become valid events are rejected one by one (OTLP partial success) and
 * store nothing; the others are stored all or nothing per chunk of MAX_EVENTS_PER_BATCH, and the
 * answer comes after the commit. An event's id
 * is `<trace id>-<span id>`, so an exporter's retry stores nothing twice.
 */
export async function ingestTraces(deps: OtlpDeps, request: { key: ApiKey; batch: TraceBatch }): Promise<TraceIngestResult> {
  const mapped = mapTraceBatch(request.batch);
  const rejected = [...mapped.rejected];
  const valid: EventInput[] = [];
  for (const { span, event } of mapped.events) {
    const checked = checkSpanEvent(request.key, event, deps.ingestion.isKnownSource);
    if (typeof checked === 'string') rejected.push({ span, source: event.source, message: checked });
    else valid.push(checked);
  }

  let accepted = 0;
  let duplicates = 0;
  for (let start = 0; start < valid.length; start += MAX_EVENTS_PER_BATCH) {
    const stored = await storeEvents(deps.ingestion, { key: request.key, events: valid.slice(start, start + MAX_EVENTS_PER_BATCH) });
    accepted += stored.accepted;
    duplicates += stored.duplicates;
  }

  // An undeclared name (service.name defaults to unknown_service:node) must not become a label.
  for (const rejection of rejected) {
    const source = rejection.source !== null && deps.ingestion.isKnownSource(rejection.source) ? rejection.source : 'unknown';
    deps.ingestion.metrics.rejected.inc({ source });
  }
  deps.metrics.spans.inc({ outcome: 'accepted' }, accepted);
  deps.metrics.spans.inc({ outcome: 'duplicate' }, duplicates);
  deps.metrics.spans.inc({ outcome: 'rejected' }, rejected.length);
  deps.metrics.spans.inc({ outcome: 'ignored' }, mapped.ignored);
  return { accepted, duplicates, ignored: mapped.ignored, rejected: rejected.length, errorMessage: rejected.length > 0 ? describeRejections(rejected) : null };
}
