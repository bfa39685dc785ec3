import { createGunzip, createInflate } from 'node:zlib';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyError } from 'fastify';
import type { Logger } from './logger.ts';
import { isVigilError, type VigilError } from './errors.ts';
import { parseJsonBody } from './json-body.ts';
import { errorBody, handleClientError, handleFrameworkError, type ErrorBody } from './http-errors.ts';
import { isStorageFullCode, readStorageErrorCode, STORAGE_RETRY_AFTER_SECONDS, type StorageHealth } from './storage-health.ts';
import { createHttpMetrics, type Registry } from './metrics.ts';
import { createLazyRequestLogger } from './request-logger.ts';

// One port for everything: the production-app API under /v1, /healthz, /metrics,
// and (from the Slack module) Bolt's receiver at /slack/events.

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
};

/** Default time a client has to send a whole request; headers must arrive within the first third of it. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Maps Fastify's own errors (body parsing, limits) onto Vigil's error codes. */
function describeFastifyError(error: FastifyError): { status: number; body: ErrorBody } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('payload_too_large', `Request body exceeds ${MAX_BODY_BYTES / 1024 / 1024} MiB (after decompression).`) };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('unsupported_media_type', 'Content-Type must be application/json.') };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody('invalid_json', 'Request body is empty; send a JSON object.') };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('invalid_json', `Request body is not valid JSON: ${error.message}`) };
  }
  if (error.code === 'Z_DATA_ERROR' || error.code === 'Z_BUF_ERROR') {
    return { status: 400, body: errorBody('invalid_encoding', 'Request body is not valid gzip/deflate data.') };
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return { status: 400, body: errorBody('invalid_json', `Request body is not valid JSON: ${error.message}`) };
  }
  return undefined;
}

type RequestDuration = ReturnType<typeof createHttpMetrics>['requestDuration'];
type RequestDurationChild = ReturnType<RequestDuration['labels']>;

/**
 * Observes a request's duration in the child of its (route, method, status) labels, bound on
 * first use, so no label object is built per request. Nested maps keyed by the route pattern,
 * the method and the status keep the lookup allocation-free; they hold as many entries as the
 * metric has label sets.
 */
function createRequestObserver(requestDuration: RequestDuration) {
  const children = new Map<string, Map<string, Map<number, RequestDurationChild>>>();
  return (method: string, route: string, statusCode: number, seconds: number) => {
    let byMethod = children.get(route);
    if (!byMethod) children.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let child = byStatus.get(statusCode);
    if (!child) byStatus.set(statusCode, (child = requestDuration.labels({ method, route, status_code: statusCode })));
    child.observe(seconds);
  };
}

export interface ServerOptions {
  logger: Logger;
  registry: Registry;
  /** Told of every request that failed on storage (disk full, I/O error), for /healthz. */
  storage?: Pick<StorageHealth, 'recordWriteFailure'>;
  requestTimeoutMs?: number;
}

export function buildServer(options: ServerOptions): FastifyInstance {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    loggerInstance: options.logger.child({ ns: 'http' }) as FastifyBaseLogger,
    bodyLimit: MAX_BODY_BYTES,
    // Per-request info logs would dominate the ingest and check hot paths; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: createLazyRequestLogger,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Node checks these deadlines only every connectionsCheckingInterval (30 s by default), and
    // without a headers deadline below the request deadline a body trickled at 1 byte/s was
    // never cut: the three together answer it 408.
    requestTimeout,
    http: { requestTimeout, headersTimeout: Math.ceil(requestTimeout / 3), connectionsCheckingInterval: Math.min(1_000, requestTimeout) },
    clientErrorHandler: handleClientError,
    frameworkErrors: handleFrameworkError,
    // Event ids are up to 128 characters, percent-encoded up to three times longer.
    routerOptions: { maxParamLength: 512 },
  });
  const observeRequest = createRequestObserver(createHttpMetrics(options.registry).requestDuration);
  // The API speaks JSON only (Slack's form bodies are read by Bolt in its own scope).
  app.removeContentTypeParser('text/plain');
  // One reading of JSON bodies, shared with the ingest workers (see json-body.ts).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    let parsed: unknown;
    try {
      parsed = parseJsonBody(body as Buffer);
    } catch (error) {
      return done(error as VigilError, undefined);
    }
    return done(null, parsed);
  });

  // The hooks that run on every request take a callback instead of returning a promise: an
  // async hook costs a promise and a microtask turn per request on the /v1/check hot path.

  // Gzip bodies are decoded before parsing, and the size limit applies to the decoded bytes.
  app.addHook('preParsing', (request, reply, payload, done) => {
    const encoding = request.headers['content-encoding']?.toLowerCase().trim();
    if (!encoding || encoding === 'identity') return done(null, payload);
    const createDecoder = DECODERS[encoding];
    if (!createDecoder) {
      reply.code(415).send(errorBody('unsupported_content_encoding', `Content-Encoding "${encoding}" is not supported; use gzip or none.`));
      return;
    }
    const decoded = payload.pipe(createDecoder()) as NodeJS.ReadWriteStream & { receivedEncodedLength?: number };
    payload.on('data', (chunk: Buffer) => {
      decoded.receivedEncodedLength = (decoded.receivedEncodedLength ?? 0) + chunk.length;
    });
    done(null, decoded as unknown as typeof payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (isVigilError(error)) {
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
    }
    const known = describeFastifyError(error);
    if (known) return reply.code(known.status).send(known.body);
    const storageCode = readStorageErrorCode(error);
    if (storageCode) {
      options.storage?.recordWriteFailure(storageCode);
      request.log.error({ err: error }, 'storage failure');
      const code = isStorageFullCode(storageCode) ? 'storage_full' : 'storage_unavailable';
      return reply
        .code(503)
        .header('retry-after', String(STORAGE_RETRY_AFTER_SECONDS))
        .send(errorBody(code, `Vigil cannot write to its database (${storageCode}); nothing was stored. Retry later.`));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('internal_error', 'Internal error; the request id is in the x-request-id header.'));
  });

  app.setNotFoundHandler(async (request, reply) => {
    // The path is named to help a caller who mistyped it, cut so a 16 KiB URL is not sent back.
    const path = request.url.split('?')[0] ?? '';
    return reply.code(404).send(errorBody('not_found', `No route ${request.method} ${path.length > 100 ? `${path.slice(0, 100)}…` : path}.`));
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  return app;
}
