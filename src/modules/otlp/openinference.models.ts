import type { LlmCall } from './genai.models.ts';
import { joinTexts, readIndexed, readJsonAttribute, readString, renderConversation, renderSystem, type AttributeValue, type ChatMessage, type TraceSpan } from './otlp.models.ts';

// OpenInference (Arize Phoenix's conventions): the span kind says what a span is, messages are
// flattened into indexed attributes (llm.input_messages.N.message.content), and input.value /
// output.value carry the raw request and response when no messages were recorded.

export const OPENINFERENCE_SPAN_KIND = 'openinference.span.kind';

export function readOpenInferenceKind(span: TraceSpan): string | null {
  return readString(span.attributes, OPENINFERENCE_SPAN_KIND)?.toUpperCase() ?? null;
}

/** `message.content`, or the text parts of `message.contents.N.message_content.*`, and tool calls. */
function toChatMessage(entry: Record<string, AttributeValue>, defaultRole: string): ChatMessage {
  const role = typeof entry['message.role'] === 'string' ? entry['message.role'] : defaultRole;
  const texts: (string | null)[] = [typeof entry['message.content'] === 'string' ? entry['message.content'] : null];
  const parts = new Map<number, string>();
  const calls = new Map<number, { name?: string; args?: string }>();
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') continue;
    const part = /^message\.contents\.(\d+)\.message_content\.text$/.exec(key);
    if (part) parts.set(Number(part[1]), value);
    const call = /^message\.tool_calls\.(\d+)\.tool_call\.function\.(name|arguments)$/.exec(key);
    if (call) {
      const index = Number(call[1]);
      calls.set(index, { ...calls.get(index), [call[2] === 'name' ? 'name' : 'args']: value });
    }
  }
  texts.push(...[...parts.entries()].sort(([a], [b]) => a - b).map(([, text]) => text));
  texts.push(...[...calls.values()].map((call) => `[tool call] ${call.name ?? ''} ${call.args ?? ''}`.trim()));
  return { role, text: joinTexts(texts) ?? '' };
}

function readMessages(span: TraceSpan, prefix: string, defaultRole: string): ChatMessage[] {
  return readIndexed(span.attributes, prefix).map((entry) => toChatMessage(entry, defaultRole));
}

/** The requested model, from the JSON of llm.invocation_parameters (llm.model_name is the one that answered). */
function readRequestedModel(span: TraceSpan): string | null {
  const parameters = readJsonAttribute(span.attributes, 'llm.invocation_parameters');
  const model = parameters && typeof parameters === 'object' ? (parameters as Record<string, unknown>).model : null;
  return typeof model === 'string' && model !== '' ? model : null;
}

export function readOpenInferenceCall(span: TraceSpan): LlmCall {
  const input = readMessages(span, 'llm.input_messages.', 'user');
  const output = readMessages(span, 'llm.output_messages.', 'assistant');
  const answeredBy = readString(span.attributes, 'llm.model_name');
  return {
    operation: 'chat',
    input: renderConversation(input) ?? readString(span.attributes, 'input.value'),
    system: renderSystem(input),
    output: joinTexts(output.map((message) => message.text)) ?? readString(span.attributes, 'output.value'),
    model: readRequestedModel(span) ?? answeredBy,
    responseModel: answeredBy,
  };
}

export function readOpenInferenceRetrievedTexts(span: TraceSpan): string[] {
  if (readOpenInferenceKind(span) !== 'RETRIEVER') return [];
  return readIndexed(span.attributes, 'retrieval.documents.')
    .map((entry) => entry['document.content'])
    .filter((text): text is string => typeof text === 'string' && text !== '');
}
