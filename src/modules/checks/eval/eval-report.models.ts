// The printed tables and the JSON summary of `npm run eval:detectors`. Held-out figures come
// first: lines of sources nobody developed rules on or trained on. In-sample figures (train
// and dev splits) follow under their own heading, because they flatter.

import { buildScorerCurves, countRecords, groupRecords, ratesAtThreshold, TRICKY_CATEGORIES, type EvalRecord, type Rates } from './eval-metrics.models.ts';

const SECTIONS = [
  { name: 'heldout', title: 'HELD-OUT (sources never trained on nor used to write rules)', splits: ['heldout'] },
  { name: 'in_sample', title: 'IN-SAMPLE (train and dev splits: the model learned from them, the rules were written beside them)', splits: ['train', 'dev'] },
] as const;

const fmt = (value: number | null) => (value === null ? '   -' : value.toFixed(2));
const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

function row(name: string, rates: Rates): string {
  return `  ${name.padEnd(28)} ${String(rates.positives).padStart(5)} ${String(rates.caught).padStart(6)} ${fmt(rates.recall).padStart(6)} ${String(rates.negatives).padStart(6)} ${String(rates.flagged).padStart(6)} ${fmt(rates.fpr).padStart(6)} ${fmt(rates.precision).padStart(6)}`;
}

function jsonRates(rates: Rates) {
  return { positives: rates.positives, caught: rates.caught, negatives: rates.negatives, flagged: rates.flagged, recall: round(rates.recall), fpr: round(rates.fpr), precision: round(rates.precision) };
}

/** Injection in answers (what a quoted document carries) is reported apart from injection in inputs and context. */
function reportedKind(record: EvalRecord): string {
  return record.line.kind === 'injection' && record.line.field === 'output' ? 'injection_output' : record.line.kind;
}

export interface EvalReport {
  lines: string[];
  summary: Record<string, unknown>;
}

export function buildEvalReport(records: readonly EvalRecord[], scorers: readonly string[]): EvalReport {
  const lines: string[] = [];
  const summary: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    const inSection = records.filter((r) => (section.splits as readonly string[]).includes(r.line.split));
    const sources = [...new Set(inSection.map((r) => r.line.source))];
    lines.push('', `== ${section.title}: ${inSection.length} lines from ${sources.length} sources`);
    const sectionSummary: Record<string, unknown> = {};
    for (const [kind, ofKind] of groupRecords(inSection, reportedKind)) {
      lines.push('', `${kind} — flagged = a detection at warn or above${kind.startsWith('injection') ? '' : ' of the expected detector and kind'}`);
      lines.push(`  ${'category'.padEnd(28)} ${'pos'.padStart(5)} ${'caught'.padStart(6)} ${'recall'.padStart(6)} ${'neg'.padStart(6)} ${'flagd'.padStart(6)} ${'FPR'.padStart(6)} ${'prec'.padStart(6)}`);
      const categories: Record<string, unknown> = {};
      for (const [category, ofCategory] of [...groupRecords(ofKind, (r) => r.line.category)].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const rates = countRecords(ofCategory);
        lines.push(row(category, rates));
        categories[category] = jsonRates(rates);
      }
      const overall = countRecords(ofKind);
      const tricky = countRecords(ofKind.filter((r) => r.line.label === 0 && TRICKY_CATEGORIES.has(r.line.category)));
      lines.push(row('ALL', overall), `  FPR on tricky benign texts: ${fmt(tricky.fpr)} (${tricky.flagged} of ${tricky.negatives})`);
      const kindSummary: Record<string, unknown> = { overall: jsonRates(overall), tricky_benign_fpr: round(tricky.fpr), categories };
      if (kind === 'injection') {
        lines.push('  per scorer (threshold 0.5; recall at FPR 0.01 / 0.05 on tricky benign texts):');
        const curves = buildScorerCurves(ofKind, scorers);
        const scorerSummary: Record<string, unknown> = {};
        for (const curve of curves) {
          const at = ratesAtThreshold(ofKind, curve.scorer, 0.5);
          if (at.positives + at.negatives === 0) continue;
          lines.push(`    ${curve.scorer.padEnd(9)} recall ${fmt(at.recall)}  FPR ${fmt(at.fpr)}  recall@FPR0.01 ${fmt(curve.atFpr01?.recall ?? null)}  recall@FPR0.05 ${fmt(curve.atFpr05?.recall ?? null)} (threshold ${curve.atFpr05 ? curve.atFpr05.threshold.toFixed(3) : '-'})`);
          scorerSummary[curve.scorer] = { recall_at_0_5: round(at.recall), fpr_at_0_5: round(at.fpr), recall_at_fpr_0_01: round(curve.atFpr01?.recall ?? null), recall_at_fpr_0_05: round(curve.atFpr05?.recall ?? null) };
        }
        kindSummary.scorers = scorerSummary;
      }
      sectionSummary[kind] = kindSummary;
    }
    lines.push('', '  per source:');
    for (const [source, ofSource] of groupRecords(inSection, (r) => `${r.line.kind} ${r.line.source}`)) {
      const rates = countRecords(ofSource);
      lines.push(`    ${source.padEnd(52)} recall ${fmt(rates.recall)} (${rates.positives})  FPR ${fmt(rates.fpr)} (${rates.negatives})  ${ofSource[0]!.line.licence}`);
    }
    summary[section.name] = sectionSummary;
  }
  return { lines, summary };
}
