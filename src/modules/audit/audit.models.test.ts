import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, computeAuditHash, GENESIS_HASH, verifyAuditChain, type AuditEntry } from './audit.models.ts';

type EntryContent = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

function content(n: number, details: Record<string, unknown> = { n }): EntryContent {
  return {
    id: `aud_${n}`,
    at: 1_790_000_000_000 + n,
    actor: 'slack:U123',
    action: 'verdict.changed',
    source: 'support-bot',
    subjectType: 'review_item',
    subjectId: `item_${n}`,
    details,
  };
}

/** Links entries the way the repository does, seq from 1. */
function buildChain(contents: EntryContent[]): AuditEntry[] {
  const chain: AuditEntry[] = [];
  for (const [index, entry] of contents.entries()) {
    const prevHash = chain.at(-1)?.hash ?? GENESIS_HASH;
    chain.push({ ...entry, seq: index + 1, prevHash, hash: computeAuditHash(prevHash, entry) });
  }
  return chain;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, so key order never changes the text', () => {
    const a = { b: 1, a: { d: [{ y: 1, x: 2 }], c: 'z' } };
    const b = { a: { c: 'z', d: [{ x: 2, y: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"z","d":[{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps array order, drops undefined properties and keeps null', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson({ kept: null, dropped: undefined, text: 'a"b' })).toBe('{"kept":null,"text":"a\\"b"}');
  });
});

describe('computeAuditHash', () => {
  it('is the SHA-256 of the previous hash and the canonical body', () => {
    const entry = content(1);
    const body = canonicalJson({ ...entry });
    expect(computeAuditHash(GENESIS_HASH, entry)).toBe(createHash('sha256').update(`${GENESIS_HASH}\n${body}`).digest('hex'));
  });

  it('does not depend on the key order of details but does depend on the previous hash', () => {
    const one = computeAuditHash(GENESIS_HASH, content(1, { reason: 'tone', score: 0.4 }));
    expect(computeAuditHash(GENESIS_HASH, content(1, { score: 0.4, reason: 'tone' }))).toBe(one);
    expect(computeAuditHash('f'.repeat(64), content(1, { reason: 'tone', score: 0.4 }))).not.toBe(one);
  });
});

describe('verifyAuditChain', () => {
  it('accepts an intact chain and an empty one', async () => {
    expect(await verifyAuditChain(buildChain([1, 2, 3, 4].map((n) => content(n))))).toEqual({ ok: true, checked: 4 });
    expect(await verifyAuditChain([])).toEqual({ ok: true, checked: 0 });
  });

  it('reports the entry whose content was changed after it was written', async () => {
    const chain = buildChain([1, 2, 3, 4].map((n) => content(n)));
    chain[2] = { ...chain[2]!, details: { n: 3, rewritten: true } };
    expect(await verifyAuditChain(chain)).toEqual({
      ok: false,
      checked: 2,
      brokenAt: { seq: 3, id: 'aud_3' },
      reason: 'content does not match its hash (the entry was modified)',
    });
  });

  it('reports the entry after a removed one', async () => {
    const chain = buildChain([1, 2, 3, 4].map((n) => content(n)));
    const result = await verifyAuditChain([chain[0]!, chain[2]!, chain[3]!]);
    expect(result).toMatchObject({ ok: false, checked: 1, brokenAt: { seq: 3, id: 'aud_3' } });
    expect(result.ok === false && result.reason).toContain('previous-hash link does not match');
  });

  it('reports a chain that does not start from the genesis hash', async () => {
    const chain = buildChain([1, 2].map((n) => content(n)));
    expect(await verifyAuditChain(chain.slice(1))).toMatchObject({ ok: false, checked: 0, brokenAt: { seq: 2 } });
  });

  it('reports an entry whose content and hash were both rewritten, at the entry after it', async () => {
    const chain = buildChain([1, 2, 3].map((n) => content(n)));
    const forged = { ...chain[1]!, actor: 'slack:UATTACKER' };
    chain[1] = { ...forged, hash: computeAuditHash(forged.prevHash, forged) };
    expect(await verifyAuditChain(chain)).toMatchObject({ ok: false, checked: 2, brokenAt: { seq: 3 } });
  });
});
