// Benchmark of threshold calibration and reviewer agreement on synthetic, seeded data.
//   npx tsx bench/calibrate.ts [--json]
// Targets (2-core machine): calibration over 1,000,000 labels < 2 s; agreement over
// 100,000 multi-reviewer items < 1 s. With --json the last line is one JSON object.

import os from 'node:os';
import type { Label } from '../src/modules/calibration/agreement.models.ts';
import {
  agreementWithConsensus,
  cohensKappa,
  krippendorffAlpha,
  weightedKappa,
} from '../src/modules/calibration/agreement.models.ts';
import type { LabelledScore, LabelledScoreColumns } from '../src/modules/calibration/calibration.models.ts';
import { computeCurve, recommendThreshold } from '../src/modules/calibration/calibration.models.ts';
import { createSeededRandom } from '../src/shared/random.ts';

const LABELS = 1_000_000;
const ITEMS = 100_000;
const asJson = process.argv.includes('--json');

function createNormal(rng: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Labels as a review queue would produce them: flagged scores always reviewed, the rest sampled. */
function generateLabels(n: number, seed: number): LabelledScoreColumns & { score: Float64Array; weight: Float64Array; violation: Uint8Array } {
  const rng = createSeededRandom(seed);
  const normal = createNormal(rng);
  const score = new Float64Array(n);
  const violation = new Uint8Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const isViolation = rng() < 0.15;
    const s = Math.min(1, Math.max(0, (isViolation ? 0.72 : 0.3) + 0.16 * normal()));
    const inclusion = s >= 0.8 ? 1 : s >= 0.5 ? 0.2 : 0.02;
    score[i] = s;
    violation[i] = isViolation ? 1 : 0;
    weight[i] = 1 / inclusion;
  }
  return { score, violation, weight };
}

interface ReviewedItem {
  decisions: { reviewer: string; label: Label }[];
  ratings: number[];
}

/** Items seen by 2–3 of 40 reviewers; each reviewer is right 85% of the time and rates within ±1. */
function generateReviews(n: number, seed: number): ReviewedItem[] {
  const rng = createSeededRandom(seed);
  const items: ReviewedItem[] = [];
  for (let i = 0; i < n; i++) {
    const truth = rng() < 0.3 ? 'reject' : 'approve';
    const trueRating = 1 + Math.floor(rng() * 5);
    const reviewers = rng() < 0.5 ? 2 : 3;
    const first = Math.floor(rng() * 40);
    const decisions: { reviewer: string; label: Label }[] = [];
    const ratings: number[] = [];
    for (let r = 0; r < reviewers; r++) {
      const wrong = rng() < 0.15;
      decisions.push({ reviewer: `U${(first + r * 7) % 40}`, label: wrong ? (truth === 'reject' ? 'approve' : 'reject') : truth });
      ratings.push(Math.min(5, Math.max(1, trueRating + Math.round((rng() - 0.5) * 2.2))));
    }
    items.push({ decisions, ratings });
  }
  return items;
}

const round = (value: number): number => Math.round(value * 10) / 10;

/** Wall time, and CPU time of the process (less sensitive to other work on a shared machine). */
function time<T>(run: () => T): { ms: number; cpuMs: number; result: T } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = run();
  const used = process.cpuUsage(cpu);
  return { ms: round(performance.now() - start), cpuMs: round((used.user + used.system) / 1000), result };
}

const labels = generateLabels(LABELS, 42);
const labelObjects: LabelledScore[] = Array.from({ length: LABELS }, (_, i) => ({
  score: labels.score[i]!,
  violation: labels.violation[i] === 1,
  weight: labels.weight[i]!,
}));
const recommendByRecall = () =>
  recommendThreshold(labels, { kind: 'target_recall', recall: 0.95 }, { currentThreshold: 0.8, eventsPerDay: 2_000_000 });
const recallRun = time(recommendByRecall);
const recallWarmRun = time(recommendByRecall);
const objectsRun = time(() =>
  recommendThreshold(labelObjects, { kind: 'target_recall', recall: 0.95 }, { currentThreshold: 0.8, eventsPerDay: 2_000_000 }),
);
const bootstrapRun = time(() =>
  recommendThreshold(
    labels,
    { kind: 'f_beta', beta: 1 },
    { currentThreshold: 0.8, eventsPerDay: 2_000_000, interval: { method: 'bootstrap', rng: createSeededRandom(7), resamples: 1000 } },
  ),
);
const curveRun = time(() => computeCurve(labels));

