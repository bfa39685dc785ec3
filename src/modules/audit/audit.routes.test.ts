import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDb, type TestDb } from '../../platform/db.test-utils.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { buildServer } from '../../platform/server.ts';
import { createFakeClock } from '../../shared/clock.ts';
import type { ApiKey } from '../api-keys/api-keys.models.ts';
import { createAuditRepository } from './audit.repository.ts';
import { parseAuditSince, registerAuditRoutes, toAuditCsvLine, toCsvCell } from './audit.routes.ts';

const START = Date.parse('2026-11-25T09:00:00Z');

describe('audit export formats', () => {
  it('parses ISO dates, date-times and epoch milliseconds, and nothing else', () => {
    expect(parseAuditSince('2026-11-25')).toBe(START - 9 * 3_600_000);
    expect(parseAuditSince('2026-11-25T09:00:00Z')).toBe(START);
    expect(parseAuditSince('2026-11-25T10:00:00+01:00')).toBe(START);
    expect(parseAuditSince(String(START))).toBe(START);
    expect(parseAuditSince('yesterday')).toBeUndefined();
    expect(parseAuditSince('2026-13-45')).toBeUndefined();
  });

  it('quotes CSV cells per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(toCsvCell('plain')).toBe('plain');
    expect(toCsvCell('a,b "c"\nd')).toBe('"a,b ""c""\nd"');
    expect(toCsvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(toCsvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(toCsvCell(null)).toBe('');
    expect(toCsvCell({ b: 1 })).toBe('"{""b"":1}"');
    expect(toCsvCell(42)).toBe('42');
  });

  it('writes one CSV line per entry with every column', () => {
    const line = toAuditCsvLine({
      seq: 7, id: 'aud_1', at: START, actor: 'slack:U1', action: 'guardrail.version_created', source: 'support-bot', subjectType: 'guardrail', subjectId: 'support-bot-v3',
      details: { reason: 'too, lenient' }, prevHash: 'a'.repeat(64), hash: 'b'.repeat(64),
    });
    expect(line).toBe(`7,aud_1,2026-11-25T09:00:00.000Z,${START},slack:U1,guardrail.version_created,support-bot,guardrail,support-bot-v3,"{""reason"":""too, lenient""}",${'a'.repeat(64)},${'b'.repeat(64)}\n`);
  });
});

describe('GET /v1/audit', () => {
  let database: TestDb;
  let http: FastifyInstance;
  let key: ApiKey;

  beforeEach(async () => {
    database = await createTestDb();
    const clock = createFakeClock(START);
    const auditRepository = createAuditRepository({ db: database.db, clock });
    for (const [n, source] of [[1, 'support-bot'], [2, 'billing-bot'], [3, null], [4, 'support-bot']] as const) {
      await auditRepository.append({ actor: 'cli:alice', action: 'test.appended', source, details: { n } });
      clock.advance(1000);
    }
    http = buildServer({ logger: createLogger({ level: 'silent' }), registry: createMetricsRegistry({ collectDefaults: false }) });
    key = { id: 'key_1', name: 'k', prefix: 'vgl_', scopes: ['admin'], sources: ['*'], createdBy: 't', createdAt: 0, revokedAt: null };
    http.addHook('onRequest', async (request) => {
      request.apiKey = key;
    });
    registerAuditRoutes(http, { auditRepository });
    await http.ready();
  });
  afterEach(async () => {
    await http.close();
    await database.close();
  });

  it('pages JSON from a time and a sequence cursor', async () => {
    const first = (await http.inject({ url: `/audit?since=${new Date(START + 1000).toISOString()}&limit=2` })).json();
    expect(first.entries.map((entry: { seq: number }) => entry.seq)).toEqual([2, 3]);
    expect(first.next_after_seq).toBe(3);
    const next = (await http.inject({ url: '/audit?after_seq=3' })).json();
    expect(next.entries.map((entry: { details: { n: number } }) => entry.details.n)).toEqual([4]);
  });

  it('streams NDJSON and CSV, and shows a key limited to one source only that source', async () => {
    const ndjson = await http.inject({ url: '/audit', headers: { accept: 'application/x-ndjson' } });
    expect(ndjson.body.trim().split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([1, 2, 3, 4]);
    key = { ...key, sources: ['support-bot'] };
    const csv = await http.inject({ url: '/audit', headers: { accept: 'text/csv' } });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csv.body.trim().split('\n');
    expect(rows[0]).toBe('seq,id,at,at_ms,actor,action,source,subject_type,subject_id,details,prev_hash,hash');
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(['1', '4']);
  });

  it('refuses a key without the admin scope and a bad query', async () => {
    expect((await http.inject({ url: '/audit?limit=0' })).json().error.details[0].path).toBe('limit');
    key = { ...key, scopes: ['read'] };
    expect((await http.inject({ url: '/audit' })).statusCode).toBe(403);
  });
});
