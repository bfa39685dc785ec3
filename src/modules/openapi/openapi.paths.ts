import type { z } from 'zod';
import { auditQuerySchema } from '../audit/audit.routes.ts';
import { checkBodySchema, guardrailQuerySchema, historyQuerySchema, killSwitchBodySchema, revertBodySchema, versionBodySchema } from '../guardrails/guardrails.schemas.ts';
import { eventBatchSchema } from '../ingestion/ingestion.schemas.ts';
import { getEventQuerySchema } from '../ingestion/ingestion.routes.ts';
import { OTLP_TRACES_ROUTE } from '../otlp/otlp.routes.ts';
import { erasureQuerySchema } from '../retention/retention.schemas.ts';
import { markBodySchema, releaseBodySchema, rollbackBodySchema } from '../releases/releases.routes.ts';
import { itemsQuerySchema, verdictsQuerySchema } from '../review/review.routes.ts';

// One entry per /v1 route: the zod schemas the handlers parse with, so the document cannot
// drift from validation. The route test fails when a registered /v1 route has no entry here.

export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** Fastify's path under /v1 (`:param` style). */
  path: string;
  summary: string;
  scope: 'ingest' | 'read' | 'admin' | 'ingest or read';
  body?: z.ZodType;
  query?: z.ZodObject;
  /** Success status → description; JSON unless `stream` says otherwise. */
  ok: Record<number, string>;
  /** The JSON answer's schema, where the route declares one. */
  response?: z.ZodType;
  stream?: string;
  /** Also takes and answers protobuf (OTLP): what the binary body is. */
  protobuf?: string;
}

export const V1_ROUTES: RouteDoc[] = [
  { method: 'post', path: '/events', summary: 'Log a batch of 1 to 1000 AI events; an event id seen before is a duplicate, not a second event', scope: 'ingest', body: eventBatchSchema, ok: { 202: 'Accepted: `{accepted, duplicates, ids}`' } },
  {
    method: 'post',
    path: OTLP_TRACES_ROUTE.url.replace(/^\/v1/, ''),
    summary: 'OTLP/HTTP traces (protobuf or JSON, gzip allowed): LLM spans become events; rejected spans are reported as OTLP partial success',
    scope: 'ingest',
    body: OTLP_TRACES_ROUTE.jsonBody,
    response: OTLP_TRACES_ROUTE.response,
    protobuf: 'An opentelemetry-proto ExportTraceServiceRequest',
    ok: { 200: 'Stored, or partly: `partialSuccess` counts the rejected spans and says why' },
  },
  { method: 'delete', path: '/events', summary: 'Erase the text of a source’s events of one user, session or event id everywhere Vigil stores it; counts, flags and verdict labels stay', scope: 'admin', query: erasureQuerySchema, ok: { 200: 'Erased: the counts of what was removed' } },
  { method: 'get', path: '/events/:id', summary: 'One event with its detector flags and grader results', scope: 'read', query: getEventQuerySchema, ok: { 200: 'The event' } },
  { method: 'post', path: '/check', summary: 'Check an output against the live guardrail before showing it: `{action, flags, redacted_output?, message?, guardrail_version}`', scope: 'ingest or read', body: checkBodySchema, ok: { 200: 'The action to take: allow, redact or block' } },
  { method: 'get', path: '/guardrails/:source', summary: 'The live guardrail; `If-None-Match` answers 304, `?wait=N` long-polls for a newer version', scope: 'read', query: guardrailQuerySchema, ok: { 200: 'The guardrail, with its ETag', 304: 'Not modified' } },
  { method: 'get', path: '/guardrails/:source/versions', summary: 'Guardrail version history, newest first', scope: 'read', query: historyQuerySchema, ok: { 200: 'Versions' } },
  { method: 'get', path: '/guardrails/:source/versions/:version', summary: 'One guardrail version', scope: 'read', ok: { 200: 'The version' } },
  { method: 'get', path: '/guardrails/:source/deliveries', summary: 'Which app instances fetched which guardrail version', scope: 'read', ok: { 200: 'Deliveries by version' } },
  { method: 'post', path: '/guardrails/:source/versions', summary: 'Publish a guardrail change as a new version', scope: 'admin', body: versionBodySchema, ok: { 201: 'Created', 200: 'Same as the live version: nothing created' } },
  { method: 'post', path: '/guardrails/:source/revert', summary: 'Make an earlier version live again (as a new version)', scope: 'admin', body: revertBodySchema, ok: { 201: 'Created', 200: 'Already live' } },
  { method: 'post', path: '/guardrails/:source/kill-switch', summary: 'Turn the kill switch on or off', scope: 'admin', body: killSwitchBodySchema, ok: { 201: 'Created', 200: 'Already in that state' } },
  { method: 'post', path: '/releases', summary: 'Register a release of a source (model, prompt version)', scope: 'ingest', body: releaseBodySchema, ok: { 201: 'Registered', 200: 'Known already, unchanged' } },
  { method: 'get', path: '/releases/:source', summary: 'Releases of a source, newest first', scope: 'read', ok: { 200: 'Releases' } },
  { method: 'post', path: '/releases/:source/:release/known-good', summary: 'Mark a release known-good (a rollback target)', scope: 'admin', body: markBodySchema, ok: { 200: 'Marked' } },
  { method: 'post', path: '/releases/:source/rollback', summary: 'Pin the source to its last known-good release', scope: 'admin', body: rollbackBodySchema, ok: { 201: 'Rolled back', 200: 'Already pinned there' } },
  { method: 'get', path: '/items', summary: 'Review items, oldest first, paged with `after`', scope: 'read', query: itemsQuerySchema, ok: { 200: '`{items, next_after}`' } },
  { method: 'get', path: '/items/:id', summary: 'One review item with its verdicts', scope: 'read', ok: { 200: 'The item' } },
  { method: 'get', path: '/verdicts', summary: 'Every verdict since a date, streamed as JSON lines', scope: 'read', query: verdictsQuerySchema, ok: { 200: 'One verdict per line' }, stream: 'application/x-ndjson' },
  { method: 'get', path: '/audit', summary: 'The audit log; `Accept: application/x-ndjson` or `text/csv` streams it', scope: 'admin', query: auditQuerySchema, ok: { 200: '`{entries, next_after_seq}`' } },
];