const reviews = generateReviews(ITEMS, 43);
const warmAgreement = time(() => {
  cohensKappa(reviews.map((item) => [item.decisions[0]!.label, item.decisions[1]!.label] as const));
  krippendorffAlpha(reviews.map((item) => item.ratings), 'ordinal');
});
const kappaRun = time(() => cohensKappa(reviews.map((item) => [item.decisions[0]!.label, item.decisions[1]!.label] as const)));
const weightedKappaRun = time(() =>
  weightedKappa(reviews.map((item) => [item.ratings[0]!, item.ratings[1]!] as const), 'quadratic', [1, 2, 3, 4, 5]),
);
const alphaNominalRun = time(() => krippendorffAlpha(reviews.map((item) => item.decisions.map((d) => d.label)), 'nominal'));
const alphaOrdinalRun = time(() => krippendorffAlpha(reviews.map((item) => item.ratings), 'ordinal'));
const consensusRun = time(() => agreementWithConsensus(reviews.map((item) => item.decisions)));
const agreementRuns = [kappaRun, weightedKappaRun, alphaNominalRun, alphaOrdinalRun, consensusRun];
const agreementMs = round(agreementRuns.reduce((sum, run) => sum + run.ms, 0));
const agreementCpuMs = round(agreementRuns.reduce((sum, run) => sum + run.cpuMs, 0));

const recall = recallRun.result;
const f1 = bootstrapRun.result;
const describeRun = (name: string, run: { ms: number; cpuMs: number }): string =>
  `${name.padEnd(62)} ${run.ms.toFixed(1).padStart(8)} ms  (cpu ${run.cpuMs.toFixed(1)} ms)`;
const loadAverage = round(os.loadavg()[0]!);
const lines = [
  `machine: ${os.cpus().length} cores, load average ${loadAverage}`,
  `calibration: ${LABELS.toLocaleString('en')} labels, ${curveRun.result.thresholds.length.toLocaleString('en')} distinct thresholds`,
  describeRun('recommendThreshold target_recall 0.95 (columns, Wilson), cold', recallRun),
  describeRun('recommendThreshold target_recall 0.95 (columns, Wilson), warm', recallWarmRun),
  describeRun('recommendThreshold target_recall 0.95 (object array, Wilson)', objectsRun),
  describeRun('recommendThreshold f_beta 1 (columns, Poisson bootstrap ×1000)', bootstrapRun),
  describeRun('computeCurve (all thresholds, weighted + unweighted)', curveRun),
];
if (recall.status === 'ok' && f1.status === 'ok') {
  const p = recall.proposed;
  lines.push(
    `  recall 0.95 → threshold ${p.threshold.toFixed(4)}: precision ${p.weighted.precision.toFixed(3)} ` +
      `[${p.intervals.precision.lower.toFixed(3)}, ${p.intervals.precision.upper.toFixed(3)}], recall ${p.weighted.recall.toFixed(3)} ` +
      `[${p.intervals.recall.lower.toFixed(3)}, ${p.intervals.recall.upper.toFixed(3)}]; flags/day ${Math.round(recall.load.proposed.flagsPerDay ?? 0)} ` +
      `(Δ ${Math.round(recall.load.deltaFlagsPerDay ?? 0)} vs 0.8); ROC AUC ${recall.curve.weighted.rocAuc.toFixed(4)}`,
    `  F1 → threshold ${f1.threshold.toFixed(4)}: F1 ${f1.proposed.weighted.f.toFixed(3)}, bootstrap precision ` +
      `[${f1.proposed.intervals.precision.lower.toFixed(3)}, ${f1.proposed.intervals.precision.upper.toFixed(3)}]`,
  );
}
lines.push(
  `agreement: ${ITEMS.toLocaleString('en')} items, 2–3 reviewers each`,
  describeRun('cohensKappa (decisions, first two reviewers)', kappaRun),
  describeRun('weightedKappa quadratic (ratings 1–5, first two reviewers)', weightedKappaRun),
  describeRun('krippendorffAlpha nominal (decisions)', alphaNominalRun),
  describeRun('krippendorffAlpha ordinal (ratings)', alphaOrdinalRun),
  describeRun('agreementWithConsensus (decisions)', consensusRun),
  describeRun('total agreement (after a warm-up pass)', { ms: agreementMs, cpuMs: agreementCpuMs }),
  `  κ ${kappaRun.result.kappa.toFixed(3)}, κ_w ${weightedKappaRun.result.kappa.toFixed(3)}, ` +
    `α nominal ${alphaNominalRun.result.alpha.toFixed(3)}, α ordinal ${alphaOrdinalRun.result.alpha.toFixed(3)}`,
);
process.stdout.write(`${lines.join('\n')}\n`);
if (asJson) {
  const figures = {
    calibrate_1m_ms: recallRun.ms,
    calibrate_1m_warm_ms: recallWarmRun.ms,
    calibrate_1m_cpu_ms: recallRun.cpuMs,
    calibrate_1m_objects_ms: objectsRun.ms,
    calibrate_1m_bootstrap_ms: bootstrapRun.ms,
    curve_1m_ms: curveRun.ms,
    agreement_100k_ms: agreementMs,
    agreement_100k_cpu_ms: agreementCpuMs,
    kappa_100k_ms: kappaRun.ms,
    weighted_kappa_100k_ms: weightedKappaRun.ms,
    alpha_nominal_100k_ms: alphaNominalRun.ms,
    alpha_ordinal_100k_ms: alphaOrdinalRun.ms,
    consensus_100k_ms: consensusRun.ms,
    warmup_agreement_ms: warmAgreement.ms,
    load_average_1m: loadAverage,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
