import type { OutboxStatus } from './outbox.models.ts';

// A message may depend on one still in the outbox: the update of a card whose post
// has not reached Slack cannot know its `ts` yet. It carries a placeholder instead,
// replaced just before sending by a field of the referenced row's response.

export interface OutboxRef {
  $ref: { outboxId: string; path: string };
}

/** A placeholder for `path` (dotted: `ts`, `channel.id`) of the response to message `outboxId`. */
export function outboxRef(outboxId: string, path = 'ts'): OutboxRef {
  return { $ref: { outboxId, path } };
}

export function isOutboxRef(value: unknown): value is OutboxRef {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const ref = (value as { $ref?: unknown }).$ref;
  return (
    Object.keys(value).length === 1 &&
    typeof ref === 'object' &&
    ref !== null &&
    typeof (ref as { outboxId?: unknown }).outboxId === 'string' &&
    typeof (ref as { path?: unknown }).path === 'string'
  );
}

/** The distinct outbox ids a payload refers to, so the worker loads them in one query. */
export function collectPayloadRefs(payload: unknown): string[] {
  const ids = new Set<string>();
  visit(payload, (ref) => {
    ids.add(ref.$ref.outboxId);
    return ref;
  });
  return [...ids];
}

export interface RefTarget {
  status: OutboxStatus;
  response: Record<string, unknown> | null;
  lastError: string | null;
}

export type RefResolution =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; reason: 'pending'; outboxId: string }
  | { ok: false; reason: 'failed' | 'missing'; outboxId: string; detail: string };

/**
 * Replaces every placeholder with the referenced value. `pending` means "try again
 * later" (the referenced row is not delivered yet); `failed`/`missing` are final: the
 * message depends on one that will never be delivered, or on a field it lacks.
 */
export function resolvePayloadRefs(payload: Record<string, unknown>, lookup: (outboxId: string) => RefTarget | undefined): RefResolution {
  let problem: Exclude<RefResolution, { ok: true }> | undefined;
  const resolved = visit(payload, (ref) => {
    if (problem) return ref;
    const { outboxId, path } = ref.$ref;
    const target = lookup(outboxId);
    if (!target) problem = { ok: false, reason: 'missing', outboxId, detail: `referenced message ${outboxId} does not exist` };
    else if (target.status === 'failed') {
      problem = { ok: false, reason: 'failed', outboxId, detail: `referenced message ${outboxId} failed: ${target.lastError ?? 'unknown error'}` };
    } else if (target.status !== 'delivered') problem = { ok: false, reason: 'pending', outboxId };
    else {
      const value = readPath(target.response, path);
      if (value !== undefined) return value;
      problem = { ok: false, reason: 'missing', outboxId, detail: `response of ${outboxId} has no "${path}"` };
    }
    return ref;
  });
  return problem ?? { ok: true, payload: resolved as Record<string, unknown> };
}

function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function visit(value: unknown, replace: (ref: OutboxRef) => unknown): unknown {
  if (isOutboxRef(value)) return replace(value);
  if (Array.isArray(value)) return value.map((item) => visit(item, replace));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, replace)]));
  }
  return value;
}
