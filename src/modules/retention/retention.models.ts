import type { Detection, TextField } from '../checks/checks.models.ts';
import { redactText } from '../review/redaction.models.ts';
import type { RetentionConfig } from './retention.config.ts';

// Pure rules of retention: when an event is due for deletion, and what "store: redacted"
// keeps of an event's text.

export const DAY_MS = 86_400_000;

/** The cut-offs: events stored before `before` go, reviewed ones only before `reviewedBefore`. Null: keep everything. */
export function computePurgeCutoffs(config: RetentionConfig | undefined, now: number): { before: number; reviewedBefore: number } | null {
  if (config?.events_days === undefined) return null;
  const before = now - config.events_days * DAY_MS;
  return { before, reviewedBefore: now - (config.keep_reviewed_days ?? config.events_days) * DAY_MS };
}

/** Whether an event stored at `receivedAt` is due now, given whether a human reviewed it. */
export function isDueForPurge(event: { receivedAt: number; reviewed: boolean }, cutoffs: { before: number; reviewedBefore: number }): boolean {
  return event.reviewed ? event.receivedAt < cutoffs.reviewedBefore : event.receivedAt < cutoffs.before;
}

interface StorableEvent {
  input: string | null;
  output: string;
  metadata: Record<string, unknown> | null;
  detections: Detection[];
}

function redactField(text: string, detections: readonly Detection[], field: TextField): string {
  return redactText(
    text,
    detections.filter((detection) => detection.field === field),
  );
}

/**
 * What `store: redacted` writes: the input, the output and a string `metadata.context` with
 * every detector finding replaced by `[redacted <kind>]`. The findings' offsets pointed into
 * the original text, so they are zeroed (the masked evidence stays).
 */
export function redactForStorage<E extends StorableEvent>(event: E): E {
  const { detections } = event;
  if (detections.length === 0) return event;
  const context = event.metadata?.context;
  return {
    ...event,
    input: event.input === null ? null : redactField(event.input, detections, 'input'),
    output: redactField(event.output, detections, 'output'),
    metadata: typeof context === 'string' ? { ...event.metadata, context: redactField(context, detections, 'context') } : event.metadata,
    detections: detections.map((detection) => ({ ...detection, start: 0, end: 0 })),
  };
}
