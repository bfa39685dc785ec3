import type { Detection, Flag } from '../checks/checks.models.ts';
import type { AppFlag, NewEvent } from './ingestion.models.ts';

// A batch of events in the shape it is written: one flat array of column values, JSON columns
// already encoded. The ingest workers build it and hand it to the main thread, which inserts
// it as it is: a flat array of strings and numbers costs a third of an array of event objects
// to pass between threads, and the main thread does no per-event encoding.

/** The events table's columns, in the order of EventRowBatch.values (the repository's INSERT lists them so). */
export const EVENT_ROW_COLUMNS = [
  'id',
  'source',
  'input',
  'output',
  'model',
  'model_version',
  'prompt_version',
  'release',
  'session_id',
  'user_id',
  'occurred_at',
  'received_at',
  'metadata',
  'app_flags',
  'detections',
  'flags',
  'checks_status',
  'origin',
] as const;

export const EVENT_ROW_WIDTH = EVENT_ROW_COLUMNS.length;

/** Offsets of the columns the main thread reads or rewrites. */
export const ROW = { id: 0, source: 1, output: 3, model: 4, promptVersion: 6, release: 7, checksStatus: 16 } as const;

export type RowValue = string | number | null;

/** An event the main thread needs as objects: it has detections, flags or app flags (2% of real traffic). */
export interface NotableEvent {
  index: number;
  detections: Detection[];
  flags: Flag[];
  appFlags: AppFlag[] | null;
}

export interface EventRowBatch {
  count: number;
  /** EVENT_ROW_WIDTH values per event. */
  values: RowValue[];
  /** In index order. */
  notable: NotableEvent[];
}

const encodeJson = (value: unknown) => (value === null ? null : JSON.stringify(value));

/** Appends an event's row to `values` (as drizzle's json columns would encode it). */
export function pushEventRow(values: RowValue[], event: NewEvent): void {
  values.push(
    event.id,
    event.source,
    event.input,
    event.output,
    event.model,
    event.modelVersion,
    event.promptVersion,
    event.release,
    event.sessionId,
    event.userId,
    event.occurredAt,
    event.receivedAt,
    encodeJson(event.metadata),
    encodeJson(event.appFlags),
    JSON.stringify(event.detections),
    JSON.stringify(event.flags),
    event.checksStatus,
    event.origin,
  );
}

/** A batch of whole events as rows; the notable ones keep their objects. */
export function toEventRowBatch(events: readonly NewEvent[]): EventRowBatch {
  const batch: EventRowBatch = { count: events.length, values: [], notable: [] };
  events.forEach((event, index) => {
    pushEventRow(batch.values, event);
    if (event.detections.length > 0 || event.flags.length > 0 || (event.appFlags?.length ?? 0) > 0) {
      batch.notable.push({ index, detections: event.detections, flags: event.flags, appFlags: event.appFlags });
    }
  });
  return batch;
}

export const readRowString = (batch: EventRowBatch, index: number, column: number) => batch.values[index * EVENT_ROW_WIDTH + column] as string;
export const readRowNullable = (batch: EventRowBatch, index: number, column: number) => batch.values[index * EVENT_ROW_WIDTH + column] as string | null;

export function writeRowValue(batch: EventRowBatch, index: number, column: number, value: RowValue): void {
  batch.values[index * EVENT_ROW_WIDTH + column] = value;
}

const decodeJson = <T>(value: RowValue) => (value === null ? null : (JSON.parse(value as string) as T));

/** The event at `index` as a whole object (for `prepareForStorage` and the live detectors, which may rewrite it); its detections and flags are `notable`'s. */
export function readRowEvent(batch: EventRowBatch, index: number, notable: NotableEvent | undefined): NewEvent {
  const at = index * EVENT_ROW_WIDTH;
  const v = batch.values;
  return {
    id: v[at] as string,
    source: v[at + 1] as string,
    input: v[at + 2] as string | null,
    output: v[at + 3] as string,
    model: v[at + 4] as string | null,
    modelVersion: v[at + 5] as string | null,
    promptVersion: v[at + 6] as string | null,
    release: v[at + 7] as string | null,
    sessionId: v[at + 8] as string | null,
    userId: v[at + 9] as string | null,
    occurredAt: v[at + 10] as number,
    receivedAt: v[at + 11] as number,
    metadata: decodeJson<Record<string, unknown>>(v[at + 12]!),
    appFlags: decodeJson<AppFlag[]>(v[at + 13]!),
    detections: notable?.detections ?? [],
    flags: notable?.flags ?? [],
    checksStatus: v[at + 16] as NewEvent['checksStatus'],
    origin: v[at + 17] as string,
  };
}

/** Writes the event at `index` back, re-encoded. */
export function writeRowEvent(batch: EventRowBatch, index: number, event: NewEvent): void {
  const row: RowValue[] = [];
  pushEventRow(row, event);
  for (let column = 0; column < EVENT_ROW_WIDTH; column++) batch.values[index * EVENT_ROW_WIDTH + column] = row[column]!;
}
