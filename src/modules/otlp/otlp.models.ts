import type { OtlpJsonAnyValue, OtlpJsonKeyValue, OtlpJsonTraceRequest } from './otlp.schemas.ts';

// The one shape both OTLP encodings are read into: attributes as plain values in a Map, ids as
// lowercase hex, times in milliseconds. The GenAI and OpenInference readers work on it alone.

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = ReadonlyMap<string, AttributeValue>;

export interface TraceSpan {
  traceId: string;
  spanId: string;
  name: string;
  /** null when absent or unreadable; the mapping rejects such an LLM span. */
  startTimeMs: number | null;
  attributes: Attributes;
  events: { name: string; attributes: Attributes }[];
}

export interface TraceBatch {
  resources: { attributes: Attributes; spans: TraceSpan[] }[];
}

const NANOS_PER_MS = 1_000_000n;

/** A uint64 of nanoseconds since the epoch (string or number in OTLP/JSON) → milliseconds. */
export function nanosToMs(value: string | number | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.floor(value / 1e6) : null;
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) return null;
  const ms = Number(BigInt(value) / NANOS_PER_MS);
  return ms > 0 ? ms : null;
}

function readJsonAnyValue(value: OtlpJsonAnyValue | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(readJsonAnyValue);
  if (value.kvlistValue !== undefined) return Object.fromEntries(readJsonAttributes(value.kvlistValue.values));
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

function readJsonAttributes(list: OtlpJsonKeyValue[] | undefined): Map<string, AttributeValue> {
  const map = new Map<string, AttributeValue>();
  for (const { key, value } of list ?? []) map.set(key, readJsonAnyValue(value));
  return map;
}

/** OTLP/JSON (already shape-checked by zod) → the common shape. */
export function readJsonTraceRequest(request: OtlpJsonTraceRequest): TraceBatch {
  return {
    resources: (request.resourceSpans ?? []).map((resourceSpans) => ({
      attributes: readJsonAttributes(resourceSpans.resource?.attributes),
      spans: (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
        (scope.spans ?? []).map((span) => ({
          traceId: (span.traceId ?? '').toLowerCase(),
          spanId: (span.spanId ?? '').toLowerCase(),
          name: span.name ?? '',
          startTimeMs: nanosToMs(span.startTimeUnixNano),
          attributes: readJsonAttributes(span.attributes),
          events: (span.events ?? []).map((event) => ({ name: event.name ?? '', attributes: readJsonAttributes(event.attributes) })),
        })),
      ),
    })),
  };
}

export function readString(attributes: Attributes, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = attributes.get(key);
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return null;
}

export function readNumber(attributes: Attributes, key: string): number | null {
  const value = attributes.get(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A JSON document stored in a string attribute (how instrumentations carry message lists). */
export function readJsonAttribute(attributes: Attributes, key: string): unknown {
  const value = attributes.get(key);
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * Indexed attributes (`llm.input_messages.0.message.content`, `gen_ai.prompt.1.role`) → one
 * object per index, in index order: `[{ 'message.content': …, 'message.role': … }, …]`.
 */
export function readIndexed(attributes: Attributes, prefix: string): Record<string, AttributeValue>[] {
  const byIndex = new Map<number, Record<string, AttributeValue>>();
  for (const [key, value] of attributes) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const index = Number(dot < 0 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(index) || dot < 0) continue;
    let entry = byIndex.get(index);
    if (!entry) byIndex.set(index, (entry = {}));
    entry[rest.slice(dot + 1)] = value;
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}

export interface ChatMessage {
  role: string;
  text: string;
}

/**
 * The input as reviewers read it: one user turn is shown as is; a longer conversation as
 * `role: text` paragraphs. System instructions are kept apart (they are the app's, not the user's).
 */
export function renderConversation(messages: ChatMessage[]): string | null {
  const turns = messages.filter((message) => message.role !== 'system' && message.text !== '');
  if (turns.length === 0) return null;
  if (turns.length === 1) return turns[0]!.text;
  return turns.map((message) => `${message.role}: ${message.text}`).join('\n\n');
}

export function renderSystem(messages: ChatMessage[]): string | null {
  const system = messages.filter((message) => message.role === 'system' && message.text !== '');
  return system.length > 0 ? system.map((message) => message.text).join('\n\n') : null;
}

export function joinTexts(texts: (string | null | undefined)[]): string | null {
  const present = texts.filter((text): text is string => typeof text === 'string' && text !== '');
  return present.length > 0 ? present.join('\n\n') : null;
}
