import type { FastifyInstance } from 'fastify';
import { toErrorDetails } from '../../shared/validation.ts';
import { checkScope, checkSourceAllowed } from '../api-keys/api-keys.hooks.ts';
import { createInvalidErasureError, createUnknownErasureSourceError } from './retention.errors.ts';
import { erasureQuerySchema, toEventSubject } from './retention.schemas.ts';
import { eraseEvents, type RetentionDeps } from './retention.usecases.ts';

export interface RetentionRoutesDeps extends RetentionDeps {
  isKnownSource(source: string): boolean;
}

/** Registered inside the /v1 scope, whose onRequest hook has already authenticated the key. */
export function registerRetentionRoutes(app: FastifyInstance, deps: RetentionRoutesDeps) {
  // DELETE /v1/events?source=S&user_id=U (or session_id, or event_id): a data-subject erasure.
  app.delete('/events', async (request) => {
    const key = checkScope(request, 'admin');
    const parsed = erasureQuerySchema.safeParse(request.query);
    if (!parsed.success) throw createInvalidErasureError(toErrorDetails(parsed.error.issues));
    checkSourceAllowed(key, parsed.data.source);
    if (!deps.isKnownSource(parsed.data.source)) throw createUnknownErasureSourceError(parsed.data.source);
    const erased = await eraseEvents(deps, { source: parsed.data.source, subject: toEventSubject(parsed.data), actor: `api:${key.id}` });
    return { erased };
  });
}
