import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Detection } from '../checks.models.ts';
import { buildFieldViews } from '../views.models.ts';
import { EXTRA_SECRET_KINDS, findExtraSecrets } from './secrets-patterns.models.ts';
import { runSecretlint, SECRETLINT_KINDS } from './secrets-secretlint.models.ts';
import { createSecretsDetector, isSecretCandidate } from './secrets.detector.ts';

const CASES_URL = new URL('../../../../test/fixtures/checks/secrets/cases.jsonl', import.meta.url);

const caseSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  expected: z.array(z.object({ kind: z.string(), match: z.string().min(1) })),
  note: z.string(),
  source: z.string().min(1),
});
type SecretCase = z.infer<typeof caseSchema>;

const cases: SecretCase[] = readFileSync(CASES_URL, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => caseSchema.parse(JSON.parse(line)));

const benign = cases.filter((c) => c.id.startsWith('benign-'));
const detector = createSecretsDetector();
const detectionsById = new Map<string, Detection[]>();

beforeAll(async () => {
  for (const c of cases) detectionsById.set(c.id, await detector.detect([buildFieldViews('output', c.text)]));
});

interface KindScore {
  tp: number;
  fp: number;
  fn: number;
}

/** Exact-span scoring: a detection counts only with the expected kind on exactly the expected text. */
function scoreByKind(): Map<string, KindScore> {
  const scores = new Map<string, KindScore>();
  const of = (kind: string): KindScore => {
    const score = scores.get(kind) ?? { tp: 0, fp: 0, fn: 0 };
    scores.set(kind, score);
    return score;
  };
  for (const c of cases) {
    const unmatched = [...(detectionsById.get(c.id) ?? [])];
    for (const expected of c.expected) {
      const start = c.text.indexOf(expected.match);
      const at = unmatched.findIndex((d) => d.kind === expected.kind && d.start === start && d.end === start + expected.match.length);
      if (at === -1) of(expected.kind).fn++;
      else {
        of(expected.kind).tp++;
        unmatched.splice(at, 1);
      }
    }
    // Info detections (placeholder credentials) are recorded, not flagged: only a flag can be a false positive.
    for (const extra of unmatched) if (extra.severity !== 'info') of(extra.kind).fp++;
  }
  return scores;
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 1 : part / whole);

describe('secrets fixtures', () => {
  it('holds about 120 well-formed cases, 40 or more of them benign, with unambiguous matches', () => {
    expect(cases.length).toBeGreaterThanOrEqual(120);
    expect(benign.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      for (const { match } of c.expected) expect(c.text.indexOf(match), c.id).toBe(c.text.lastIndexOf(match));
    }
  });

  it('has a true positive for every kind the detector claims', () => {
    const covered = new Set(cases.flatMap((c) => c.expected.map((e) => e.kind)));
    for (const kind of [...SECRETLINT_KINDS, ...EXTRA_SECRET_KINDS]) expect(covered.has(kind), kind).toBe(true);
  });

  it('reaches 0.9 precision and recall overall, scored per kind on exact spans', async ({ annotate }) => {
    const scores = scoreByKind();
    const rows = [...scores].sort(([a], [b]) => a.localeCompare(b));
    const table = rows.map(([kind, s]) =>
      [kind.padEnd(34), String(s.tp).padStart(3), String(s.fp).padStart(3), String(s.fn).padStart(3),
        ratio(s.tp, s.tp + s.fp).toFixed(2).padStart(6), ratio(s.tp, s.tp + s.fn).toFixed(2).padStart(6)].join(' '),
    );
    const total = rows.reduce((sum, [, s]) => ({ tp: sum.tp + s.tp, fp: sum.fp + s.fp, fn: sum.fn + s.fn }), { tp: 0, fp: 0, fn: 0 });
    const precision = ratio(total.tp, total.tp + total.fp);
    const recall = ratio(total.tp, total.tp + total.fn);
    await annotate(
      ['kind'.padEnd(34) + '  TP  FP  FN      P      R', ...table,
        `${'overall'.padEnd(34)} ${String(total.tp).padStart(3)} ${String(total.fp).padStart(3)} ${String(total.fn).padStart(3)} ${precision.toFixed(2).padStart(6)} ${recall.toFixed(2).padStart(6)}`].join('\n'),
    );
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('maps obfuscated keys to the exact original span, hidden characters included', () => {
    for (const c of cases.filter((each) => each.id.startsWith('obf-'))) {
      const spans = (detectionsById.get(c.id) ?? []).map((d) => `${d.kind}:${c.text.slice(d.start, d.end)}`);
      expect(spans, c.id).toEqual(c.expected.map((e) => `${e.kind}:${e.match}`));
    }
  });

  it('reports nothing on benign answers', () => {
    for (const c of benign) expect(detectionsById.get(c.id), c.id).toEqual([]);
  });

  it('lets through every view in which secretlint or an extra pattern finds something', async () => {
    let flagged = 0;
    for (const c of cases) {
      for (const view of buildFieldViews('output', c.text).views) {
        const found = (await runSecretlint(view.text)).length + findExtraSecrets(view.text).length;
        if (found === 0) continue;
        flagged++;
        expect(isSecretCandidate(view.text), `${c.id} (${view.name})`).toBe(true);
      }
    }
    expect(flagged).toBeGreaterThan(60);
  });

  it('lets at most a tenth of benign answers through to secretlint', async ({ annotate }) => {
    const joined = benign.map((c) => c.text).join('\n');
    const kilobytes = Array.from({ length: 20 }, (_, i) => joined.slice(i * 512, i * 512 + 1024)).filter((t) => t.length === 1024);
    for (let i = 0; i < 200; i++) for (const text of kilobytes) isSecretCandidate(text);
    const rounds = 300;
    const started = process.cpuUsage();
    for (let i = 0; i < rounds; i++) for (const text of kilobytes) isSecretCandidate(text);
    const used = process.cpuUsage(started);
    const microsPerKb = (used.user + used.system) / (rounds * kilobytes.length);

    const passes = (c: SecretCase): boolean => buildFieldViews('output', c.text).views.some((view) => isSecretCandidate(view.text));
    const benignShare = benign.filter(passes).length / benign.length;
    const nearMisses = cases.filter((c) => c.id.startsWith('near-'));
    const nearShare = nearMisses.filter(passes).length / nearMisses.length;

    const candidates = cases.filter(passes);
    const lintStarted = process.cpuUsage();
    for (const c of candidates) await runSecretlint(c.text);
    const lintUsed = process.cpuUsage(lintStarted);
    const lintMs = (lintUsed.user + lintUsed.system) / 1000 / candidates.length;

    await annotate(
      [`prefilter: ${microsPerKb.toFixed(2)} µs CPU per 1 KB benign text`,
        `prefilter pass-through: benign ${(benignShare * 100).toFixed(1)}% (${benign.length} texts), near misses ${(nearShare * 100).toFixed(1)}% (${nearMisses.length})`,
        `secretlint: ${lintMs.toFixed(3)} ms CPU per candidate fixture text (${candidates.length} candidates)`].join('\n'),
    );
    // Timing figures are reported, not asserted: throughput is measured by `npm run bench:checks`.
    expect(benignShare).toBeLessThanOrEqual(0.1);
  });
});
