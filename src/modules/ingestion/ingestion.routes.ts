import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkScope } from '../api-keys/api-keys.hooks.ts';
import { toEventResponse } from './ingestion.models.ts';
import { getEvent, ingestEvents, type IngestionDeps } from './ingestion.usecases.ts';

export const getEventQuerySchema = z.object({ source: z.string().optional() });

/** Registered inside the /v1 scope, whose onRequest hook has already authenticated the key. */
export function registerIngestionRoutes(app: FastifyInstance, deps: IngestionDeps) {
  app.post('/events', async (request, reply) => {
    const key = checkScope(request, 'ingest');
    const result = await ingestEvents(deps, { key, body: request.body });
    return reply.code(202).send(result);
  });

  app.get<{ Params: { id: string } }>('/events/:id', async (request) => {
    const key = checkScope(request, 'read');
    const { source } = getEventQuerySchema.parse(request.query);
    const event = await getEvent(deps, { key, id: request.params.id, source });
    const graders = (await deps.listGraderResults?.(event.seq)) ?? [];
    const response = toEventResponse(event);
    return {
      ...response,
      checks: {
        ...response.checks,
        graders: graders.map((g) => ({ grader: g.grader, version: g.graderVersion, score: g.score, label: g.label, reason: g.reason, hijacked: g.hijacked, cached: g.cached })),
      },
    };
  });
}
