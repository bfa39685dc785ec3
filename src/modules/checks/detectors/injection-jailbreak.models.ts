// Rules for role-play jailbreaks: DAN and its relatives, personas "without restrictions",
// claims that the model is no longer bound by its policies.

import type { InjectionRule } from './injection-rules.models.ts';

/** A persona request addressed to the model: "you are going to act as", or an imperative opening a sentence. */
const ACT_AS = String.raw`(?:\byou\s+(?:are|will|must|should|can)\s+(?:now\s+)?(?:going\s+to\s+)?(?:act|pretend|be|become|play)|(?:^|[.!?:\n]\s*|\bplease\s+|\bwant\s+you\s+to\s+)(?:act\s+as|pretend|role-?play|simulate|become))`;

/** "no restrictions" about the persona itself, not "no restrictions on budget". */
const UNRESTRICTED = String.raw`(?:no|without(?:\s+any)?|free\s+(?:of|from)(?:\s+all)?|zero|unlimited|limitless)\s+(?:filters?|restrictions?|limits?|limitations?|censorship|rules|guidelines|morals?|ethics|boundaries|constraints)(?!\s+(?:on|for|about|regarding|to|from)\b)`;

const LIMIT_NEEDS = ['filter', 'restriction', 'limit', 'censor', 'rules', 'guideline', 'moral', 'ethic', 'boundar', 'constraint'];

