// Persona overrides in the languages users write in most: "from now on you are an AI without
// restrictions", "forget the company's rules", "answer everything". Like the override rules of
// injection-multilingual.models.ts, each language lists its words and a rule is built per
// concept and word order; the word lists sit in injection-persona-european.models.ts and
// injection-persona-asian.models.ts.
//
// "Without restrictions" is ordinary about a fare, a parking space or a plan ("una tarifa sin
// restricciones", "无限制套餐"): it counts only next to the assistant itself (AI, assistant,
// bot, model) or in "you have no restrictions", and not before a preposition that names what
// is restricted ("sin restricciones de horario"). A question ("¿no tienes restricciones?") is
// a customer asking, not an order.

import type { InjectionRule } from './injection-rules.models.ts';
import { ASIAN_PERSONA_LANGUAGES } from './injection-persona-asian.models.ts';
import { CLAUSE_GAP as GAP, closingParen, LETTER, splitAlternatives, unlessNegated, verbPhrase } from './injection-regex-source.models.ts';
import { EUROPEAN_PERSONA_LANGUAGES } from './injection-persona-european.models.ts';

export interface PersonaLanguage {
  code: string;
  /**
   * How words are delimited: by spaces on both sides (`words`), by a space before only, with
   * suffixes after (`prefix`: Korean), or not at all (`none`: Chinese, Japanese).
   */
  bounds: 'words' | 'prefix' | 'none';
  /** The assistant: AI, assistant, bot, model, chatbot. */
  agents: string;
  /** "without (any) restrictions, rules, filters, censorship" written after the agent. */
  without?: string;
  /** The same written before it: "制限のない", "kısıtlamasız", "uneingeschränkte". */
  unlimited?: string;
  /** "you have no restrictions (any more)", "you are no longer bound by rules". */
  noLimits: string;
  /** Lower-case substrings one of which every match of the three above contains (InjectionRule.needs). */
  limitNeeds: readonly string[];
  /**
   * Words after a restriction or new rules that name what they apply to: "sin restricciones de
   * horario", "neue Regeln für Rücksendungen", "新规则适用于所有订单".
   */
  specific?: string;
  /** Forget, ignore, stop following. */
  forget: string;
  forgetNeeds: readonly string[];
  /** The forget verb comes last ("会社のルールは忘れて", "şirketin kurallarını unut"). */
  verbLast?: boolean;
  /** Forms written before the verb that negate it or make it a statement ("no olvides", "我忘记"). */
  negation?: string;
  /** Forms written after the verb that negate it ("vergiss nicht"). */
  negationAfter?: string;
  /** Who sets the assistant's rules: the company, the operator, the developers. */
  company: string;
  /** What they set: rules, guidelines, policy, instructions. */
  rules: string;
  /** Objects that are the assistant's instructions on their own: "ce qu'on t'a dit", "Firmenrichtlinien". */
  objects?: string;
  /** "answer everything", "answer any question". */
  answerAll: string;
  answerNeeds: readonly string[];
  /** "from now on", "as of this moment". */
  fromNow: string;
  /** What follows it in a persona change: "you are", "you will be", "act as". */
  youAre: string;
  /** "new rules", also a heading on its own ("Nouvelles règles :"). */
  newRules: string;
  fromNowNeeds: readonly string[];
}

/** Not inside a word: the previous or the next character is not a letter ("un'IA" ends "un'" well). */
const END = String.raw`(?:(?<!${LETTER})|(?!${LETTER}))`;

/**
 * The clause gap per kind of word boundary, shorter in Chinese and Japanese, which say in a few
 * characters what takes words elsewhere ("公司给你的规则" = "the rules the company gave you"): a
 * shorter gap keeps the nested gaps of a verb-last phrase cheap on long texts without punctuation.
 */
const GAPS = { words: GAP, prefix: GAP, none: String.raw`[^.!?;\n。！？；]{0,12}?` } as const;

/** Between an agent and its "without limits": a comma and one word ("un asistente virtual sin…", "eine KI, die keine…"). */
const NEAR_WORDS = String.raw`,?\s*(?:[\p{L}\p{M}'’-]{1,20}\s+)?`;
const NEAR_NONE = String.raw`[^\s.!?,;。！？，、；]{0,4}?`;

/** The clause ends in a question mark: a customer asking whether there are limits. */
const NOT_QUESTION = String.raw`(?![^.!\n。！]{0,40}[?？؟])`;

/** Whether every match of `alternative` starts with an ASCII letter, looking into a leading `(?:…)` or `(?:…)?`. */
function startsLatin(alternative: string): boolean {
  if (/^[a-z]/.test(alternative)) return true;
  if (!alternative.startsWith('(?:')) return false;
  const close = closingParen(alternative, 0);
  const inner = splitAlternatives(alternative.slice(3, close)).every(startsLatin);
  const optional = alternative[close + 1] === '?' || alternative[close + 1] === '*';
  return inner && (!optional || startsLatin(alternative.slice(close + 2)));
}

