import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkScope } from '../api-keys/api-keys.hooks.ts';
import { toEventResponse } from './ingestion.models.ts';
import { getEvent, ingestEventBody, ingestEvents, type BatchPreparer, type IngestionDeps } from './ingestion.usecases.ts';

export const getEventQuerySchema = z.object({ source: z.string().optional() });

/** Registered inside the /v1 scope, whose onRequest hook has already authenticated the key. */
export function registerIngestionRoutes(app: FastifyInstance, deps: IngestionDeps & { batches: BatchPreparer }) {
  // In a scope of its own, /v1/events keeps its JSON body as bytes: the detector workers parse it.
  void app.register(async (events) => {
    events.removeContentTypeParser('application/json');
    events.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    events.post('/events', async (request, reply) => {
      const key = checkScope(request, 'ingest');
      const result = Buffer.isBuffer(request.body)
        ? await ingestEventBody(deps, { key, body: request.body })
        : await ingestEvents(deps, { key, body: request.body }); // no body at all: the schema's answer, as before
      return reply.code(202).send(result);
    });
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
