import type { Detection, Flag, Severity } from '../checks/checks.models.ts';

/** A flag the production app raised itself; kept beside Vigil's own checks. */
export interface AppFlag {
  name: string;
  score?: number;
  severity?: Severity;
  reason?: string;
}

/** An event as stored and as returned by GET /v1/events/:id. */
export interface StoredEvent {
  id: string;
  source: string;
  input: string | null;
  output: string;
  model: string | null;
  modelVersion: string | null;
  promptVersion: string | null;
  release: string | null;
  sessionId: string | null;
  userId: string | null;
  occurredAt: number;
  receivedAt: number;
  metadata: Record<string, unknown> | null;
  appFlags: AppFlag[] | null;
  detections: Detection[];
  flags: Flag[];
  checksStatus: 'grading' | 'complete';
  origin: string;
  /** When its text was erased; absent or null while it is whole. */
  erasedAt?: number | null;
}

export type NewEvent = StoredEvent;

/** A stored event with its row number, which grading jobs and review items reference. */
export type StoredEventWithSeq = StoredEvent & { seq: number };

/** The app's own flags in Vigil's flag shape, so sampling and cards treat all flags alike. */
export function toAppFlags(flags: readonly AppFlag[] | null): Flag[] {
  return (flags ?? []).map((flag) => ({
    check: flag.name,
    origin: 'app' as const,
    severity: flag.severity ?? 'warn',
    ...(flag.score !== undefined ? { score: flag.score } : {}),
    ...(flag.reason !== undefined ? { reason: flag.reason } : {}),
  }));
}

export function toEventResponse(event: StoredEvent) {
  return {
    id: event.id,
    source: event.source,
    input: event.input,
    output: event.output,
    model: event.model,
    model_version: event.modelVersion,
    prompt_version: event.promptVersion,
    release: event.release,
    session_id: event.sessionId,
    user_id: event.userId,
    occurred_at: new Date(event.occurredAt).toISOString(),
    received_at: new Date(event.receivedAt).toISOString(),
    metadata: event.metadata ?? {},
    origin: event.origin,
    checks: { status: event.checksStatus, detections: event.detections },
    flags: [...event.flags, ...toAppFlags(event.appFlags)],
    app_flags: event.appFlags ?? [],
    ...(event.erasedAt ? { erased_at: new Date(event.erasedAt).toISOString() } : {}),
  };
}
