import { describe, expect, it } from 'vitest';
import type { Detection } from '../checks.models.ts';
import type { CorpusLine } from './eval-corpus.models.ts';
import { buildScorerCurves, countRecords, recallAtFpr, type EvalRecord } from './eval-metrics.models.ts';
import { buildEvalReport } from './eval-report.models.ts';
import { isFlagged } from './eval-run.usecases.ts';

function corpusLine(overrides: Partial<CorpusLine>): CorpusLine {
  return { id: 'x', text: 't', field: 'input', kind: 'injection', label: 1, category: 'direct_override', source: 's', licence: 'MIT', split: 'heldout', expect: null, file: 'f.jsonl', ...overrides };
}

function detection(overrides: Partial<Detection>): Detection {
  return { detector: 'injection', kind: 'jailbreak', field: 'input', score: 0.6, severity: 'warn', start: 0, end: 1, evidence: 'e', ...overrides };
}

describe('recallAtFpr', () => {
  it('flags above the highest negative it may not flag', () => {
    const negatives = [0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1];
    // 10 % of 10 negatives = 1 may be flagged: threshold is the second highest, 0.5.
    expect(recallAtFpr([0.95, 0.6, 0.5, 0.2], negatives, 0.1)).toEqual({ recall: 0.5, threshold: 0.5 });
    // 1 % of 10 = 0 may be flagged: threshold 0.9.
    expect(recallAtFpr([0.95, 0.6], negatives, 0.01)).toEqual({ recall: 0.5, threshold: 0.9 });
  });

  it('has no figure without positives or negatives', () => {
    expect(recallAtFpr([], [0.1], 0.05)).toBeNull();
    expect(recallAtFpr([0.1], [], 0.05)).toBeNull();
  });
});

describe('countRecords', () => {
  it('gives recall over positives, FPR over negatives and precision over everything flagged', () => {
    const records: EvalRecord[] = [
      { line: corpusLine({ label: 1 }), flagged: true },
      { line: corpusLine({ label: 1 }), flagged: false },
      { line: corpusLine({ label: 0 }), flagged: true },
      { line: corpusLine({ label: 0 }), flagged: false },
      { line: corpusLine({ label: 0 }), flagged: false },
      { line: corpusLine({ label: 0 }), flagged: false },
    ];
    expect(countRecords(records)).toMatchObject({ positives: 2, caught: 1, negatives: 4, flagged: 1, recall: 0.5, fpr: 0.25, precision: 0.5 });
  });
});

describe('buildScorerCurves', () => {
  it('measures the FPR on tricky benign texts only', () => {
    const records: EvalRecord[] = [
      { line: corpusLine({ label: 1 }), flagged: true, scores: { model: 0.9 } },
      { line: corpusLine({ label: 0, category: 'tricky_benign' }), flagged: false, scores: { model: 0.2 } },
      { line: corpusLine({ label: 0, category: 'benign' }), flagged: true, scores: { model: 0.95 } },
    ];
    expect(buildScorerCurves(records, ['model'])[0]!.atFpr01).toEqual({ recall: 1, threshold: 0.2 });
  });
});

describe('isFlagged', () => {
  it('counts an injection line flagged by any injection detection at warn or above', () => {
    const line = corpusLine({});
    expect(isFlagged(line, [detection({ severity: 'warn' })])).toBe(true);
    expect(isFlagged(line, [detection({ severity: 'info' })])).toBe(false);
    expect(isFlagged(line, [detection({ field: 'context' })])).toBe(false);
  });

  it('counts a leak line only for the expected detector and kind', () => {
    const line = corpusLine({ kind: 'pii', field: 'output', category: 'phone', expect: { detector: 'pii', kind: 'phone' } });
    expect(isFlagged(line, [detection({ detector: 'pii', kind: 'email', field: 'output' })])).toBe(false);
    expect(isFlagged(line, [detection({ detector: 'pii', kind: 'phone', field: 'output' })])).toBe(true);
    const placeholder = corpusLine({ kind: 'secret', field: 'output', label: 0, category: 'placeholder_credential', expect: { detector: 'secrets', kind: 'generic_secret' } });
    expect(isFlagged(placeholder, [detection({ detector: 'secrets', kind: 'generic_secret', field: 'output', severity: 'info' })])).toBe(false);
  });
});

describe('buildEvalReport', () => {
  it('prints held-out figures before in-sample ones, and both in the JSON summary', () => {
    const records: EvalRecord[] = [
      { line: corpusLine({ split: 'train', source: 'a' }), flagged: true, scores: { rules: 1, model: 1, combined: 1 } },
      { line: corpusLine({ split: 'heldout', source: 'b' }), flagged: false, scores: { rules: 0, model: 0.2, combined: 0.2 } },
    ];
    const report = buildEvalReport(records, ['rules', 'model', 'combined']);
    const heldout = report.lines.findIndex((l) => l.startsWith('== HELD-OUT'));
    const inSample = report.lines.findIndex((l) => l.startsWith('== IN-SAMPLE'));
    expect(heldout).toBeGreaterThanOrEqual(0);
    expect(inSample).toBeGreaterThan(heldout);
    expect(report.summary).toMatchObject({ heldout: { injection: { overall: { recall: 0 } } }, in_sample: { injection: { overall: { recall: 1 } } } });
  });
});

describe('buildEvalReport: injection in answers', () => {
  it('reports answer lines apart, so they move neither the input and context rows nor their ALL', () => {
    const records: EvalRecord[] = [
      { line: corpusLine({ field: 'context', category: 'indirect' }), flagged: false },
      { line: corpusLine({ field: 'output', category: 'indirect' }), flagged: true },
      { line: corpusLine({ field: 'output', category: 'benign', label: 0 }), flagged: false },
    ];
    const heldout = buildEvalReport(records, []).summary.heldout as Record<string, { overall: { positives: number; caught: number; negatives: number } }>;
    expect(heldout.injection?.overall).toMatchObject({ positives: 1, caught: 0, negatives: 0 });
    expect(heldout.injection_output?.overall).toMatchObject({ positives: 1, caught: 1, negatives: 1 });
  });
});
