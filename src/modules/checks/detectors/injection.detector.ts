// Prompt-injection detector for what reaches the model from outside: the customer's input and
// retrieved context. Each rule that matches adds its evidence; weights combine as a noisy-OR
// (1 − Π(1 − w)), so one weak cue stays low while strong cues or several weaker ones push the
// score up. Wording that only appears once the text is decoded (base64, hex, %xx, tag
// characters) or normalised (full-width letters, zero-width characters) also counts for its
// feature, and being hidden earns a bonus of its own: benign texts rarely hide instructions.
//
// Beside the rules, a learned model (injection-model.models.ts) reads the same views. Its
// calibrated probability joins the rules' score as one more independent cue of the noisy-OR,
// so either can raise a flag, each with its own evidence: the rules' matched spans, and the
// model's worst window with the n-grams that weighed most. Every detection records the
// model's version, like a grader's.
//
// An answer is read too, for what a document it quotes may carry (QUOTED_FEATURES): an address
// to the AI, exfiltration such as a markdown image whose URL carries data, hidden text, forged
// role markers. The model is not run there: it learned from users' messages and documents, not
// from answers.

import type { Detection, FieldViews, Severity, TextField, TextView } from '../checks.models.ts';
import { decodeSmuggledText, findInvisibleMessages, findObfuscation, weighObfuscation } from './injection-obfuscation.models.ts';
import type { InjectionFeature } from './injection-rules.models.ts';
import { maskMentions, MENTION_FACTOR } from './injection-mention.models.ts';
import { matchRules, QUOTED_FEATURES, READING_NAMES, type HiddenIn, type InjectionHit } from './injection-scan.models.ts';
import { listTopGrams, scoreWithModel, type InjectionModel, type ModelScore } from './injection-model.models.ts';

export type { HiddenIn, InjectionHit } from './injection-scan.models.ts';

const SCANNED_FIELDS: ReadonlySet<TextField> = new Set(['input', 'context', 'output']);
const MIN_REPORTED_SCORE = 0.3;
const MAX_SCORE = 0.99;
/** A feature never reaches certainty on its own, however many of its rules match. */
const MAX_FEATURE_SCORE = 0.95;
/** Share of the strongest hidden rule's weight added as an encoded_payload / obfuscation cue. */
const HIDDEN_BONUS = 0.6;
/** Longer than any rule's match (their gaps are bounded), so a window holds every hidden match. */
const WINDOW_MARGIN = 300;

export interface InjectionAssessment {
  /** Combined score in [0, 1). */
  score: number;
  /** Per feature: its combined weight and its strongest hit. */
  features: { feature: InjectionFeature; weight: number; hit: InjectionHit }[];
}

function combine(weights: readonly number[]): number {
  return 1 - weights.reduce((rest, weight) => rest * (1 - weight), 1);
}

export function severityForScore(score: number): Severity {
  if (score >= 0.8) return 'critical';
  if (score >= 0.5) return 'warn';
  return 'info';
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Hits of `candidates` that no already-visible hit of the same rule covers. */
function keepHidden(candidates: InjectionHit[], visible: readonly InjectionHit[]): InjectionHit[] {
  return candidates.filter((hit) => !visible.some((v) => v.ruleId === hit.ruleId && overlaps(v, hit)));
}

/**
 * The parts of a view that differ from the original (a unit that maps to a different
 * character, to several characters, or after a removed one), widened by the longest span a
 * rule can match. Wording found only in a view must touch such a part, so the rest of the
 * view, identical to the original, need not be scanned again.
 */
export function findChangedWindows(view: TextView, original: string): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  let previousEnd = 0;
  for (let i = 0; i < view.text.length; i++) {
    const { start, end } = view.toOriginal(i, i + 1);
    const changed = end - start !== 1 || start !== previousEnd || original.charCodeAt(start) !== view.text.charCodeAt(i);
    previousEnd = end;
    if (!changed) continue;
    const from = Math.max(0, i - WINDOW_MARGIN);
    const last = windows[windows.length - 1];
    if (last !== undefined && from <= last.end) last.end = Math.min(view.text.length, i + 1 + WINDOW_MARGIN);
    else windows.push({ start: from, end: Math.min(view.text.length, i + 1 + WINDOW_MARGIN) });
  }
  return windows;
}

