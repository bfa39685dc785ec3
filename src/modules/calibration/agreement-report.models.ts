// How consistent the reviewers of one source are, per rubric dimension: Krippendorff's alpha
// over every item two or more reviewers judged (nominal for decisions and the edge-case mark,
// ordinal for 1–5 ratings), Cohen's kappa for each pair of reviewers with enough shared items
// (quadratic-weighted for ratings), each reviewer's agreement with the others' consensus, and
// their accuracy on gold items. Pure: rows in, figures out.

import {
  agreementWithConsensus,
  cohensKappa,
  goldAccuracy,
  krippendorffAlpha,
  weightedKappa,
  type AlphaLevel,
  type AlphaResult,
  type Label,
  type ReviewerAccuracy,
  type ReviewerAgreement,
} from './agreement.models.ts';

export interface ReviewerVerdict {
  itemId: string;
  reviewerId: string;
  decision: 'approve' | 'reject' | null;
  tone: number | null;
  brand: number | null;
  edgeCase: boolean;
}

export const AGREEMENT_DIMENSIONS = ['decision', 'tone', 'brand', 'edge_case'] as const;
export type AgreementDimension = (typeof AGREEMENT_DIMENSIONS)[number];

const LEVELS: Record<AgreementDimension, AlphaLevel> = { decision: 'nominal', tone: 'ordinal', brand: 'ordinal', edge_case: 'nominal' };
const RATING_SCALE = [1, 2, 3, 4, 5];

function readValue(verdict: ReviewerVerdict, dimension: AgreementDimension): Label | null {
  if (dimension === 'decision') return verdict.decision;
  if (dimension === 'edge_case') return verdict.decision === null && !verdict.edgeCase ? null : verdict.edgeCase ? 'edge_case' : 'not_marked';
  return verdict[dimension];
}

export interface PairAgreement {
  reviewers: [string, string];
  items: number;
  /** Cohen's kappa; quadratic-weighted for ratings. NaN when both always gave the same single value. */
  kappa: number;
  observedAgreement: number;
}

export interface DimensionAgreement {
  dimension: AgreementDimension;
  level: AlphaLevel;
  alpha: AlphaResult;
  pairs: PairAgreement[];
}

export interface AgreementReport {
  /** Items with a value from at least two reviewers in some dimension. */
  multiReviewedItems: number;
  dimensions: DimensionAgreement[];
  /** Agreement of each reviewer's decision with the strict majority of the others. */
  consensus: ReviewerAgreement[];
  gold: ReviewerAccuracy[];
}

function groupByItem(verdicts: readonly ReviewerVerdict[]): ReviewerVerdict[][] {
  const byItem = new Map<string, ReviewerVerdict[]>();
  for (const verdict of verdicts) byItem.set(verdict.itemId, [...(byItem.get(verdict.itemId) ?? []), verdict]);
  return [...byItem.values()];
}

function measureDimension(items: readonly ReviewerVerdict[][], dimension: AgreementDimension, minPairItems: number): DimensionAgreement {
  const units: Label[][] = [];
  const pairs = new Map<string, [Label, Label][]>();
  for (const item of items) {
    const coded = item.flatMap((verdict) => {
      const value = readValue(verdict, dimension);
      return value === null ? [] : [{ reviewer: verdict.reviewerId, value }];
    });
    if (coded.length < 2) continue;
    units.push(coded.map((entry) => entry.value));
    coded.sort((a, b) => (a.reviewer < b.reviewer ? -1 : 1));
    for (let i = 0; i < coded.length; i++) {
      for (let j = i + 1; j < coded.length; j++) {
        const key = `${coded[i]!.reviewer}\u0000${coded[j]!.reviewer}`;
        pairs.set(key, [...(pairs.get(key) ?? []), [coded[i]!.value, coded[j]!.value]]);
      }
    }
  }
  const level = LEVELS[dimension];
  const pairFigures: PairAgreement[] = [];
  for (const [key, values] of [...pairs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (values.length < minPairItems) continue;
    const result = level === 'ordinal' ? weightedKappa(values as [number, number][], 'quadratic', RATING_SCALE) : cohensKappa(values);
    const [a, b] = key.split('\u0000') as [string, string];
    pairFigures.push({ reviewers: [a, b], items: values.length, kappa: result.kappa, observedAgreement: result.observedAgreement });
  }
  return { dimension, level, alpha: krippendorffAlpha(units, level), pairs: pairFigures };
}

export function buildAgreementReport(
  verdicts: readonly ReviewerVerdict[],
  goldAnswers: readonly { reviewerId: string; decision: 'approve' | 'reject'; expectedOutcome: 'approved' | 'rejected' }[],
  options: { minPairItems?: number } = {},
): AgreementReport {
  const items = groupByItem(verdicts);
  const minPairItems = options.minPairItems ?? 5;
  const dimensions = AGREEMENT_DIMENSIONS.map((dimension) => measureDimension(items, dimension, minPairItems));
  const decided = items.map((item) => item.flatMap((verdict) => (verdict.decision ? [{ reviewer: verdict.reviewerId, label: verdict.decision as Label }] : [])));
  return {
    multiReviewedItems: items.filter((item) => item.length >= 2).length,
    dimensions,
    consensus: agreementWithConsensus(decided),
    gold: goldAccuracy(goldAnswers.map((answer) => ({ reviewer: answer.reviewerId, label: answer.decision === 'approve' ? 'approved' : 'rejected', gold: answer.expectedOutcome }))),
  };
}

/** One reviewer's own standing, for their App Home: agreement with the others and gold accuracy. */
export function describeReviewerStanding(report: AgreementReport, reviewerId: string): string[] {
  const lines: string[] = [];
  const consensus = report.consensus.find((entry) => entry.reviewer === reviewerId);
  if (consensus) lines.push(`Agreed with the other reviewers on ${consensus.agreed} of ${consensus.compared} shared items (${Math.round(consensus.share * 100)}%).`);
  const gold = report.gold.find((entry) => entry.reviewer === reviewerId);
  if (gold) lines.push(`Matched the known answer on ${gold.correct} of ${gold.answered} check items (${Math.round(gold.accuracy * 100)}%).`);
  return lines;
}

const figure = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : 'n/a');
const percent = (value: number) => `${Math.round(value * 100)}%`;

/** The report as text lines (`vigil agreement`). α or κ ≥ 0.8 is reliable; below 0.67 the rubric or training needs work. */
export function formatAgreementReport(report: AgreementReport): string[] {
  const lines = [`${report.multiReviewedItems} items judged by two or more reviewers`];
  for (const dimension of report.dimensions) {
    lines.push(`${dimension.dimension}: Krippendorff's alpha (${dimension.level}) ${figure(dimension.alpha.alpha)} over ${dimension.alpha.pairableUnits} items`);
    for (const pair of dimension.pairs) lines.push(`  ${pair.reviewers.join(' & ')}: kappa ${figure(pair.kappa)} on ${pair.items} items (${percent(pair.observedAgreement)} agreement)`);
  }
  lines.push('agreement with the other reviewers (decisions):');
  for (const entry of report.consensus) lines.push(`  ${entry.reviewer}: ${entry.agreed}/${entry.compared} (${percent(entry.share)}, 95% ${percent(entry.interval.lower)}–${percent(entry.interval.upper)})`);
  lines.push('gold items (known answers):');
  for (const entry of report.gold) lines.push(`  ${entry.reviewer}: ${entry.correct}/${entry.answered} (${percent(entry.accuracy)}, 95% ${percent(entry.interval.lower)}–${percent(entry.interval.upper)})`);
  return lines;
}
