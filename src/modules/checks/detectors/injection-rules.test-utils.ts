import { expect } from 'vitest';
import { INJECTION_RULES } from './injection-rules.models.ts';
import { foldRegexLiterals, lowerSameLength } from './injection-scan.models.ts';

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