export const JAILBREAK_RULES: readonly InjectionRule[] = [
  { id: 'dan_name', needs: ['DAN'], feature: 'jailbreak', pattern: /\bDAN\b/u, weight: 0.35 },
  {
    id: 'dan_mode',
    needs: ['mode', 'dan', 'stan', 'strive'],
    feature: 'jailbreak',
    pattern: /\b(?:DAN|STAN|DUDE|developer)\s+mode\s+(?:enabled|output)\b|\b(?:act|pretend)\s+(?:as|to\s+be)\s+(?:a\s+)?(?:DAN|STAN|Better-?DAN)\b|\bstay\s+(?:in\s+)?(?:DAN|developer)\s+mode\b|\bsimulate\s+(?:DAN|developer)\s+mode\b|\bwith\s+(?:DAN|developer)\s+mode\s+enabled\b|\bstrive\s+to\s+avoid\s+norms\b/iu,
    weight: 0.8,
  },
  {
    id: 'do_anything_now',
    needs: ['anything'],
    feature: 'jailbreak',
    pattern: /\b(?:stands\s+for|called|known\s+as)\s+["“]?(?:superior\s+)?do\s+anything(?:\s+now)?\b/iu,
    weight: 0.8,
  },
  { id: 'do_anything_now_title', needs: ['Anything', 'ANYTHING'], feature: 'jailbreak', pattern: /\bDo Anything Now\b|\bDO ANYTHING NOW\b/u, weight: 0.45 },
  { id: 'developer_mode', needs: ['developer'], feature: 'jailbreak', pattern: /\bdeveloper\s+mode\b/iu, weight: 0.2 },
  { id: 'jailbreak_word', needs: ['jailbr'], feature: 'jailbreak', pattern: /\bjailbr(?:eak|oken)\b/iu, weight: 0.2 },
  {
    id: 'jailbroken_persona',
    needs: ['jailbr', 'classic', 'dan]', 'unfiltered', 'uncensored', 'unrestricted', 'unaligned'],
    feature: 'jailbreak',
    pattern: /\[\W{0,3}(?:JAILBREAK|JAILBROKEN|CLASSIC|DAN|UNFILTERED)\]|\/jailbroken\b|\b(?:you\s+are|act\s+as|as)\s+(?:an?\s+)?(?:jailbroken|unfiltered|uncensored|unrestricted|unaligned)\s+(?:AI|model|assistant|chatbot|language\s+model|version)\b/iu,
    weight: 0.7,
  },
  {
    id: 'persona_without_limits',
    needs: LIMIT_NEEDS,
    feature: 'jailbreak',
    pattern: new RegExp(String.raw`${ACT_AS}[^\n.!?]{0,120}?\b${UNRESTRICTED}\b`, 'iu'),
    weight: 0.75,
  },
  { id: 'no_restrictions', needs: LIMIT_NEEDS, feature: 'jailbreak', pattern: new RegExp(String.raw`\b${UNRESTRICTED}\b`, 'iu'), weight: 0.25 },
  {
    id: 'not_bound',
    needs: ['bound', 'constrain', 'restrict', 'limited', 'free'],
    feature: 'jailbreak',
    pattern: /\byou(?:'re|\s+are)?\s+(?:are\s+)?(?:no\s+longer|not)\s+(?:bound|constrained|restricted|limited)\s+by\b|\b(?:been\s+)?freed\s+from\s+(?:the\s+)?(?:limitations|restrictions|rules|constraints)\b|\bbroken?\s+free\s+of\s+(?:all\s+)?(?:rules|restrictions|limitations)\b/iu,
    weight: 0.75,
  },
  {
    id: 'bypass_policy',
    needs: ['polic', 'filter', 'guideline', 'restriction', 'rules', 'protocol'],
    feature: 'jailbreak',
    pattern: /\b(?:ignor(?:e|es|ing)|bypass(?:es|ing)?|disabl(?:e|es|ing)|circumvent(?:s|ing)?|break(?:s|ing)?|violat(?:e|es|ing)|(?:don't|do\s+not)\s+have\s+to\s+follow)\s+(?:all\s+(?:of\s+)?)?(?:the\s+|your\s+)?(?:OpenAI(?:'s|’s)?|safety|content|ethical|moderation|usage)\s+(?:content\s+)?(?:polic(?:y|ies)|filters?|guidelines|restrictions|rules|protocols)\b|\blet'?s\s+break\s+the\s+rules\b/iu,
    // A school's or a router's content filter is not the model's: only "your", "all" or OpenAI's
    // rules, or policies and guidelines, are the model's own.
    weight: (m) => (/\b(?:your|all|openai|rules)\b/i.test(m[0]) ? 0.75 : /polic|guideline/i.test(m[0]) ? 0.6 : 0.3),
  },
  { id: 'stay_in_character', needs: ['charac'], feature: 'jailbreak', pattern: /\b(?:stay\s+in|never\s+break|(?:don't|do\s+not|not\s+to)\s+break)\s+(?:your\s+)?charac?ter\b/iu, weight: 0.3 },
  {
    id: 'dual_response',
    needs: ['two', '2'],
    feature: 'jailbreak',
    pattern: /\b(?:two|2)\s+(?:different\s+)?(?:separate\s+)?(?:responses|answers|ways|paragraphs)\b[^\n]{0,120}?\b(?:normal|normally|classic|standard|censored|filtered)\b/iu,
    weight: 0.5,
  },
  {
    id: 'no_morals',
    needs: ['moral', 'ethic', 'unlimited'],
    feature: 'jailbreak',
    pattern: /\b(?:(?:do\s+not|don't|doesn't)\s+have\s+any\s+(?:moral|ethic)|(?:no|without(?:\s+any)?)\s+moral\s+(?:code|compass|guidelines)|immoral\s+(?:and\s+unethical\s+)?(?:AI|chatbot|assistant)|unfiltered,?\s+(?:completely\s+)?unlimited\s+language\s+model)/iu,
    weight: 0.6,
  },
  {
    id: 'opposite_persona',
    needs: ['flipper', 'basedgpt', 'anti-dan', 'evil', 'simulator', 'chatgpt', 'opposite'],
    feature: 'jailbreak',
    pattern: /\b(?:you\s+are|act\s+as|(?:take\s+on|play)\s+the\s+role\s+of)\s+(?:a\s+)?(?:switch\s+flipper|BasedGPT|ANTI-DAN|evil\s+(?:confidant|AI)|simulator\s+of\s+\p{L}+)\b|\byou\s+are\s+not\s+ChatGPT\b|\bexact\s+opposite\s+personality\b/iu,
    weight: 0.65,
  },
  {
    id: 'you_are_in_mode',
    needs: ['mode'],
    feature: 'jailbreak',
    pattern: /\byou\s+are\s+now\s+in\s+(?:(?:maintenance|developer|debug|diagnostic|god|admin|sudo|root|test|unrestricted|uncensored|unfiltered|jailbreak|opposite|evil|DAN)\s+)mode\b/iu,
    weight: 0.6,
  },
  {
    id: 'unrestricted_mode',
    needs: ['mode'],
    feature: 'jailbreak',
    pattern: /\b(?:unrestricted|uncensored|unfiltered|god|maintenance|debug|diagnostic)\s+mode\b/iu,
    weight: 0.4,
  },
];
