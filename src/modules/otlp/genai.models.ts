import {
  joinTexts,
  readIndexed,
  readJsonAttribute,
  readString,
  renderConversation,
  renderSystem,
  type AttributeValue,
  type ChatMessage,
  type TraceSpan,
} from './otlp.models.ts';

// The OpenTelemetry GenAI semantic conventions, in the three shapes instrumentations emit:
// - gen_ai.input.messages / gen_ai.output.messages (JSON, semconv ≥ 1.37: {role, parts[]});
// - indexed gen_ai.prompt.N.* / gen_ai.completion.N.* attributes (OpenLLMetry before 0.27);
// - span events gen_ai.content.prompt / gen_ai.content.completion and gen_ai.*.message / gen_ai.choice.
// The Vercel AI SDK's ai.prompt.messages / ai.response.text ride on spans that carry gen_ai.* too.

/** Operations that send a prompt and get text back; embeddings, tools and agents are not reviewed. */
const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion']);
const LEGACY_REQUEST_TYPES = new Set(['chat', 'completion']);

export interface LlmCall {
  operation: string;
  input: string | null;
  system: string | null;
  output: string | null;
  model: string | null;
  responseModel: string | null;
}

export function isGenAiLlmSpan(span: TraceSpan): boolean {
  const operation = readString(span.attributes, 'gen_ai.operation.name');
  if (operation !== null) return LLM_OPERATIONS.has(operation);
  const requestType = readString(span.attributes, 'llm.request.type');
  if (requestType !== null) return LEGACY_REQUEST_TYPES.has(requestType);
  return span.attributes.has('gen_ai.request.model') || span.attributes.has('gen_ai.system');
}

function textOfPart(part: unknown): string | null {
  if (typeof part === 'string') return part;
  if (!part || typeof part !== 'object') return null;
  const record = part as Record<string, unknown>;
  if (record.type === 'tool_call' || record.type === 'tool-call') {
    const args = record.arguments ?? record.args ?? record.input;
    return `[tool call] ${String(record.name ?? record.toolName ?? '')} ${typeof args === 'string' ? args : JSON.stringify(args ?? {})}`.trim();
  }
  if (record.type === 'tool_call_response') return typeof record.response === 'string' ? record.response : JSON.stringify(record.response);
  const text = record.content ?? record.text;
  return typeof text === 'string' ? text : null;
}

/** A message in any of the shapes above → role and plain text (tool calls kept as a line each). */
function toChatMessage(raw: unknown, defaultRole: string): ChatMessage | null {
  if (typeof raw === 'string') return { role: defaultRole, text: raw };
  if (!raw || typeof raw !== 'object') return null;
  const record = raw as Record<string, unknown>;
  const role = typeof record.role === 'string' ? record.role : defaultRole;
  const body = record.parts ?? record.content ?? record.message;
  if (typeof body === 'string') return { role, text: body };
  if (Array.isArray(body)) return { role, text: joinTexts(body.map(textOfPart)) ?? '' };
  if (body && typeof body === 'object') return toChatMessage(body, role);
  return null;
}

function toChatMessages(value: unknown, defaultRole: string): ChatMessage[] {
  const list = Array.isArray(value) ? value : value === null ? [] : [value];
  return list.map((item) => toChatMessage(item, defaultRole)).filter((message): message is ChatMessage => message !== null);
}

function indexedMessages(indexed: Record<string, AttributeValue>[], defaultRole: string): ChatMessage[] {
  return indexed.flatMap((entry) =>
    typeof entry.content === 'string' ? [{ role: typeof entry.role === 'string' ? entry.role : defaultRole, text: entry.content }] : [],
  );
}

function eventMessages(span: TraceSpan, side: 'input' | 'output'): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const event of span.events) {
    if (side === 'input' && event.name === 'gen_ai.content.prompt') messages.push(...toChatMessages(readJsonAttribute(event.attributes, 'gen_ai.prompt'), 'user'));
    if (side === 'output' && event.name === 'gen_ai.content.completion') messages.push(...toChatMessages(readJsonAttribute(event.attributes, 'gen_ai.completion'), 'assistant'));
    const role = /^gen_ai\.(system|user|assistant|tool)\.message$/.exec(event.name)?.[1];
    if (side === 'input' && role) messages.push(...toChatMessages(readJsonAttribute(event.attributes, 'content'), role));
    if (side === 'output' && event.name === 'gen_ai.choice') messages.push(...toChatMessages(readJsonAttribute(event.attributes, 'message'), 'assistant'));
  }
  return messages;
}

function firstNonEmpty(...candidates: (() => ChatMessage[])[]): ChatMessage[] {
  for (const candidate of candidates) {
    const messages = candidate();
    if (messages.length > 0) return messages;
  }
  return [];
}

export function readGenAiCall(span: TraceSpan): LlmCall {
  const attributes = span.attributes;
  const input = firstNonEmpty(
    () => toChatMessages(readJsonAttribute(attributes, 'gen_ai.input.messages'), 'user'),
    () => indexedMessages(readIndexed(attributes, 'gen_ai.prompt.'), 'user'),
    () => eventMessages(span, 'input'),
    () => toChatMessages(readJsonAttribute(attributes, 'ai.prompt.messages'), 'user'),
  );
  const output = firstNonEmpty(
    () => toChatMessages(readJsonAttribute(attributes, 'gen_ai.output.messages'), 'assistant'),
    () => indexedMessages(readIndexed(attributes, 'gen_ai.completion.'), 'assistant'),
    () => eventMessages(span, 'output'),
    () => toChatMessages(attributes.get('ai.response.text') ?? null, 'assistant'),
  );
  const instructions = toChatMessages(readJsonAttribute(attributes, 'gen_ai.system_instructions'), 'system').map((m) => ({ ...m, role: 'system' }));
  return {
    operation: readString(attributes, 'gen_ai.operation.name', 'llm.request.type') ?? 'chat',
    input: renderConversation(input),
    system: renderSystem([...instructions, ...input]),
    output: joinTexts(output.map((message) => message.text)),
    model: readString(attributes, 'gen_ai.request.model', 'gen_ai.response.model', 'ai.model.id'),
    responseModel: readString(attributes, 'gen_ai.response.model'),
  };
}

/** Documents a GenAI retrieval span returned (gen_ai.retrieval.documents: [{id, score, content?}]). */
export function readGenAiRetrievedTexts(span: TraceSpan): string[] {
  if (readString(span.attributes, 'gen_ai.operation.name') !== 'retrieval') return [];
  const documents = readJsonAttribute(span.attributes, 'gen_ai.retrieval.documents');
  if (!Array.isArray(documents)) return [];
  return documents.map((document) => textOfPart(document)).filter((text): text is string => text !== null && text !== '');
}
