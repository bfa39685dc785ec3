import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import nock from 'nock';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// The same path as otlp.e2e, with OpenInference's real OpenAI instrumentation (Arize Phoenix's
// conventions: llm.input_messages.N.*, llm.output_messages.N.*, llm.model_name) instead of OpenLLMetry's.

const OPENAI_URL = 'https://api.openai.com';

describe('OpenInference traces from the real instrumentation and exporter', () => {
  let vigil: TestVigil;
  let key: string;

  beforeAll(async () => {
    vigil = await startTestVigil();
    key = await vigil.createKey();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await vigil.stop();
  });

  it('stores the LLM span with the messages, not the raw JSON request and response', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-bot', 'service.version': 'r-2026.12.02' }),
      spanProcessors: [
        new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${vigil.url}/v1/traces`, headers: { Authorization: `Bearer ${key}` } })),
        new SimpleSpanProcessor(memory),
      ],
    });
    const instrumentation = new OpenAIInstrumentation({ tracerProvider: provider });
    instrumentation.manuallyInstrument({ OpenAI } as never);
    nock(OPENAI_URL)
      .post('/v1/chat/completions')
      .reply(200, {
        id: 'chatcmpl-oi-1',
        object: 'chat.completion',
        created: 1_765_000_000,
        model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Refunds take five working days.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 },
      });

    const client = new OpenAI({ apiKey: 'sk-test-not-a-real-key', baseURL: `${OPENAI_URL}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How long do refunds take?' }] });
    await provider.forceFlush();
    const [span] = memory.getFinishedSpans();
    instrumentation.disable();
    await provider.shutdown();
    expect(span!.attributes['openinference.span.kind']).toBe('LLM');

    const response = await fetch(`${vigil.url}/v1/events/${span!.spanContext().traceId}-${span!.spanContext().spanId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      source: 'support-bot',
      input: 'How long do refunds take?',
      output: 'Refunds take five working days.',
      model: 'gpt-4o-mini',
      model_version: 'gpt-4o-mini-2024-07-18',
      release: 'r-2026.12.02',
    });
  });
});