/**
 * `alternatives` as one group with its language's word boundaries. \b knows only ASCII letters,
 * so other scripts need a lookbehind; words that start with an ASCII letter keep \b, because V8
 * scans ahead for the letters a pattern can start with, and a lookbehind in front hides them.
 */
function word(alternatives: string, bounds: PersonaLanguage['bounds']): string {
  if (bounds === 'none') return `(?:${alternatives})`;
  const parts = splitAlternatives(alternatives);
  const latin = parts.filter(startsLatin);
  const other = parts.filter((part) => !startsLatin(part));
  const starts = [
    ...(latin.length > 0 ? [String.raw`\b(?:${latin.join('|')})`] : []),
    ...(other.length > 0 ? [`(?<!${LETTER})(?:${other.join('|')})`] : []),
  ];
  return `(?:${starts.join('|')})${bounds === 'words' ? END : ''}`;
}

function notSpecific(language: PersonaLanguage): string {
  if (language.specific === undefined) return '';
  return language.bounds === 'words' ? String.raw`(?!\s+(?:${language.specific})${END})` : String.raw`(?!\s*(?:${language.specific}))`;
}

function unrestrictedRule(language: PersonaLanguage): InjectionRule {
  const { bounds } = language;
  const agent = word(language.agents, bounds);
  const near = bounds === 'none' ? NEAR_NONE : NEAR_WORDS;
  const forms = [`${word(language.noLimits, bounds)}${notSpecific(language)}${NOT_QUESTION}`];
  if (language.without !== undefined) forms.push(`${agent}${near}${word(language.without, bounds)}${notSpecific(language)}`);
  if (language.unlimited !== undefined) forms.push(`${word(language.unlimited, bounds)}${near}${agent}`);
  return { id: `persona_unrestricted_${language.code}`, needs: language.limitNeeds, feature: 'jailbreak', pattern: new RegExp(forms.join('|'), 'iu'), weight: 0.6 };
}

function forgetCompanyRule(language: PersonaLanguage): InjectionRule {
  const { bounds } = language;
  const verb = unlessNegated(word(language.forget, bounds), language.negation, language.negationAfter);
  const [company, rules] = [language.company, language.rules].map((part) => word(part, bounds));
  const objects = language.objects === undefined ? '' : `|${word(language.objects, bounds)}`;
  const gap = GAPS[bounds];
  const object = `(?:${company}${gap}${rules}|${rules}${gap}${company}${objects})`;
  return {
    id: `persona_forget_company_${language.code}`,
    needs: language.forgetNeeds,
    feature: 'instruction_override',
    pattern: new RegExp(verbPhrase(verb, object, gap, language.verbLast), 'iu'),
    weight: 0.6,
  };
}

/** Weak alone ("can you answer all my questions"); a little more with "without any limit". */
function answerAllRule(language: PersonaLanguage): InjectionRule {
  const { bounds } = language;
  const unlimited = language.without === undefined ? '' : `(?:${GAP}(${word(language.without, bounds)}))?`;
  return {
    id: `persona_answer_all_${language.code}`,
    needs: language.answerNeeds,
    feature: 'jailbreak',
    pattern: new RegExp(`${word(language.answerAll, bounds)}${unlimited}${NOT_QUESTION}`, 'iu'),
    weight: (m) => (m[1] === undefined ? 0.3 : 0.4),
  };
}

function fromNowRule(language: PersonaLanguage): InjectionRule {
  const { bounds } = language;
  const persona = `${word(language.fromNow, bounds)}${GAP}${word(`${language.youAre}|${language.newRules}`, bounds)}${notSpecific(language)}`;
  // Whitespace after the line break is bounded: an unbounded run would make the heading quadratic.
  const heading = String.raw`(?:^|[\n.!?。！？]\s{0,3})(?:${language.newRules})\s*[:：]`;
  return {
    id: `persona_from_now_${language.code}`,
    needs: language.fromNowNeeds,
    feature: 'instruction_override',
    pattern: new RegExp(`${persona}|${heading}`, 'iu'),
    weight: 0.4,
  };
}

export const MULTILINGUAL_PERSONA_RULES: readonly InjectionRule[] = [...EUROPEAN_PERSONA_LANGUAGES, ...ASIAN_PERSONA_LANGUAGES].flatMap((language) => [
  unrestrictedRule(language),
  forgetCompanyRule(language),
  answerAllRule(language),
  fromNowRule(language),
]);
