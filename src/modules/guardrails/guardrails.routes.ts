import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { toErrorDetails } from '../../shared/validation.ts';
import { checkScope, checkSourceAllowed } from '../api-keys/api-keys.hooks.ts';
import { hasScope, type ApiKey } from '../api-keys/api-keys.models.ts';
import { createMissingApiKeyError } from '../api-keys/api-keys.errors.ts';
import type { CheckAction } from './guardrail-evaluation.models.ts';
import { createGuardrailVersionNotFoundError, createInvalidGuardrailRequestError, createMissingCheckScopeError, createUnknownGuardrailSourceError } from './guardrails.errors.ts';
import { parseGuardrailEtag, toGuardrailJson, type GuardrailVersion } from './guardrails.models.ts';
import type { LiveGuardrails, CompiledGuardrail } from './guardrails-live.usecases.ts';
import type { GuardrailChecker } from './guardrails-check.usecases.ts';
import { createPlainCheckBodyReader } from './guardrails-check.schemas.ts';
import { createGuardrailVersion, revertGuardrailVersion, setKillSwitch, type GuardrailsDeps, type VersionResult } from './guardrails.usecases.ts';
import {
  checkBodySchema,
  guardrailQuerySchema,
  historyQuerySchema,
  killSwitchBodySchema,
  revertBodySchema,
  versionBodySchema,
  versionParamsSchema,
} from './guardrails.schemas.ts';

export interface GuardrailRoutesDeps {
  live: LiveGuardrails;
  checker: GuardrailChecker;
  versions: GuardrailsDeps;
  listDeliveries(source: string, versions: GuardrailVersion[]): Promise<Record<number, unknown>>;
  onChecked?(source: string, action: CheckAction): void;
}

type SourceRequest = FastifyRequest<{ Params: { source: string } }>;

export function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw createInvalidGuardrailRequestError(toErrorDetails(result.error.issues));
  return result.data;
}

const actorOf = (key: ApiKey) => `api:${key.id}`;

/** The source's live guardrail, once the key may use it. */
function readSource(deps: GuardrailRoutesDeps, key: ApiKey, source: string): CompiledGuardrail {
  checkSourceAllowed(key, source);
  const guardrail = deps.live.get(source);
  if (!guardrail) throw createUnknownGuardrailSourceError(source);
  return guardrail;
}

function sendGuardrail(reply: FastifyReply, guardrail: CompiledGuardrail) {
  return reply.header('etag', guardrail.etag).header('cache-control', 'no-cache').type('application/json; charset=utf-8').send(guardrail.json);
}

function sendVersionResult(reply: FastifyReply, result: VersionResult) {
  return reply.code(result.created ? 201 : 200).send({ created: result.created, ...toGuardrailJson(result.version) });
}

/** Registered inside the /v1 scope, whose onRequest hook has already authenticated the key. */
export function registerGuardrailRoutes(app: FastifyInstance, deps: GuardrailRoutesDeps) {
  const readPlainCheckBody = createPlainCheckBodyReader();
  app.post('/check', async (request) => {
    const key = request.apiKey;
    if (!key) throw createMissingApiKeyError();
    if (!hasScope(key, 'ingest') && !hasScope(key, 'read')) throw createMissingCheckScopeError();
    const body = readPlainCheckBody(request.body) ?? parseBody(checkBodySchema, request.body);
    checkSourceAllowed(key, body.source, 'source');
    const outcome = await deps.checker.check(body);
    deps.onChecked?.(body.source, outcome.action);
    return outcome;
  });

  // ETag + If-None-Match → 304; with ?wait=N the answer waits until a newer version exists.
  app.get('/guardrails/:source', async (request: SourceRequest, reply) => {
    const key = checkScope(request, 'read');
    const { wait } = parseBody(guardrailQuerySchema, request.query);
    const guardrail = readSource(deps, key, request.params.source);
    const known = parseGuardrailEtag(request.headers['if-none-match'], request.params.source);
    if (known === undefined || guardrail.version.version > known) return sendGuardrail(reply, guardrail);
    if (wait) {
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      const newer = await deps.live.waitForNewer(request.params.source, known, wait * 1000, gone.signal);
      if (newer) return sendGuardrail(reply, newer);
    }
    return reply.code(304).header('etag', deps.live.get(request.params.source)?.etag ?? guardrail.etag).send();
  });

  app.get('/guardrails/:source/versions', async (request: SourceRequest) => {
    const key = checkScope(request, 'read');
    readSource(deps, key, request.params.source);
    const query = parseBody(historyQuerySchema, request.query);
    const versions = await deps.versions.repository.list(request.params.source, { limit: query.limit, beforeVersion: query.before });
    return { versions: versions.map(toGuardrailJson) };
  });

  app.get('/guardrails/:source/versions/:version', async (request) => {
    const key = checkScope(request, 'read');
    const params = parseBody(versionParamsSchema, request.params);
    readSource(deps, key, params.source);
    const version = await deps.versions.repository.findVersion(params.source, params.version);
    if (!version) throw createGuardrailVersionNotFoundError(params.source, params.version);
    const deliveries = await deps.listDeliveries(params.source, [version]);
    return { ...toGuardrailJson(version), webhook: deliveries[version.version] ?? null };
  });

  app.get('/guardrails/:source/deliveries', async (request: SourceRequest) => {
    const key = checkScope(request, 'read');
    readSource(deps, key, request.params.source);
    const versions = (await deps.versions.repository.list(request.params.source, { limit: 50 })).filter((v) => v.webhookOutboxId);
    const deliveries = await deps.listDeliveries(request.params.source, versions);
    return { deliveries: versions.map((v) => ({ version: v.version, kind: v.kind, webhook: deliveries[v.version] ?? null })) };
  });

  app.post('/guardrails/:source/versions', async (request: SourceRequest, reply) => {
    const key = checkScope(request, 'admin');
    readSource(deps, key, request.params.source);
    const body = parseBody(versionBodySchema, request.body);
    return sendVersionResult(reply, await createGuardrailVersion(deps.versions, { source: request.params.source, change: body.change, actor: actorOf(key), reason: body.reason }));
  });

  app.post('/guardrails/:source/revert', async (request: SourceRequest, reply) => {
    const key = checkScope(request, 'admin');
    readSource(deps, key, request.params.source);
    const body = parseBody(revertBodySchema, request.body);
    return sendVersionResult(reply, await revertGuardrailVersion(deps.versions, { source: request.params.source, version: body.version, actor: actorOf(key), reason: body.reason }));
  });

  app.post('/guardrails/:source/kill-switch', async (request: SourceRequest, reply) => {
    const key = checkScope(request, 'admin');
    readSource(deps, key, request.params.source);
    const body = parseBody(killSwitchBodySchema, request.body);
    return sendVersionResult(reply, await setKillSwitch(deps.versions, { source: request.params.source, ...body, actor: actorOf(key) }));
  });
}
