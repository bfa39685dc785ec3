import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkScope, checkSourceAllowed } from '../api-keys/api-keys.hooks.ts';
import type { ApiKey } from '../api-keys/api-keys.models.ts';
import { toGuardrailJson } from '../guardrails/guardrails.models.ts';
import { parseBody } from '../guardrails/guardrails.routes.ts';
import { boundedJsonObjectSchema } from '../../shared/json-depth.ts';
import { sourceNameSchema } from '../sources/sources.config.ts';
import { createUnknownReleaseSourceError } from './releases.errors.ts';
import { toReleaseJson } from './releases.models.ts';
import { checkReleaseIsKnownGood, listReleases, markKnownGood, registerRelease, rollbackRelease, type ReleasesDeps } from './releases.usecases.ts';

const label = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');
const reason = z.string().trim().min(1, 'give a reason: it is kept with the version and in the audit log').max(2000);

export const releaseBodySchema = z
  .object({
    source: sourceNameSchema,
    release: label,
    model: label.nullish(),
    prompt_version: label.nullish(),
    metadata: boundedJsonObjectSchema.nullish(),
  })
  .strict();

const rollbackBodySchema = z.object({ reason }).strict();
const markBodySchema = z.object({ reason: reason.optional() }).strict();

export interface ReleaseRoutesDeps extends ReleasesDeps {
  isKnownSource(source: string): boolean;
}

const actorOf = (key: ApiKey) => `api:${key.id}`;

function checkSource(deps: ReleaseRoutesDeps, key: ApiKey, source: string, path?: string) {
  checkSourceAllowed(key, source, path);
  if (!deps.isKnownSource(source)) throw createUnknownReleaseSourceError(source);
}

/** Registered inside the /v1 scope, whose onRequest hook has already authenticated the key. */
export function registerReleaseRoutes(app: FastifyInstance, deps: ReleaseRoutesDeps) {
  app.post('/releases', async (request, reply) => {
    const key = checkScope(request, 'ingest');
    const body = parseBody(releaseBodySchema, request.body);
    checkSource(deps, key, body.source, 'source');
    const { release, changed } = await registerRelease(deps, {
      source: body.source,
      release: body.release,
      model: body.model,
      promptVersion: body.prompt_version,
      metadata: body.metadata,
      actor: actorOf(key),
    });
    const now = deps.clock.now();
    return reply.code(changed ? 201 : 200).send({ registered: changed, ...toReleaseJson(release, now, await checkReleaseIsKnownGood(deps, release, now)) });
  });

  app.get('/releases/:source', async (request: FastifyRequest<{ Params: { source: string } }>) => {
    const key = checkScope(request, 'read');
    checkSource(deps, key, request.params.source);
    const now = deps.clock.now();
    return { releases: (await listReleases(deps, request.params.source)).map(({ release, knownGood }) => toReleaseJson(release, now, knownGood)) };
  });

  app.post('/releases/:source/:release/known-good', async (request: FastifyRequest<{ Params: { source: string; release: string } }>) => {
    const key = checkScope(request, 'admin');
    checkSource(deps, key, request.params.source);
    const body = parseBody(markBodySchema, request.body);
    const { release, alreadyMarked } = await markKnownGood(deps, { ...request.params, actor: actorOf(key), reason: body.reason });
    return { already_marked: alreadyMarked, ...toReleaseJson(release, deps.clock.now(), true) };
  });

  app.post('/releases/:source/rollback', async (request: FastifyRequest<{ Params: { source: string } }>, reply) => {
    const key = checkScope(request, 'admin');
    checkSource(deps, key, request.params.source);
    const body = parseBody(rollbackBodySchema, request.body);
    const result = await rollbackRelease(deps, { source: request.params.source, actor: actorOf(key), reason: body.reason });
    return reply.code(result.created ? 201 : 200).send({
      created: result.created,
      rolled_back_from: result.from,
      rolled_back_to: result.target.release,
      ...toGuardrailJson(result.version),
    });
  });
}
