import { OTLPTraceExporter as OTLPHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import nock from 'nock';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSlackTestVigil, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// A Node app as users run one: the openai client instrumented by OpenLLMetry's real OpenAI
// instrumentation, the OpenTelemetry SDK exporting with the real OTLP exporters (protobuf with
// gzip, and JSON) to the running Vigil; only OpenAI itself is faked (nock).

const LEAKED = 'ghp_1A2b3C4d5E6f7G8h9I0jK1l2M3n4O5p6Q7r8';
const OPENAI_URL = 'https://api.openai.com';

function replyWith(content: string) {
  return {
    id: 'chatcmpl-otel-1',
    object: 'chat.completion',
    created: 1_765_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 21, completion_tokens: 17, total_tokens: 38 },
  };
}

function withEnv<T>(variables: Record<string, string>, build: () => T): T {
  const before = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return build();
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The app side: a tracer provider with Vigil's exporter (and an in-memory one to learn the span ids). */
function startInstrumentedApp(exporter: SpanExporter) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot', 'service.version': 'r-2026.12.01' }),
    spanProcessors: [new SimpleSpanProcessor(exporter), new SimpleSpanProcessor(memory)],
  });
  const instrumentation = new OpenAIInstrumentation({ traceContent: true, enrichTokens: false });
  instrumentation.setTracerProvider(provider);
  instrumentation.manuallyInstrument(OpenAI);
  const client = new OpenAI({ apiKey: 'sk-test-not-a-real-key', baseURL: `${OPENAI_URL}/v1`, maxRetries: 0 });
  return {
    client,
    provider,
    memory,
    async stop() {
      instrumentation.disable();
      await provider.shutdown();
    },
  };
}

describe('OpenTelemetry GenAI traces from real exporters', () => {
  let vigil: SlackTestVigil;

  beforeAll(async () => {
    vigil = await startSlackTestVigil();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await vigil.stop();
  });

  it('stores an instrumented chat completion sent over OTLP/protobuf with gzip, checks it, and a leaked key in it reaches reviewers', async () => {
    // Configured only by the environment, as docs/opentelemetry.md tells users to.
    const exporter = withEnv(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: vigil.url,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${vigil.key}`,
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      },
      () => new OTLPProtoExporter(),
    );
    const app = startInstrumentedApp(exporter);
    nock(OPENAI_URL).post('/v1/chat/completions').reply(200, replyWith(`Use this token to reach the API: ${LEAKED}`));

    await app.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are the support bot of Acme.' },
        { role: 'user', content: 'How do I call your API?' },
      ],
    });
    await app.provider.forceFlush();
    const [span] = app.memory.getFinishedSpans();
    await app.stop();
    expect(span).toBeDefined();

    const id = `${span!.spanContext().traceId}-${span!.spanContext().spanId}`;
    const read = await vigil.api(`/v1/events/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id,
      source: 'support-bot',
      input: 'How do I call your API?',
      output: `Use this token to reach the API: ${LEAKED}`,
      model: 'gpt-4o-mini',
      model_version: 'gpt-4o-mini-2024-07-18',
      release: 'r-2026.12.01',
      metadata: { system_instructions: 'You are the support bot of Acme.', otel: { operation: 'chat', input_tokens: 21, output_tokens: 17 } },
    });
    expect(read.body.occurred_at).toBe(new Date(span!.startTime[0] * 1000 + Math.floor(span!.startTime[1] / 1e6)).toISOString());
    const flags = (read.body.flags as { check: string; severity: string }[]).map((flag) => `${flag.check}:${flag.severity}`);
    expect(flags).toContain('secrets:critical');

    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('Use this token to reach the API'));
    expect(JSON.stringify(card.body.blocks)).not.toContain(LEAKED);
    const metrics = await (await fetch(`${vigil.url}/metrics`)).text();
    expect(metrics).toMatch(/vigil_otlp_spans_total\{outcome="accepted"\} 1\b/);
  });

  it('accepts OTLP/JSON, ignores the app\'s other spans, and stores a re-exported span once', async () => {
    const exporter = new OTLPHttpJsonExporter({ url: `${vigil.url}/v1/traces`, headers: { Authorization: `Bearer ${vigil.key}` } });
    const app = startInstrumentedApp(exporter);
    nock(OPENAI_URL).post('/v1/chat/completions').reply(200, replyWith('Your order ships on Friday.'));

    const tracer = app.provider.getTracer('checkout');
    tracer.startSpan('GET /orders/42').end();
    await app.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my order?' }] });
    await app.provider.forceFlush();
    const spans = app.memory.getFinishedSpans();
    const llm = spans.find((span) => span.attributes['gen_ai.operation.name'] === 'chat')!;
    // An exporter retry after a lost answer sends the same spans again.
    const again = await new Promise<{ code: number }>((resolve) => exporter.export(spans, resolve));
    await app.stop();
    expect(again.code).toBe(0);

    const id = `${llm.spanContext().traceId}-${llm.spanContext().spanId}`;
    const read = await vigil.api(`/v1/events/${id}`);
    expect(read.body).toMatchObject({ input: 'Where is my order?', output: 'Your order ships on Friday.', model: 'gpt-4o-mini' });
    expect((await vigil.query<{ n: number }>('select count(*) as n from events where id = ?', id))[0]!.n).toBe(1);
    const metrics = await (await fetch(`${vigil.url}/metrics`)).text();
    expect(metrics).toMatch(/vigil_otlp_spans_total\{outcome="ignored"\} 2\b/);
    expect(metrics).toMatch(/vigil_otlp_spans_total\{outcome="duplicate"\} 1\b/);
  });
});
