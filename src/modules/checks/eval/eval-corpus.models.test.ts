import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CorpusError, parseCorpusFile, readCorpus } from './eval-corpus.models.ts';

const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/eval/', import.meta.url));
const valid = { id: 'a-1', text: 'hello', field: 'input', kind: 'injection', label: 0, category: 'benign', source: 'hand-written', path: null, licence: 'project', split: 'heldout', expect: null };

describe('parseCorpusFile', () => {
  it('reads one line per JSON object and skips blank lines', () => {
    const lines = parseCorpusFile('x.jsonl', `${JSON.stringify(valid)}\n\n`);
    expect(lines).toEqual([{ ...valid, file: 'x.jsonl' }]);
  });

  it('names the file, the line and the field of a bad line', () => {
    expect(() => parseCorpusFile('x.jsonl', `${JSON.stringify(valid)}\n${JSON.stringify({ ...valid, split: 'test' })}`)).toThrowError(/^x\.jsonl:2: split: /);
    expect(() => parseCorpusFile('x.jsonl', '{not json')).toThrowError(new CorpusError('x.jsonl:1: not valid JSON'));
    expect(() => parseCorpusFile('x.jsonl', JSON.stringify({ ...valid, label: 2 }))).toThrowError(/^x\.jsonl:1: label: /);
  });
});

describe('the committed corpus', () => {
  const lines = readCorpus(CORPUS);

  it('gives every public source one split per kind, and records a licence on every line', () => {
    const splits = new Map<string, Set<string>>();
    for (const line of lines) {
      if (line.source.startsWith('hand-written')) continue; // split by file, not by source
      const key = `${line.kind} ${line.source}`;
      splits.set(key, (splits.get(key) ?? new Set()).add(line.split));
    }
    expect([...splits].filter(([, set]) => set.size > 1)).toEqual([]);
    expect(lines.every((line) => line.licence.length > 0)).toBe(true);
  });

  it('holds out at least three public injection sources, with attacks and tricky benign texts', () => {
    const heldout = lines.filter((l) => l.kind === 'injection' && l.split === 'heldout');
    expect(new Set(heldout.filter((l) => l.source !== 'hand-written').map((l) => l.source)).size).toBeGreaterThanOrEqual(3);
    expect(heldout.filter((l) => l.category === 'tricky_benign').length).toBeGreaterThan(100);
    expect(heldout.filter((l) => l.category === 'indirect').length).toBeGreaterThan(100);
  });
});
