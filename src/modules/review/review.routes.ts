import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { toErrorDetails } from '../../shared/validation.ts';
import { ALL_SOURCES, type ApiKey } from '../api-keys/api-keys.models.ts';
import { checkScope, checkSourceAllowed } from '../api-keys/api-keys.hooks.ts';
import { sourceNameSchema } from '../sources/sources.config.ts';
import { toItemResponse, toVerdictExportLine, toVerdictResponse } from './review-api.models.ts';
import { createInvalidReviewQueryError, createReviewItemNotFoundError } from './review.errors.ts';
import { REVIEW_ITEM_STATES } from './review-items.models.ts';
import type { ReviewQueriesRepository, SourceScope } from './review-queries.repository.ts';

// Review items and verdicts for data teams, under /v1 with a `read` key. A key limited to
// some sources sees only theirs; naming another source is a 403, as in ingestion.

const sinceSchema = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-25T09:30:00Z' }).transform((value) => Date.parse(value));

export const itemsQuerySchema = z.strictObject({
  source: sourceNameSchema.optional(),
  state: z.enum(REVIEW_ITEM_STATES, { error: `must be one of ${REVIEW_ITEM_STATES.join(', ')}` }).optional(),
  since: sinceSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.coerce.number().int().min(0).optional(),
});

export const verdictsQuerySchema = z.strictObject({ since: sinceSchema.optional(), source: sourceNameSchema.optional() });

const PAGE = 500;

function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const result = schema.safeParse(query);
  if (!result.success) throw createInvalidReviewQueryError(toErrorDetails(result.error.issues));
  return result.data;
}

function resolveScope(key: ApiKey, source: string | undefined): SourceScope {
  if (source !== undefined) {
    checkSourceAllowed(key, source, 'source');
    return [source];
  }
  return key.sources.includes(ALL_SOURCES) ? 'all' : key.sources;
}

export function registerReviewRoutes(app: FastifyInstance, deps: { queries: ReviewQueriesRepository }) {
  const { queries } = deps;

  app.get('/items', async (request) => {
    const key = checkScope(request, 'read');
    const query = parseQuery(itemsQuerySchema, request.query);
    const items = await queries.listItems({ scope: resolveScope(key, query.source), state: query.state, since: query.since, limit: query.limit, afterSeq: query.after });
    const last = items.at(-1);
    return { items: items.map(toItemResponse), next_after: items.length === query.limit && last ? last.seq : null };
  });

  app.get<{ Params: { id: string } }>('/items/:id', async (request) => {
    const key = checkScope(request, 'read');
    const item = await queries.findItem(request.params.id, resolveScope(key, undefined));
    if (!item) throw createReviewItemNotFoundError(request.params.id);
    const verdicts = await queries.listVerdicts(item.id);
    return { ...toItemResponse(item), verdicts: verdicts.map(toVerdictResponse) };
  });

  /** JSONL, streamed page by page: a year of verdicts never sits in memory at once. */
  app.get('/verdicts', async (request, reply) => {
    const key = checkScope(request, 'read');
    const query = parseQuery(verdictsQuerySchema, request.query);
    const scope = resolveScope(key, query.source);
    async function* lines() {
      let after: { updatedAt: number; id: number } | undefined;
      for (;;) {
        const page = await queries.listVerdictsSince({ scope, since: query.since ?? 0, after, limit: PAGE });
        for (const row of page) yield `${toVerdictExportLine(row)}\n`;
        if (page.length < PAGE) return;
        const last = page.at(-1)!.verdict;
        after = { updatedAt: last.updatedAt, id: last.id };
      }
    }
    return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(lines()));
  });
}
