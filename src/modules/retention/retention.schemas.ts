import { z } from 'zod';
import { sourceNameSchema } from '../sources/sources.config.ts';
import type { EventSubject } from '../ingestion/events-erasure.repository.ts';

// Who an erasure is about: one source, and exactly one of a user id, a session id or an
// event id (the same three the CLI takes as --user-id, --session-id, --event-id).

const identifier = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

export const erasureQuerySchema = z
  .strictObject({
    source: sourceNameSchema,
    user_id: identifier.optional(),
    session_id: identifier.optional(),
    event_id: identifier.optional(),
  })
  .refine((query) => [query.user_id, query.session_id, query.event_id].filter((value) => value !== undefined).length === 1, {
    message: 'give exactly one of user_id, session_id or event_id',
    path: ['user_id'],
  });

export function toEventSubject(query: z.infer<typeof erasureQuerySchema>): EventSubject {
  if (query.user_id !== undefined) return { userId: query.user_id };
  if (query.session_id !== undefined) return { sessionId: query.session_id };
  return { eventId: query.event_id! };
}