function collectHits(views: readonly TextView[], field: TextField | undefined): InjectionHit[] {
  const original = views.find((view) => view.name === 'original') ?? views[0];
  if (original === undefined) return [];
  const hits = matchRules(original.text, original.toOriginal, undefined, field);
  for (const name of ['normalized', 'decoded', ...READING_NAMES] as const) {
    const view = views.find((v) => v.name === name);
    if (view === undefined || view.text === original.text) continue;
    for (const window of findChangedWindows(view, original.text)) {
      const toOriginal = (start: number, end: number) => view.toOriginal(window.start + start, window.start + end);
      hits.push(...keepHidden(matchRules(view.text.slice(window.start, window.end), toOriginal, name, field), hits));
    }
  }
  for (const run of decodeSmuggledText(original.text)) {
    hits.push(...matchRules(run.text, () => ({ start: run.start, end: run.end }), 'tags', field));
  }
  for (const finding of findObfuscation(original.text)) {
    const evidence = finding.kind === 'zero_width' ? `${finding.count} zero-width character(s) inside words` : 'bidi override character';
    hits.push({ feature: 'obfuscation', ruleId: finding.kind, weight: weighObfuscation(finding), ...finding.first, evidence });
  }
  return hits;
}

/** Weights of an invisible message in an answer: a tag-character message, and a zero-width run (data, less surely a message). */
const INVISIBLE_IN_ANSWER = { tag_message: 0.7, zero_width_run: 0.6 } as const;

/**
 * An answer about attacks: it names them. Its quoted examples are mentions. Of the training
 * sets' planted documents 0.4 % use these words, of their security write-ups 35 %.
 */
const ABOUT_ATTACKS = /\b(?:prompt[- ]injections?|injection\s+attacks?|jailbreak(?:s|ing)?|red[- ]team(?:s|ing)?|phishing|attackers?|malicious)\b/i;

/**
 * The hits that count in an answer: those of what a quoted document carries, with invisible
 * characters counted as hidden text (an answer shows its reader none of them), and invisible
 * messages on their own. In an answer about attacks, wording weighs as a mention; an invisible
 * message still counts in full, since the reader cannot see it whatever the answer says.
 */
function readAsAnswer(hits: readonly InjectionHit[], views: readonly TextView[]): InjectionHit[] {
  const original = views.find((view) => view.name === 'original') ?? views[0];
  const factor = original && ABOUT_ATTACKS.test(original.text) ? MENTION_FACTOR : 1;
  const kept: InjectionHit[] = [];
  for (const hit of hits) {
    const feature = hit.feature === 'obfuscation' ? 'hidden_text' : hit.feature;
    if (QUOTED_FEATURES.has(feature)) kept.push({ ...hit, feature, weight: hit.weight * factor });
  }
  for (const message of original ? findInvisibleMessages(original.text) : []) {
    kept.push({ feature: 'hidden_text', ruleId: message.kind, weight: INVISIBLE_IN_ANSWER[message.kind], start: message.start, end: message.end, evidence: message.evidence });
  }
  return kept;
}

/** The hidden-wording bonus: a hit seen only after decoding or normalising counts once more. */
function bonusHit(hits: readonly InjectionHit[], from: readonly HiddenIn[], feature: InjectionFeature): InjectionHit | undefined {
  const hidden = hits.filter((hit) => hit.hiddenIn !== undefined && from.includes(hit.hiddenIn));
  const strongest = hidden.reduce<InjectionHit | undefined>((best, hit) => (best === undefined || hit.weight > best.weight ? hit : best), undefined);
  if (strongest === undefined) return undefined;
  return { ...strongest, feature, ruleId: `hidden_${strongest.hiddenIn}`, weight: HIDDEN_BONUS * strongest.weight };
}

/**
 * The hits of one feature that are independent evidence: each rule once, and never two rules
 * matching the same words (a broad rule and a narrower one over one phrase are one cue).
 */
function countIndependentHits(hits: readonly InjectionHit[]): InjectionHit[] {
  const counted: InjectionHit[] = [];
  for (const hit of [...hits].sort((a, b) => b.weight - a.weight || a.start - b.start)) {
    if (counted.some((c) => c.ruleId === hit.ruleId || overlaps(c, hit))) continue;
    counted.push(hit);
  }
  return counted;
}

/**
 * Scores the views of one field. Deterministic: the same views always give the same score.
 * `field` lets wording that is only suspicious in retrieved documents weigh more there.
 */
