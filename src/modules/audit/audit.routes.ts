import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createErrorFactory } from '../../platform/errors.ts';
import { toErrorDetails } from '../../shared/validation.ts';
import { checkScope } from '../api-keys/api-keys.hooks.ts';
import { ALL_SOURCES, type ApiKey } from '../api-keys/api-keys.models.ts';
import type { AuditEntry } from './audit.models.ts';
import type { AuditRepository } from './audit.repository.ts';

// GET /v1/audit for auditors and SIEM collectors: JSON pages, or the whole range as NDJSON
// (`Accept: application/x-ndjson`) or CSV (`Accept: text/csv`), streamed page by page.
// `vigil audit export` writes the same JSONL and CSV.

const PAGE_SIZE = 1000;
const MAX_JSON_LIMIT = 10_000;

const createInvalidAuditQueryError = createErrorFactory({
  code: 'audit.invalid_query',
  statusCode: 400,
  message: 'The query is invalid; see details.',
  details: (details: { path: string; message: string }[]) => details,
});

/** An ISO 8601 date or date-time, or epoch milliseconds. */
export function parseAuditSince(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

const sinceSchema = z.string().transform((value, context) => {
  const at = parseAuditSince(value);
  if (at === undefined) context.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or date-time (2026-11-25T09:00:00Z) or epoch milliseconds' });
  return at ?? 0;
});
const countSchema = (max: number) => z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(1).max(max));

export const auditQuerySchema = z
  .object({
    since: sinceSchema.optional(),
    after_seq: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).optional(),
    limit: countSchema(MAX_JSON_LIMIT).optional(),
    source: z.string().min(1).optional(),
  })
  .strip();

/** The public shape of an entry (API and `vigil audit export`); `at_ms` is the hashed value of `at`. */
export function toAuditEntryJson(entry: AuditEntry) {
  return {
    seq: entry.seq,
    id: entry.id,
    at: new Date(entry.at).toISOString(),
    at_ms: entry.at,
    actor: entry.actor,
    action: entry.action,
    source: entry.source,
    subject_type: entry.subjectType,
    subject_id: entry.subjectId,
    details: entry.details,
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

export const AUDIT_CSV_COLUMNS = ['seq', 'id', 'at', 'at_ms', 'actor', 'action', 'source', 'subject_type', 'subject_id', 'details', 'prev_hash', 'hash'] as const;

/**
 * RFC 4180 quoting, and a leading `'` on a cell a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR): actors, subjects and reasons are user-controlled (OWASP CSV injection).
 */
export function toCsvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toAuditCsvLine(entry: AuditEntry): string {
  const json = toAuditEntryJson(entry);
  return `${AUDIT_CSV_COLUMNS.map((column) => toCsvCell(json[column])).join(',')}\n`;
}

export interface AuditPageFilter {
  since?: number;
  afterSeq?: number;
  source?: string;
}

/** Entries in sequence order, page by page, so an export never holds the whole log. */
export async function* readAuditEntries(repository: AuditRepository, filter: AuditPageFilter, limit = Infinity): AsyncGenerator<AuditEntry> {
  let afterSeq = filter.afterSeq ?? 0;
  let left = limit;
  while (left > 0) {
    const page = await repository.list({ since: filter.since, afterSeq, source: filter.source, limit: Math.min(PAGE_SIZE, left) });
    yield* page;
    left -= page.length;
    if (page.length < PAGE_SIZE) return;
    afterSeq = page[page.length - 1]!.seq;
  }
}

/** A key limited to some sources sees only their entries; entries of no source need a key for every source. */
function isVisibleTo(key: ApiKey, entry: AuditEntry): boolean {
  return key.sources.includes(ALL_SOURCES) || (entry.source !== null && key.sources.includes(entry.source));
}

export function registerAuditRoutes(app: FastifyInstance, deps: { auditRepository: AuditRepository }) {
  app.get('/audit', async (request, reply) => {
    const key = checkScope(request, 'admin');
    const parsed = auditQuerySchema.safeParse(request.query ?? {});
    if (!parsed.success) throw createInvalidAuditQueryError(toErrorDetails(parsed.error.issues));
    const { since, after_seq: afterSeq, limit, source } = parsed.data;
    const filter = { since, afterSeq, source };
    const accept = request.headers.accept ?? '';
    const streamed = accept.includes('application/x-ndjson') ? 'ndjson' : accept.includes('text/csv') ? 'csv' : undefined;
    if (streamed) {
      const lines = async function* () {
        if (streamed === 'csv') yield `${AUDIT_CSV_COLUMNS.join(',')}\n`;
        for await (const entry of readAuditEntries(deps.auditRepository, filter, limit ?? Infinity)) {
          if (!isVisibleTo(key, entry)) continue;
          yield streamed === 'csv' ? toAuditCsvLine(entry) : `${JSON.stringify(toAuditEntryJson(entry))}\n`;
        }
      };
      return reply.type(streamed === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson').send(Readable.from(lines()));
    }
    const entries: AuditEntry[] = [];
    let lastSeq: number | null = null;
    for await (const entry of readAuditEntries(deps.auditRepository, filter, limit ?? PAGE_SIZE)) {
      lastSeq = entry.seq;
      if (isVisibleTo(key, entry)) entries.push(entry);
    }
    return { entries: entries.map(toAuditEntryJson), next_after_seq: lastSeq };
  });
}
