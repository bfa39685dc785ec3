import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildFieldViews } from '../views.models.ts';
import { INJECTION_RULES } from './injection-rules.models.ts';
import { expectRulePrefiltersCover } from './injection-rules.test-utils.ts';
import { createNeedleFinder } from './injection-needles.models.ts';
import { foldRegexLiterals, lowerSameLength } from './injection-scan.models.ts';
import { scoreInjection } from './injection.detector.ts';

/** Prints a measured figure in the test output (the figures are part of what these tests report). */
function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

const FIXTURES = new URL('../../../../test/fixtures/checks/', import.meta.url);

const caseSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  category: z.enum(['override', 'jailbreak', 'extraction', 'delimiter', 'indirect', 'encoded', 'obfuscated']),
  field: z.enum(['input', 'context']),
  text: z.string().min(1),
  subtle: z.boolean().optional(),
  obfuscation: z.enum(['zero_width', 'fullwidth', 'base64', 'hex', 'url']).optional(),
});
const benignSchema = z.object({ id: z.string().min(1), category: z.string().min(1), field: z.enum(['input', 'context']), text: z.string().min(1) });

function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  return readFileSync(new URL(path, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => schema.parse(JSON.parse(line)));
}

const cases = readJsonl('injection/cases.jsonl', caseSchema);
const benign = readJsonl('benign/trigger-words.jsonl', benignSchema);
const scored = (items: { field: 'input' | 'context'; text: string }[]) => items.map((item) => scoreInjection(buildFieldViews(item.field, item.text).views).score);

describe('injection detector on the public injection set and the benign trigger-word set', () => {
  it('has at least 80 attacks from cited sources and 100 benign texts', () => {
    const readme = readFileSync(new URL('injection/README.md', FIXTURES), 'utf8');
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(benign.length).toBeGreaterThanOrEqual(100);
    for (const source of new Set(cases.map((c) => c.source))) expect(readme).toContain(`\`${source}\``);
    expect(new Set(cases.flatMap((c) => (c.obfuscation ? [c.obfuscation] : [])))).toEqual(new Set(['zero_width', 'fullwidth', 'base64', 'hex', 'url']));
  });

  it('flags at most 2% of the benign texts at 0.5', () => {
    const scores = scored(benign);
    const flagged = benign.filter((_, i) => (scores[i] ?? 0) >= 0.5);
    const rate = flagged.length / benign.length;
    report(`injection false-positive rate at 0.5: ${flagged.length}/${benign.length} = ${(rate * 100).toFixed(1)}% [${flagged.map((b) => b.id).join(', ')}]`);
    expect(rate).toBeLessThanOrEqual(0.02);
  });

  it('recalls at least 85% of the attacks at 0.5, obfuscated variants included', () => {
    const scores = scored(cases);
    const missed = cases.filter((_, i) => (scores[i] ?? 0) < 0.5);
    const recall = 1 - missed.length / cases.length;
    const obfuscated = cases.filter((c) => c.obfuscation !== undefined);
    const obfuscatedHits = obfuscated.filter((c) => (scores[cases.indexOf(c)] ?? 0) >= 0.5);
    report(`injection recall at 0.5: ${cases.length - missed.length}/${cases.length} = ${(recall * 100).toFixed(1)}%; obfuscated ${obfuscatedHits.length}/${obfuscated.length}; missed [${missed.map((c) => c.id).join(', ')}]`);
    expect(recall).toBeGreaterThanOrEqual(0.85);
    expect(obfuscatedHits.length).toBe(obfuscated.length);
  });

});

describe('injection rule prefilters', () => {
  it('never skip a text that the rule would match (checked on every fixture text and view)', () => {
    const texts = [...cases, ...benign].flatMap((item) => buildFieldViews(item.field, item.text).views.map((view) => view.text));
    expectRulePrefiltersCover(texts);
  });

  it('find exactly the needles a text contains, overlapping and nested ones included', () => {
    const needles = [...new Set(INJECTION_RULES.flatMap((rule) => rule.needs)), 'ab', 'bc', 'abc', 'secure system'];
    const find = createNeedleFinder(needles);
    const texts = ['xabcx', 'a secure system', ...[...cases, ...benign].map((item) => lowerSameLength(item.text))];
    for (const text of texts) expect([...find(text)].sort()).toEqual([...new Set(needles.filter((n) => text.includes(n)))].sort());
  });

  it('fold regex literals to lower case and leave escapes alone', () => {
    expect(foldRegexLiterals(String.raw`\bIgnore\s+\p{L}+ALL\S\u{1F600}[A-Z]`)).toBe(String.raw`\bignore\s+\p{L}+all\S\u{1F600}[a-z]`);
    expect(lowerSameLength('İSTANBUL')).toHaveLength('İSTANBUL'.length);
  });
});
