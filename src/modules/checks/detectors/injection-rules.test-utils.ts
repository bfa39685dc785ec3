import { expect } from 'vitest';
import type { TextField } from '../checks.models.ts';
import { buildFieldViews } from '../views.models.ts';
import { INJECTION_RULES } from './injection-rules.models.ts';
import { foldRegexLiterals, lowerSameLength, matchRules } from './injection-scan.models.ts';
import { scoreInjection } from './injection.detector.ts';

/** Every rule hit in `text` read as `field`: the rule and the span it reports, as text. */
export function ruleHitsOf(text: string, field: TextField): { ruleId: string; span: string }[] {
  return matchRules(text, (start, end) => ({ start, end }), undefined, field).map((hit) => ({ ruleId: hit.ruleId, span: text.slice(hit.start, hit.end) }));
}

/** The injection score of `text` read as `field`, rules and readings together (no learned model). */
export function injectionScoreOf(text: string, field: TextField): number {
  return scoreInjection(buildFieldViews(field, text).views, field).score;
}

/** A rule's quick pre-check (its `needs`) must never skip a text its pattern would match. */
export function expectRulePrefiltersCover(texts: readonly string[]): void {
  for (const rule of INJECTION_RULES) {
    const folded = rule.pattern.flags.includes('i');
    const pattern = new RegExp(folded ? foldRegexLiterals(rule.pattern.source) : rule.pattern.source, rule.pattern.flags.replace('i', ''));
    for (const text of texts) {
      const target = folded ? lowerSameLength(text) : text;
      if (pattern.test(target)) expect({ rule: rule.id, needed: rule.needs.some((n) => target.includes(n)) }).toEqual({ rule: rule.id, needed: true });
    }
  }
}