export function scoreInjection(views: readonly TextView[], field?: TextField): InjectionAssessment {
  const collected = collectHits(views, field);
  const hits = field === 'output' ? readAsAnswer(collected, views) : collected;
  const encodedBonus = bonusHit(hits, ['decoded', 'tags', 'rot13', 'reversed', 'reversed_words'], 'encoded_payload');
  const obfuscationBonus = bonusHit(hits, ['normalized', 'skeleton', 'leet'], 'obfuscation');
  if (encodedBonus) hits.push(encodedBonus);
  if (obfuscationBonus) hits.push(obfuscationBonus);

  const byFeature = new Map<InjectionFeature, InjectionHit[]>();
  for (const hit of hits) byFeature.set(hit.feature, [...(byFeature.get(hit.feature) ?? []), hit]);
  const features = [...byFeature].map(([feature, featureHits]) => {
    const counted = countIndependentHits(featureHits);
    const weight = Math.min(MAX_FEATURE_SCORE, combine(counted.map((hit) => hit.weight)));
    return { feature, weight, hit: counted[0] as InjectionHit };
  });
  features.sort((a, b) => b.weight - a.weight);
  const score = Math.min(MAX_SCORE, combine(features.map((f) => f.weight)));
  return { score: Math.round(score * 1000) / 1000, features };
}

export interface CombinedAssessment {
  /** Rules and model combined, in [0, 1). */
  score: number;
  rules: InjectionAssessment;
  /** The model's score on its worst view and window (offsets in the original text); null without a model. */
  model: ModelScore | null;
}

/** The views the model reads: the normalised one (or the original), and the decoded one when there is one. */
function scoreViewsWithModel(model: InjectionModel, views: readonly TextView[], field: 'input' | 'context'): ModelScore {
  const base = views.find((v) => v.name === 'normalized') ?? views.find((v) => v.name === 'original') ?? views[0];
  let best: ModelScore = { probability: 0, logit: -Infinity, start: 0, end: 0 };
  for (const view of [base, views.find((v) => v.name === 'decoded')]) {
    if (view === undefined) continue;
    const scored = scoreWithModel(model, maskMentions(view.text), field);
    if (scored.logit > best.logit) best = { ...scored, ...view.toOriginal(scored.start, scored.end) };
  }
  return best;
}

/** Rules and, when given, the learned model, combined as independent cues. Deterministic. */
export function assessInjection(views: readonly TextView[], field: 'input' | 'context', model: InjectionModel | null): CombinedAssessment {
  const rules = scoreInjection(views, field);
  if (model === null) return { score: rules.score, rules, model: null };
  const learned = scoreViewsWithModel(model, views, field);
  const score = Math.min(MAX_SCORE, combine([rules.score, Math.min(MAX_FEATURE_SCORE, learned.probability)]));
  return { score: Math.round(score * 1000) / 1000, rules, model: learned };
}

function describeModel(model: InjectionModel, score: ModelScore, original: string, field: 'input' | 'context'): string {
  const grams = listTopGrams(model, original.slice(score.start, score.end), field).map((g) => `"${g.gram}"`);
  return `model ${score.probability.toFixed(2)}${grams.length > 0 ? `: ${grams.join(', ')}` : ''}`;
}

/** One detection per feature the rules found, each with the field's score and severity; returns what they share, for the model's own. */
function pushFeatures(detections: Detection[], field: TextField, score: number, rules: InjectionAssessment, version: string | undefined) {
  const common = { detector: 'injection', field, score, severity: severityForScore(score), ...(version ? { version } : {}) } as const;
  for (const { feature, hit } of rules.features) detections.push({ ...common, kind: feature, start: hit.start, end: hit.end, evidence: hit.evidence });
  return common;
}

/** Without a model (tests of the rules alone) the score is the rules' score. */
export function createInjectionDetector(model: InjectionModel | null = null): { detect(fields: FieldViews[]): Detection[] } {
  const version = model?.version;
  return {
    detect(fields) {
      const detections: Detection[] = [];
      for (const field of fields) {
        if (!SCANNED_FIELDS.has(field.field)) continue;
        if (field.field === 'output') {
          // What an answer quotes, by the rules alone.
          const rules = scoreInjection(field.views, 'output');
          if (rules.score >= MIN_REPORTED_SCORE) pushFeatures(detections, 'output', rules.score, rules, version);
          continue;
        }
        const scanned = field.field as 'input' | 'context';
        // The rules also read the readings (look-alikes, leetspeak, ROT13…); the model finds its views by name.
        const views = field.readings ? [...field.views, ...field.readings] : field.views;
        const { score, rules, model: learned } = assessInjection(views, scanned, model);
        if (score < MIN_REPORTED_SCORE) continue;
        const common = pushFeatures(detections, field.field, score, rules, version);
        // The model's own evidence once the event is flagged (with its share in the flag): below
        // that, as before, only rule features are reported at info.
        if (model && learned && learned.probability >= MIN_REPORTED_SCORE && common.severity !== 'info') {
          detections.push({ ...common, kind: 'learned', start: learned.start, end: learned.end, evidence: describeModel(model, learned, field.original, scanned) });
        }
      }
      return detections;
    },
  };
}
