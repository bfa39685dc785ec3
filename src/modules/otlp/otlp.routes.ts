import type { FastifyInstance, FastifyReply } from 'fastify';
import { toErrorDetails } from '../../shared/validation.ts';
import { checkScope } from '../api-keys/api-keys.hooks.ts';
import { createInvalidProtobufError, createInvalidTraceJsonError, createInvalidTraceRequestError, createUnsupportedTraceMediaTypeError } from './otlp.errors.ts';
import { readJsonTraceRequest, type TraceBatch } from './otlp.models.ts';
import { decodeTraceRequest, encodeRpcStatus, encodeTraceResponse } from './otlp.protobuf.ts';
import { otlpTraceRequestSchema, otlpTraceResponseSchema, type OtlpTraceResponse } from './otlp.schemas.ts';
import { ingestTraces, type OtlpDeps, type TraceIngestResult } from './otlp.usecases.ts';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** What the OpenAPI document needs to describe POST /v1/traces (the body is read by this scope's own parser). */
export const OTLP_TRACES_ROUTE = {
  method: 'POST',
  url: '/v1/traces',
  requestContentTypes: [PROTOBUF, JSON_TYPE],
  jsonBody: otlpTraceRequestSchema,
  response: otlpTraceResponseSchema,
} as const;

function readMediaType(contentType: string | undefined): string {
  return contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
}

function readEncoding(contentType: string | undefined): 'protobuf' | 'json' {
  const mediaType = readMediaType(contentType);
  if (mediaType === PROTOBUF) return 'protobuf';
  if (mediaType === JSON_TYPE) return 'json';
  throw createUnsupportedTraceMediaTypeError(mediaType || '(none)');
}

function decodeProtobuf(body: Buffer): TraceBatch {
  try {
    return decodeTraceRequest(body);
  } catch (error) {
    throw createInvalidProtobufError(error instanceof Error ? error.message : String(error));
  }
}

function decodeJson(body: Buffer): TraceBatch {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw createInvalidTraceJsonError(error instanceof Error ? error.message : String(error));
  }
  try {
    const parsed = otlpTraceRequestSchema.safeParse(value);
    if (!parsed.success) throw createInvalidTraceRequestError(toErrorDetails(parsed.error.issues));
    return readJsonTraceRequest(parsed.data);
  } catch (error) {
    // AnyValue nests (arrays, key-value lists): a hostile body nested deeper than the stack is a 400, not a crash.
    if (error instanceof RangeError) throw createInvalidTraceJsonError('attribute values are nested too deeply');
    throw error;
  }
}

/** OTLP answers in the request's encoding; partial_success only when spans were rejected. */
function sendResult(reply: FastifyReply, encoding: 'protobuf' | 'json', result: TraceIngestResult) {
  const partialSuccess = result.errorMessage !== null ? { rejectedSpans: result.rejected, errorMessage: result.errorMessage } : undefined;
  if (encoding === 'protobuf') return reply.code(200).type(PROTOBUF).send(Buffer.from(encodeTraceResponse(partialSuccess)));
  const body: OtlpTraceResponse = partialSuccess ? { partialSuccess: { ...partialSuccess, rejectedSpans: String(partialSuccess.rejectedSpans) } } : {};
  return reply.code(200).type(JSON_TYPE).send(body);
}

/**
 * OTLP/HTTP traces (POST /v1/traces), inside the /v1 scope whose hook has authenticated the key.
 * Its own scope reads every body as bytes: the encoding is chosen from the Content-Type here, so
 * an unknown one gets an answer that names the OTLP settings. Gzip is undone before, by the server.
 */
export async function registerOtlpRoutes(app: FastifyInstance, deps: OtlpDeps) {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    // OTLP/HTTP: an error answer to a protobuf request is a protobuf google.rpc.Status. Every error
    // (key, gzip, limits, parsing) is rendered once, as JSON, by the server; this turns it into one.
    scope.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode < 400 || readMediaType(request.headers['content-type']) !== PROTOBUF || typeof payload !== 'string') return done(null, payload);
      const message = (JSON.parse(payload) as { error?: { message?: string } }).error?.message ?? 'Request failed.';
      reply.type(PROTOBUF);
      done(null, Buffer.from(encodeRpcStatus(reply.statusCode, message)));
    });
    scope.post('/traces', async (request, reply) => {
      const key = checkScope(request, 'ingest');
      const encoding = readEncoding(request.headers['content-type']);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const batch = encoding === 'protobuf' ? decodeProtobuf(body) : decodeJson(body);
      return sendResult(reply, encoding, await ingestTraces(deps, { key, batch }));
    });
  });
}
