// Figures of the detector evaluation, from one record per corpus line: was it flagged (a
// detection at `warn` or above, of the expected detector and kind for leaks), and for injection
// lines the scores of each scorer (rules, model, combined, grader). Pure, so tests check the
// arithmetic on hand-made records.

import type { CorpusLine } from './eval-corpus.models.ts';

/** Benign texts chosen to look like attacks or leaks: the over-defence figures use these. */
export const TRICKY_CATEGORIES: ReadonlySet<string> = new Set(['tricky_benign', 'security_discussion', 'code', 'placeholder_credential', 'test_card', 'tracking_number']);

export interface EvalRecord {
  line: CorpusLine;
  flagged: boolean;
  /** Injection lines: score per scorer in [0, 1]; a missing scorer (no grader configured) is absent. */
  scores?: Record<string, number>;
}

export interface Counts {
  positives: number;
  caught: number;
  negatives: number;
  flagged: number;
}

export interface Rates extends Counts {
  recall: number | null;
  precision: number | null;
  fpr: number | null;
}

function toRates(counts: Counts): Rates {
  const { positives, caught, negatives, flagged } = counts;
  return {
    ...counts,
    recall: positives > 0 ? caught / positives : null,
    precision: caught + flagged > 0 ? caught / (caught + flagged) : null,
    fpr: negatives > 0 ? flagged / negatives : null,
  };
}

export function countRecords(records: readonly EvalRecord[]): Rates {
  const counts: Counts = { positives: 0, caught: 0, negatives: 0, flagged: 0 };
  for (const { line, flagged } of records) {
    if (line.label === 1) {
      counts.positives++;
      if (flagged) counts.caught++;
    } else {
      counts.negatives++;
      if (flagged) counts.flagged++;
    }
  }
  return toRates(counts);
}

/** Records grouped by a key, keys in first-seen order. */
export function groupRecords(records: readonly EvalRecord[], key: (record: EvalRecord) => string): Map<string, EvalRecord[]> {
  const groups = new Map<string, EvalRecord[]>();
  for (const record of records) {
    const name = key(record);
    const group = groups.get(name);
    if (group) group.push(record);
    else groups.set(name, [record]);
  }
  return groups;
}

/**
 * Recall at a false-positive rate: the threshold is the lowest score that flags at most
 * `fpr` of the negatives (a score must be strictly above the highest unflagged negative).
 */
export function recallAtFpr(positives: readonly number[], negatives: readonly number[], fpr: number): { recall: number; threshold: number } | null {
  if (positives.length === 0 || negatives.length === 0) return null;
  const sorted = [...negatives].sort((a, b) => b - a);
  const allowed = Math.floor(fpr * sorted.length + 1e-9);
  const threshold = sorted[allowed] ?? -Infinity;
  return { recall: positives.filter((score) => score > threshold).length / positives.length, threshold };
}

/** The FPR and recall of one scorer at a fixed threshold (flag when score ≥ threshold). */
export function ratesAtThreshold(records: readonly EvalRecord[], scorer: string, threshold: number): Rates {
  return countRecords(records.filter((r) => r.scores?.[scorer] !== undefined).map((r) => ({ ...r, flagged: r.scores![scorer]! >= threshold })));
}

export interface ScorerCurve {
  scorer: string;
  atFpr01: { recall: number; threshold: number } | null;
  atFpr05: { recall: number; threshold: number } | null;
}

/** Recall at FPR 0.01 and 0.05 on tricky benign texts, per scorer. */
export function buildScorerCurves(records: readonly EvalRecord[], scorers: readonly string[]): ScorerCurve[] {
  return scorers.map((scorer) => {
    const scored = records.filter((r) => r.scores?.[scorer] !== undefined);
    const positives = scored.filter((r) => r.line.label === 1).map((r) => r.scores![scorer]!);
    const negatives = scored.filter((r) => r.line.label === 0 && TRICKY_CATEGORIES.has(r.line.category)).map((r) => r.scores![scorer]!);
    return { scorer, atFpr01: recallAtFpr(positives, negatives, 0.01), atFpr05: recallAtFpr(positives, negatives, 0.05) };
  });
}
