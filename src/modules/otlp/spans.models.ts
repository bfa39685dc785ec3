import { isGenAiLlmSpan, readGenAiCall, readGenAiRetrievedTexts, type LlmCall } from './genai.models.ts';
import { readOpenInferenceCall, readOpenInferenceKind, readOpenInferenceRetrievedTexts } from './openinference.models.ts';
import { readNumber, readString, type Attributes, type TraceBatch, type TraceSpan } from './otlp.models.ts';

// Which spans become Vigil events, and how. Pure: the usecase validates and stores the result.

/** An event in the /v1/events wire shape, so that it is validated and stored by the same code. */
export interface SpanEvent {
  id: string;
  source: string;
  input: string | null;
  output: string;
  model: string | null;
  model_version: string | null;
  prompt_version: string | null;
  release: string | null;
  session_id: string | null;
  user_id: string | null;
  occurred_at: string;
  metadata: Record<string, unknown>;
}

export interface SpanRejection {
  span: string;
  source: string | null;
  message: string;
}

export interface MappedSpans {
  events: { span: string; event: SpanEvent }[];
  rejected: SpanRejection[];
  /** Spans that are not LLM calls (HTTP, database, retrieval, agent, tool…): not events, not errors. */
  ignored: number;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_ID = /^0+$/;

// The first attribute present wins; span attributes before resource attributes.
const SOURCE_KEYS = ['vigil.source', 'service.name'];
const RELEASE_KEYS = ['vigil.release', 'service.version'];
const PROMPT_VERSION_KEYS = ['vigil.prompt_version', 'gen_ai.prompt.version', 'traceloop.prompt.version', 'llm.prompt_template.version'];
const SESSION_KEYS = ['session.id', 'gen_ai.conversation.id', 'traceloop.association.properties.session_id'];
const USER_KEYS = ['user.id', 'enduser.id', 'traceloop.association.properties.user_id'];

function readLlmCall(span: TraceSpan): LlmCall | null {
  const kind = readOpenInferenceKind(span);
  if (kind !== null) return kind === 'LLM' ? readOpenInferenceCall(span) : null;
  return isGenAiLlmSpan(span) ? readGenAiCall(span) : null;
}

function readRetrievedTexts(span: TraceSpan): string[] {
  return readOpenInferenceKind(span) !== null ? readOpenInferenceRetrievedTexts(span) : readGenAiRetrievedTexts(span);
}

function pick(keys: string[], span: Attributes, resource: Attributes): string | null {
  return readString(span, ...keys) ?? readString(resource, ...keys);
}

function checkIds(span: TraceSpan): string | null {
  if (!TRACE_ID.test(span.traceId) || ZERO_ID.test(span.traceId)) return 'traceId must be 32 lowercase hex digits, not all zero';
  if (!SPAN_ID.test(span.spanId) || ZERO_ID.test(span.spanId)) return 'spanId must be 16 lowercase hex digits, not all zero';
  return null;
}

function toSpanEvent(span: TraceSpan, resource: Attributes, call: LlmCall, context: string[] | undefined): SpanEvent | string {
  const idProblem = checkIds(span);
  if (idProblem) return idProblem;
  if (span.startTimeMs === null) return 'startTimeUnixNano is missing or not a time';
  const source = pick(SOURCE_KEYS, span.attributes, resource);
  if (source === null) return 'no source: set the resource attribute vigil.source or service.name (OTEL_SERVICE_NAME)';
  if (call.output === null) {
    return 'no completion text (gen_ai.output.messages, gen_ai.completion.N.content, output.value…); is content capture on?';
  }
  const usage = { input_tokens: readNumber(span.attributes, 'gen_ai.usage.input_tokens'), output_tokens: readNumber(span.attributes, 'gen_ai.usage.output_tokens') };
  return {
    id: `${span.traceId}-${span.spanId}`,
    source,
    input: call.input,
    output: call.output,
    model: call.model,
    model_version: call.responseModel !== null && call.responseModel !== call.model ? call.responseModel : null,
    prompt_version: pick(PROMPT_VERSION_KEYS, span.attributes, resource),
    release: pick(RELEASE_KEYS, span.attributes, resource),
    session_id: pick(SESSION_KEYS, span.attributes, resource),
    user_id: pick(USER_KEYS, span.attributes, resource),
    occurred_at: new Date(span.startTimeMs).toISOString(),
    metadata: {
      otel: { trace_id: span.traceId, span_id: span.spanId, span_name: span.name, operation: call.operation, ...withoutNulls(usage) },
      ...(call.system !== null ? { system_instructions: call.system } : {}),
      ...(context && context.length > 0 ? { context } : {}),
    },
  };
}

function withoutNulls(record: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, number] => entry[1] !== null));
}

/**
 * LLM spans → events; retrieval spans of the same trace (in this export) give their documents
 * as the event's retrieved context, which the leak and grounding checks scan.
 */
export function mapTraceBatch(batch: TraceBatch): MappedSpans {
  const contextByTrace = new Map<string, string[]>();
  for (const resource of batch.resources) {
    for (const span of resource.spans) {
      const texts = readRetrievedTexts(span);
      if (texts.length > 0) contextByTrace.set(span.traceId, [...(contextByTrace.get(span.traceId) ?? []), ...texts]);
    }
  }
  const result: MappedSpans = { events: [], rejected: [], ignored: 0 };
  for (const resource of batch.resources) {
    for (const span of resource.spans) {
      const call = readLlmCall(span);
      if (call === null) {
        result.ignored += 1;
        continue;
      }
      const ref = `${span.traceId || '?'}/${span.spanId || '?'}`;
      const mapped = toSpanEvent(span, resource.attributes, call, contextByTrace.get(span.traceId));
      if (typeof mapped === 'string') result.rejected.push({ span: ref, source: pick(SOURCE_KEYS, span.attributes, resource.attributes), message: mapped });
      else result.events.push({ span: ref, event: mapped });
    }
  }
  return result;
}
