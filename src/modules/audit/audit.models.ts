import { createHash } from 'node:crypto';

export interface AuditEntryInput {
  /** Who did it: `slack:U123`, `api:key_01…`, `cli:alice`, `system`. */
  actor: string;
  /** What was done, as `<module>.<verb>`: `api_key.created`, `verdict.changed`, `guardrail.version_created`… */
  action: string;
  source?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  id: string;
  at: number;
  actor: string;
  action: string;
  source: string | null;
  subjectType: string | null;
  subjectId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with keys sorted at every level, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function computeAuditHash(prevHash: string, entry: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>): string {
  const { id, at, actor, action, source, subjectType, subjectId, details } = entry;
  const body = canonicalJson({ id, at, actor, action, source, subjectType, subjectId, details });
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

export type ChainVerification =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: { seq: number; id: string }; reason: string };

/**
 * Walks the chain in order and reports the first entry whose link or content does not match. A page
 * reader may feed the entries asynchronously, so a long chain is never held whole.
 */
export async function verifyAuditChain(entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>): Promise<ChainVerification> {
  let expectedPrev = GENESIS_HASH;
  let checked = 0;
  for await (const entry of entries) {
    if (entry.prevHash !== expectedPrev) {
      return { ok: false, checked, brokenAt: { seq: entry.seq, id: entry.id }, reason: 'previous-hash link does not match (an entry before it was removed or changed)' };
    }
    if (computeAuditHash(entry.prevHash, entry) !== entry.hash) {
      return { ok: false, checked, brokenAt: { seq: entry.seq, id: entry.id }, reason: 'content does not match its hash (the entry was modified)' };
    }
    expectedPrev = entry.hash;
    checked++;
  }
  return { ok: true, checked };
}
