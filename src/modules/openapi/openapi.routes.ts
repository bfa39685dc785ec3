import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from './openapi.document.ts';

/** GET /openapi.json, public like /healthz: the contract is no secret, the keys are. Built once. */
export function registerOpenApiRoutes(app: FastifyInstance, options: { version: string }) {
  const document = JSON.stringify(buildOpenApiDocument(options.version));
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(document));
}
