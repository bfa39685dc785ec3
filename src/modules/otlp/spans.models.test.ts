import { describe, expect, it } from 'vitest';
import type { AttributeValue, TraceBatch, TraceSpan } from './otlp.models.ts';
import { mapTraceBatch } from './spans.models.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const START_MS = Date.parse('2026-12-07T08:00:00.000Z');
let nextSpan = 1;

function span(attributes: Record<string, AttributeValue>, options: Partial<Omit<TraceSpan, 'attributes'>> = {}): TraceSpan {
  return {
    traceId: TRACE,
    spanId: (nextSpan++).toString(16).padStart(16, '0'),
    name: 'chat gpt-4o-mini',
    startTimeMs: START_MS,
    events: [],
    ...options,
    attributes: new Map(Object.entries(attributes)),
  };
}

function batch(spans: TraceSpan[], resource: Record<string, AttributeValue> = { 'service.name': 'support-bot', 'service.version': 'r-7' }): TraceBatch {
  return { resources: [{ attributes: new Map(Object.entries(resource)), spans }] };
}

describe('mapTraceBatch', () => {
  it('maps a GenAI semantic-conventions chat span (gen_ai.input.messages / output.messages) onto an event', () => {
    const chat = span({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'It ships Friday.' }], finish_reason: 'stop' }]),
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.prompt.version': 'v12',
      'session.id': 'sess-9',
      'user.id': 'user-3',
    });
    const { events, rejected, ignored } = mapTraceBatch(batch([chat]));
    expect(rejected).toEqual([]);
    expect(ignored).toBe(0);
    expect(events[0]!.event).toEqual({
      id: `${TRACE}-${chat.spanId}`,
      source: 'support-bot',
      input: 'Where is my order?',
      output: 'It ships Friday.',
      model: 'gpt-4o-mini',
      model_version: 'gpt-4o-mini-2024-07-18',
      prompt_version: 'v12',
      release: 'r-7',
      session_id: 'sess-9',
      user_id: 'user-3',
      occurred_at: '2026-12-07T08:00:00.000Z',
      metadata: {
        otel: { trace_id: TRACE, span_id: chat.spanId, span_name: 'chat gpt-4o-mini', operation: 'chat', input_tokens: 12 },
        system_instructions: 'Be brief.',
      },
    });
  });

  it('reads the indexed gen_ai.prompt.N / gen_ai.completion.N attributes of older OpenLLMetry, a conversation as role paragraphs', () => {
    const legacy = span({
      'llm.request.type': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'You are Acme support.',
      'gen_ai.prompt.1.role': 'user',
      'gen_ai.prompt.1.content': 'Hi',
      'gen_ai.prompt.2.role': 'assistant',
      'gen_ai.prompt.2.content': 'Hello! How can I help?',
      'gen_ai.prompt.10.role': 'user',
      'gen_ai.prompt.10.content': 'Cancel my plan.',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'Done.',
    });
    const [mapped] = mapTraceBatch(batch([legacy])).events;
    expect(mapped!.event.input).toBe('user: Hi\n\nassistant: Hello! How can I help?\n\nuser: Cancel my plan.');
    expect(mapped!.event.output).toBe('Done.');
    expect(mapped!.event.metadata.system_instructions).toBe('You are Acme support.');
  });

  it('reads the gen_ai.content.prompt / gen_ai.content.completion span events', () => {
    const withEvents = span(
      { 'gen_ai.operation.name': 'text_completion', 'gen_ai.request.model': 'gpt-3.5-turbo-instruct' },
      {
        events: [
          { name: 'gen_ai.content.prompt', attributes: new Map([['gen_ai.prompt', 'Write a haiku.']]) },
          { name: 'gen_ai.content.completion', attributes: new Map([['gen_ai.completion', JSON.stringify([{ role: 'assistant', content: 'Autumn moon' }])]]) },
        ],
      },
    );
    const [mapped] = mapTraceBatch(batch([withEvents])).events;
    expect(mapped!.event).toMatchObject({ input: 'Write a haiku.', output: 'Autumn moon', model: 'gpt-3.5-turbo-instruct' });
  });

  it('maps OpenInference LLM spans and gives them the documents of the retriever span of the same trace as context', () => {
    const retriever = span({
      'openinference.span.kind': 'RETRIEVER',
      'retrieval.documents.0.document.content': 'Refunds take 5 days.',
      'retrieval.documents.1.document.content': 'Orders ship on Fridays.',
    });
    const chain = span({ 'openinference.span.kind': 'CHAIN', 'input.value': 'Where is my refund?' });
    const llm = span({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'Answer from the documents.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.contents.0.message_content.type': 'text',
      'llm.input_messages.1.message.contents.0.message_content.text': 'Where is my refund?',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'In 5 days.',
      'output.value': '{"id":"chatcmpl-1"}',
    });
    const otherTrace = span({ 'openinference.span.kind': 'LLM', 'input.value': 'raw prompt', 'output.value': 'raw answer' }, { traceId: 'a'.repeat(32) });
    const { events, ignored } = mapTraceBatch(batch([llm, retriever, chain, otherTrace]));
    expect(ignored).toBe(2);
    expect(events.map(({ event }) => event)).toMatchObject([
      { input: 'Where is my refund?', output: 'In 5 days.', model: 'gpt-4o-mini', metadata: { context: ['Refunds take 5 days.', 'Orders ship on Fridays.'], system_instructions: 'Answer from the documents.' } },
      { input: 'raw prompt', output: 'raw answer', model: null },
    ]);
    expect(events[1]!.event.metadata.context).toBeUndefined();
  });

  it('maps the Vercel AI SDK doGenerate span, not its outer ai.generateText span, and vigil.source wins over service.name', () => {
    const outer = span({ 'operation.name': 'ai.generateText', 'ai.prompt': '{"prompt":"Hi"}', 'ai.response.text': 'Hello' });
    const inner = span({
      'operation.name': 'ai.generateText.doGenerate',
      'gen_ai.system': 'openai.chat',
      'gen_ai.request.model': 'gpt-4o',
      'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]),
      'ai.response.text': 'Hello',
      'vigil.source': 'billing-bot',
    });
    const { events, ignored } = mapTraceBatch(batch([outer, inner]));
    expect(ignored).toBe(1);
    expect(events.map(({ event }) => [event.source, event.input, event.output, event.model])).toEqual([['billing-bot', 'Hi', 'Hello', 'gpt-4o']]);
  });

  it('keeps tool calls in the output as text, so that a completion with only a tool call is still checked', () => {
    const toolCall = span({
      'gen_ai.operation.name': 'chat',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }] }]),
    });
    expect(mapTraceBatch(batch([toolCall])).events[0]!.event.output).toBe('[tool call] get_weather {"city":"Paris"}');
  });

  it('ignores embeddings, tools and plain spans, and rejects LLM spans it cannot store with the reason', () => {
    const spans = [
      span({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small' }),
      span({ 'gen_ai.operation.name': 'execute_tool' }),
      span({ 'http.request.method': 'GET' }),
      span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' }),
      span({ 'openinference.span.kind': 'LLM', 'output.value': 'ok' }, { traceId: 'xyz' }),
      span({ 'openinference.span.kind': 'LLM', 'output.value': 'ok' }, { startTimeMs: null }),
    ];
    const { events, rejected, ignored } = mapTraceBatch(batch(spans));
    expect(events).toEqual([]);
    expect(ignored).toBe(3);
    expect(rejected.map((rejection) => rejection.message)).toEqual([
      expect.stringContaining('no completion text'),
      'traceId must be 32 lowercase hex digits, not all zero',
      'startTimeUnixNano is missing or not a time',
    ]);
    expect(rejected[0]!.source).toBe('support-bot');
  });

  it('rejects an LLM span whose resource names no source', () => {
    const { rejected } = mapTraceBatch(batch([span({ 'openinference.span.kind': 'LLM', 'output.value': 'ok' })], {}));
    expect(rejected[0]!.message).toMatch(/vigil\.source or service\.name/);
  });
});
